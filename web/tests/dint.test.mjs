// The per-d rules the page takes from the core (dint.js: the module's summarise, firstPassingD,
// countedAccuracy, dIntName) and the file formats, by known answers (the module in Node, no browser).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';

import { countedAccuracy, dintName, firstPassingD, summarise, useCore } from '../src/dint.js';
import { parseNativeResults } from '../src/results_io.js';
import { loadIdim } from './wasm_module.mjs';

before(async () => { useCore(await loadIdim()); });

const run = (d, seed, accuracy, diverged = false) => ({ d, seed, accuracy, diverged });

test('a diverged run counts as accuracy 0 in the mean, as natively', () => {
  const [s] = summarise([run(10, 0, 0.8), run(10, 1, NaN, true)]);
  assert.deepEqual(s, { d: 10, runs: 2, diverged: 1, mean: 0.4, min: 0, max: 0.8 });
  assert.equal(countedAccuracy(run(10, 1, NaN, true)), 0);
  assert.equal(countedAccuracy({ accuracy: 0.7, diverged: true }), 0);
  assert.equal(countedAccuracy({ accuracy: null }), 0);   // no accuracy: a failed run
  assert.equal(countedAccuracy({ accuracy: 0.7 }), 0.7);
  assert.deepEqual(summarise([run(20, 0, 0.5), run(10, 0, 0.25)]).map((x) => x.d), [10, 20]);
  assert.throws(() => summarise([{ d: 1.5, seed: 0, accuracy: 1 }]), /d must be a whole number/);
});

test('d_int read off finished runs is the first d whose mean reaches the threshold', () => {
  const runs = [run(40, 0, 0.99), run(20, 0, 0.95), run(20, 1, 0.93), run(10, 0, 0.5), run(10, 1, 0.99)];
  assert.equal(firstPassingD(runs, 0.9), 20);   // d = 10: mean 0.745
  assert.equal(firstPassingD(runs, 0.7), 10);
  assert.equal(firstPassingD(runs, 0.995), null);
  assert.equal(dintName(0.9), 'd_int90');
  assert.equal(dintName(1), 'd_int100');
  assert.equal(dintName(0.95), 'd_int95');
  assert.equal(dintName(undefined), 'd_int90');
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
  // idim dint --searches N: the median, each search's d_int90 and their range (null: above every d tried)
  const ranged = parseNativeResults(JSON.stringify({ d_int90: 9, d_int90_searches: [8, 9, null], d_int90_range: [8, null],
                                                     threshold: 0.9, runs: [] }));
  assert.equal(ranged.dint, 9);
  assert.deepEqual(ranged.range, { low: 8, high: null });
  assert.deepEqual(ranged.dintSearches, [8, 9, null]);
  assert.equal(ranged.searchCount, 3);
  // the old bootstrap range was no range for d_int90: a file that still has one shows none
  assert.equal(parseNativeResults(JSON.stringify({ d_int90: 9, d_int_range: [8, 10], threshold: 0.9, runs: [] })).range, null);
  assert.throws(() => parseNativeResults('{"runs": 3}'), /no "runs" array/);
  assert.throws(() => parseNativeResults('not json'), /not JSON/);
  assert.throws(() => parseNativeResults('{"runs": [{"seed": 1}]}'), /runs\[0\]: no valid "d"/);
});
