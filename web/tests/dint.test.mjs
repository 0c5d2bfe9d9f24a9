// The page's d_int90 logic and file formats, by known answers (no module, no browser).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { dintStatus, firstPassingD, geometricGrid, summarise } from '../src/dint.js';
import { parseNativeResults } from '../src/results_io.js';

const run = (d, seed, accuracy, diverged = false) => ({ d, seed, accuracy, diverged });

test('the geometric grid is log-spaced, whole and without repeats', () => {
  assert.deepEqual(geometricGrid(100, 3200, 6), [100, 200, 400, 800, 1600, 3200]);
  assert.deepEqual(geometricGrid(4, 16, 13), [4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 16]);   // 4·4^(k/12), rounded
  assert.deepEqual(geometricGrid(7, 7, 5), [7]);
  assert.throws(() => geometricGrid(10, 5, 3), /d min <= d max/);
});

test('a diverged run counts as accuracy 0 in the mean, as natively', () => {
  const [s] = summarise([run(10, 0, 0.8), run(10, 1, NaN, true)]);
  assert.deepEqual(s, { d: 10, n: 2, mean: 0.4, min: 0, max: 0.8 });
});

test('d_int90 is known only once every d up to the first passing one has all its seeds', () => {
  const grid = [10, 20, 40];
  const runs = [run(20, 0, 0.95), run(20, 1, 0.93)];
  assert.equal(dintStatus(grid, 2, runs, 0.9).state, 'waiting');        // d = 10 still open
  runs.push(run(10, 0, 0.5));
  assert.equal(dintStatus(grid, 2, runs, 0.9).state, 'waiting');
  runs.push(run(10, 1, 0.6));
  assert.deepEqual(dintStatus(grid, 2, runs, 0.9), { state: 'found', d: 20 });
  assert.equal(dintStatus(grid, 2, runs, null).state, 'waiting');       // baseline not known yet
  assert.deepEqual(dintStatus(grid, 2, runs, 0.99).state, 'waiting');   // d = 40 not run
  assert.equal(dintStatus([10, 20], 2, runs, 0.99).state, 'none');
  assert.equal(firstPassingD(runs, 0.9), 20);
});

test('the JSON of idim dint --json parses, extra fields and null accuracies included', () => {
  const r = parseNativeResults(readFileSync(new URL('./fixtures/native_dint.json', import.meta.url), 'utf8'));
  assert.equal(r.dint, 750);
  assert.equal(r.baseline, 0.9712);
  assert.equal(r.threshold, 0.87408);
  assert.equal(r.runs.length, 7);
  assert.equal(r.baselineRuns.length, 1);
  const diverged = r.runs.find((x) => x.d === 400 && x.seed === 1);
  assert.equal(diverged.diverged, true);
  // recomputing from the runs gives the file's answer (d = 400 fails: (0.84 + 0) / 2)
  assert.equal(firstPassingD(r.runs, r.threshold), 750);
});

test('d_int is recomputed when a file lacks it, and bad files say why', () => {
  const r = parseNativeResults(JSON.stringify({ baseline_accuracy: 1, runs: [run(5, 0, 0.5), run(9, 0, 0.95)].map(
    (x) => ({ d: x.d, seed: x.seed, test_accuracy: x.accuracy })) }));
  assert.equal(r.threshold, 0.9);
  assert.equal(r.dint, 9);
  const named = parseNativeResults(JSON.stringify({ d_int100: 12, threshold: 1, runs: [{ d: 12, seed: 0, test_accuracy: 1 }] }));
  assert.equal(named.dint, 12);
  assert.equal(named.fraction, 1);
  assert.throws(() => parseNativeResults('{"runs": 3}'), /no "runs" array/);
  assert.throws(() => parseNativeResults('not json'), /not JSON/);
  assert.throws(() => parseNativeResults('{"runs": [{"seed": 1}]}'), /runs\[0\]: no valid "d"/);
});
