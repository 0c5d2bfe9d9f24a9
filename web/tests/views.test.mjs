// The second act's pure helpers, by known answers (no module, no browser): the landscape's grid
// and contours, and the shared link's round trip and its refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { contourLevels, contourSegments, gridAxis, gridBounds, splitRows } from '../src/landscape.js';
import { readShareLink, shareLink } from '../src/share.js';
import { jobKey } from '../src/sweep.js';

test('the landscape grid covers θ0 and the whole path, and its rows are dealt out whole', () => {
  const b = gridBounds([[0, 0, 2], [3, -1, 1], [4, -2, 0.5]]);
  assert.ok(b.x[0] < 0 && b.x[1] > 4 && b.y[0] < -2 && b.y[1] > 0);
  const still = gridBounds([[0, 0, 2], [0.01, 0, 2]]);   // a path that barely moves: a unit neighbourhood
  assert.ok(still.x[1] - still.x[0] >= 2 && still.y[1] - still.y[0] >= 2);
  assert.deepEqual(gridAxis([-1, 1], 5), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(splitRows(21, 2), [[0, 11], [11, 21]]);
  assert.deepEqual(splitRows(3, 4), [[0, 1], [1, 2], [2, 3]]);
});

test('contours of a cone are circles at the level\'s radius', () => {
  const axis = gridAxis([-2, 2], 41);
  const values = axis.flatMap((y) => axis.map((x) => Math.hypot(x, y)));
  const segments = contourSegments(values, axis, axis, 1);
  assert.ok(segments.length > 20);
  for (const s of segments) for (const [x, y] of s) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 0.01, `(${x}, ${y})`);
  assert.deepEqual(contourSegments(values, axis, axis, 5), []);   // above the field: none
  const levels = contourLevels([1, 10, 100], 1, true);
  assert.ok(Math.abs(levels[0] - 10) < 1e-9);   // the middle of log(1)..log(100)
  assert.deepEqual(contourLevels([1, 3], 1, false), [2]);
  assert.deepEqual(contourLevels([2, 2], 3, false), []);   // a flat field has no contours
});

const sweep = {
  plan: { workers: 2, config: { task: 'toy', d: 1 }, baselineConfig: { task: 'toy' }, search: { dMin: 1 } },
  journal: [
    { key: jobKey({ kind: 'subspace', d: 4, seed: 1, earlyStops: true }),
      outcome: { result: { testAccuracy: 0.5, diverged: false, stoppedEarly: true, steps: 10, seconds: 0.1, stop: 'target' },
                 dimFull: 1000, dimTrainable: 4, trainable: new Float32Array([1, 2, 3, 4.5]) } },
    { key: jobKey({ kind: 'baseline', seed: 0, earlyStops: false }),
      outcome: { result: { testAccuracy: NaN, diverged: true, stoppedEarly: false, steps: 3, seconds: 0, stop: 'diverged' },
                 dimFull: 1000, dimTrainable: 1000, trainable: null } },
  ],
};

test('a shared link carries the plan, every outcome and small θ_d, and reads back the same', async () => {
  const link = await shareLink(sweep, 'http://127.0.0.1:4173/?x=1');
  const url = new URL(link);
  assert.equal(url.search, '?x=1');
  const back = await readShareLink(new URLSearchParams(url.hash.slice(1)).get('search'));
  assert.deepEqual(back.plan, { config: sweep.plan.config, baselineConfig: sweep.plan.baselineConfig, search: sweep.plan.search });
  assert.equal(back.journal.length, 2);
  assert.equal(back.journal[0].key, 'd4/seed1/stops');
  assert.deepEqual(back.journal[0].outcome, sweep.journal[0].outcome);
  assert.equal(back.journal[1].key, 'baseline/seed0/full');
  // search 0's keys are as they were before there were several searches; another search's carry it
  assert.equal(jobKey({ search: 0, kind: 'subspace', d: 4, seed: 1, earlyStops: true }), 'd4/seed1/stops');
  assert.equal(jobKey({ search: 2, kind: 'baseline', seed: 7, earlyStops: false }), 's2/baseline/seed7/full');
  assert.ok(Number.isNaN(back.journal[1].outcome.result.testAccuracy));
});

test('a broken shared link is refused with what is wrong', async () => {
  await assert.rejects(readShareLink('not-base64!'), /shared link is broken: its data does not decode/);
  const encode = async (doc) => {
    const bytes = new Uint8Array(await new Response(new Blob([JSON.stringify(doc)]).stream()
      .pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    return Buffer.from(bytes).toString('base64url');
  };
  await assert.rejects(readShareLink(await encode({ format: 'other' })), /does not hold an idim search/);
  const good = { format: 'idim-web-search', version: 1, plan: sweep.plan, runs: [] };
  await assert.rejects(readShareLink(await encode({ ...good, version: 2 })), /version 2/);
  await assert.rejects(readShareLink(await encode({ ...good, plan: { config: {} } })), /the plan has no "baselineConfig"/);
  await assert.rejects(readShareLink(await encode({ ...good, runs: [{ key: 'd1/seed0/stops', result: [0.5] }] })), /run 1 is malformed/);
  await assert.rejects(readShareLink(await encode({ ...good, runs: [{ key: 'd2/seed0/stops', result: [0.5, false, true], d: 2, theta: [1] }] })),
                       /run 1: θ_d does not hold d = 2 numbers/);
});

test('the pretraining view refuses files it cannot start from', async () => {
  const { networkOfFile, ratioInWords } = await import('../src/pretrain.js');
  const header = { kind: 'model', model: 'fc', widths: [64], input: [28, 28, 1], classes: 5, D: 50565 };
  assert.deepEqual(networkOfFile(header, 'a.idim'), { task: 'mnist28', model: 'fc', widths: [64] });
  assert.deepEqual(networkOfFile({ ...header, input: [14, 14, 1] }, 'a.idim').task, 'mnist14');
  assert.throws(() => networkOfFile({ ...header, kind: 'subspace' }, 'a.idim'), /a\.idim: a subspace file .* cannot be a starting point/);
  assert.throws(() => networkOfFile({ ...header, input: [32, 32, 3] }, 'c.idim'), /c\.idim: its network takes 32×32×3 inputs/);
  assert.throws(() => networkOfFile({ ...header, model: 'lenet', input: [14, 14, 1] }, 'l.idim'), /LeNet needs 28×28/);
  const start = (dint, low, high) => ({ dint, range: { low, high } });
  assert.match(ratioInWords(start(200, 190, 210), start(160, 150, 170)),
               /160 \(range 150 to 170\) against 200 \(range 190 to 210\) .*0\.80× \(lower; the ranges do not overlap\)/);
  // ranges that overlap (touching ends included) measure no difference, whatever the medians
  assert.match(ratioInWords(start(140, 130, 150), start(146, 150, 160)), /: no difference measured \(the ranges over searches overlap\)$/);
  assert.match(ratioInWords(start(140, 130, 150), start(200, 190, null)), /0\.70×|1\.43× \(higher/);
  assert.match(ratioInWords(start(140, 130, null), start(300, 250, null)), /no difference measured/);   // both open above
  assert.match(ratioInWords(start(null, null, null), start(146, 140, 150)), /did not reach the threshold, so there is no ratio/);
});
