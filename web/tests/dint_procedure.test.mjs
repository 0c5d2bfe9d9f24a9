// The core's d_int procedure as the page drives it, through the WebAssembly module: known answers
// from synthetic outcomes (as tests/test_dint_procedure.cpp), and the cross-check that the page's
// way of running it (each run a module Run, batch by batch) gives on the toy task exactly what
// `idim dint --data toy` gives natively: the same d_int, the same d tried, the same verdicts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';

import { loadIdim, repoRoot } from './wasm_module.mjs';

let idim;
before(async () => { idim = await loadIdim(); });

// Accuracy 0.95 from d = answer on, 0.5 below; baseline runs read 0.96 (seed 0) and 0.98.
const stepRun = (r, answer) => (r.baseline ? { d: 0, seed: r.seed, accuracy: r.seed === 0 ? 0.96 : 0.98 }
  : { d: r.d, seed: r.seed, accuracy: r.d >= answer ? 0.95 : 0.5 });

// Runs the procedure to the end, answering each batch in reverse order (any order will do).
function drive(config, answer) {
  const p = new idim.DintProcedure(config);
  const tried = [];
  try {
    while (!p.finished()) {
      const batch = p.next();
      tried.push(batch[0].d);
      p.report(batch.map((r) => stepRun(r, answer)).reverse());
    }
    return { result: p.result(), tried, summary: p.summary(), baseline: p.baseline() };
  } finally {
    p.delete();
  }
}

const search = { dMin: 10, dMax: 100000, seeds: 3 };

test('the search finds the known answer: a coarse doubling from d min, then bisection', () => {
  const r = drive({ ...search, baseline: 0.97, precision: 1e-9 }, 750);
  assert.equal(r.result.dint, 750);
  assert.deepEqual(r.tried.slice(0, 8), [10, 20, 40, 80, 160, 320, 640, 1280]);
  assert.equal(r.result.threshold, 0.9 * 0.97);
  assert.equal(r.result.runs.length, 3 * r.tried.length);
  const { mean, ...at } = r.summary.find((s) => s.d === 750);
  assert.deepEqual(at, { d: 750, runs: 3, diverged: 0, min: 0.95, max: 0.95 });
  assert.ok(Math.abs(mean - 0.95) < 1e-12);
  const [s] = drive({ dMin: 10, dMax: 10, seeds: 2, baseline: 1 }, 5).summary;
  assert.equal(s.d, 10);   // every run passes
  const p = new idim.DintProcedure({ dMin: 10, dMax: 10, seeds: 2, baseline: 1 });
  p.report([{ d: 10, seed: 0, accuracy: 0.8 }, { d: 10, seed: 1, accuracy: NaN, diverged: true }]);
  assert.deepEqual(p.summary(), [{ d: 10, runs: 2, diverged: 1, mean: 0.4, min: 0, max: 0.8 }]);   // a diverged run counts 0
  assert.equal(p.result().dint, null);
  p.delete();
});

test('independent searches: seeds of their own, and the median and range of their answers', () => {
  const config = { ...search, seeds: 3, baselineSeeds: 4, precision: 0.05, firstSeed: 5 };
  assert.deepEqual(idim.independentSearch(config, 0), { ...config, fraction: 0.9, growth: 2, baseline: null });
  assert.equal(idim.independentSearch(config, 2).firstSeed, 5 + 2 * 4);   // 4 baseline seeds > 3 per d
  // search 1's runs use seeds search 0's never do, baseline included
  const seedsOf = (c) => {
    const p = new idim.DintProcedure(c);
    try { return p.next().map((r) => r.seed); } finally { p.delete(); }
  };
  const first = seedsOf(idim.independentSearch(config, 0)), second = seedsOf(idim.independentSearch(config, 1));
  assert.deepEqual(first, [5, 6, 7, 8]);
  assert.ok(second.every((s) => !first.includes(s)), `${second} shares a seed with ${first}`);
  // a search that found none sorts above every d; of an even count the lower middle
  assert.deepEqual(idim.dintSpread([400, 365, 381]), { searches: [400, 365, 381], median: 381, low: 365, high: 400 });
  assert.deepEqual(idim.dintSpread([400, null, 365, 381]), { searches: [400, null, 365, 381], median: 381, low: 365, high: null });
  assert.deepEqual(idim.dintSpread([null, 20]), { searches: [null, 20], median: 20, low: 20, high: null });
  assert.deepEqual(idim.dintSpread([null]), { searches: [null], median: null, low: null, high: null });
  assert.throws(() => idim.dintSpread([]), /no searches/);
  assert.throws(() => idim.independentSearch(config, -1), /whole number/);
});

test('the baseline is trained first and gives the threshold', () => {
  const p = new idim.DintProcedure({ ...search, baselineSeeds: 2 });
  try {
    assert.equal(p.baseline(), null);
    assert.equal(p.threshold(), null);
    const first = p.next();
    assert.deepEqual(first, [{ d: 0, seed: 0, earlyStops: false, baseline: true },
                             { d: 0, seed: 1, earlyStops: false, baseline: true }]);
    p.report(first.map((r) => stepRun(r, 750)));
    assert.ok(Math.abs(p.baseline() - 0.97) < 1e-12);
    assert.ok(Math.abs(p.threshold() - 0.9 * 0.97) < 1e-12);
    assert.equal(p.baselineRuns().length, 2);
    assert.deepEqual(p.next().map((r) => [r.d, r.seed, r.baseline]), [[10, 0, false], [10, 1, false], [10, 2, false]]);
  } finally {
    p.delete();
  }
  assert.equal(drive({ ...search, baselineSeeds: 2 }, 750).result.dint, drive({ ...search, baseline: 0.97 }, 750).result.dint);
});

test('a diverged baseline, foreign outcomes and bad settings are refused with a message', () => {
  const p = new idim.DintProcedure({ ...search });
  try {
    assert.throws(() => p.report([{ d: 0, seed: 0, accuracy: NaN, diverged: true }]), /baseline training diverged/);
    assert.throws(() => p.report([{ d: 0, seed: 0, accuracy: null, diverged: true }]), /baseline training diverged/);
    assert.equal(p.baseline(), null);   // still waiting for a baseline, still usable
    p.report([{ d: 0, seed: 0, accuracy: 0.9 }]);
    assert.equal(p.threshold(), 0.81);
    assert.throws(() => p.report([{ d: 11, seed: 0, accuracy: 0.5 }, { d: 10, seed: 1, accuracy: 0.5 }, { d: 10, seed: 2, accuracy: 0.5 }]),
                  /no outcome for the run d = 10, seed 0/);
    assert.throws(() => p.report([{ d: 10, seed: 0, accuracy: 0.5 }]), /expected 3 outcomes/);
  } finally {
    p.delete();
  }
  assert.throws(() => new idim.DintProcedure({ ...search, baseline: 1.5 }), /fixed baseline must be in \(0, 1\]/);
  assert.throws(() => new idim.DintProcedure({ ...search, fraction: 0 }), /fraction/);
  assert.throws(() => new idim.DintProcedure({ dMin: 20, dMax: 10 }), /d-max \(10\) is below d-min \(20\)/);
  assert.throws(() => new idim.DintProcedure({ ...search, seeds: 1.5 }), /seeds must be a whole number/);
});

test('the page gets the core\'s defaults, the CLI\'s own', () => {
  const core = idim.defaults();
  assert.deepEqual(core.dint, { dMin: 10, dMax: 0, seeds: 3, fraction: 0.9, growth: 2, precision: 0.05, baselineSeeds: 1 });
  assert.equal(core.subspace.optimizer, 'adam');
  assert.equal(core.full.optimizer, 'sgd');
  assert.deepEqual({ ...core.toy, batch: undefined, weightDecay: undefined },
                   { epochs: 50000, batch: undefined, weightDecay: undefined, optimizer: 'sgd', lr: 0.005, momentum: 0.99, schedule: 'constant' });
  // the toy task's search and P (native/cmd_dint.cpp and options.cpp take the same from the core)
  assert.deepEqual(core.toyDint, { dMin: 1, fraction: 1, baseline: 1 });
  assert.equal(core.projection, 'fastfood');
  assert.equal(core.toyProjection, 'dense');
  assert.equal(idim.dIntName(core.toyDint.fraction), 'd_int100');
});

// The cross-check. Each run: the module's Run of the toy task, with a dense P and nothing but d,
// seed and the early-stop target given (everything else is the core's toy default, as natively).
test('on the toy task the page\'s procedure gives what idim dint gives natively', (t) => {
  const file = process.env.IDIM_NATIVE_DINT_JSON ?? join(repoRoot, 'build', 'web-artifacts', 'native_toy_dint.json');
  assert.ok(existsSync(file), `native results ${file} missing: run scripts/test_web.sh (it runs idim dint --data toy)`);
  const native = JSON.parse(readFileSync(file, 'utf8'));
  const p = new idim.DintProcedure({ dMin: 1, dMax: 1000, seeds: native.seeds, fraction: 1, baseline: 1 });
  const verdicts = new Map();   // "d/seed" → solved
  const tried = [];
  try {
    while (!p.finished()) {
      const outcomes = p.next().map((r) => {
        const config = { task: 'toy', method: 'subspace', projection: 'dense', d: r.d, seed: r.seed };
        if (r.earlyStops) config.targetAccuracy = p.threshold();
        const run = new idim.Run(config);
        try {
          const out = run.train(null);
          return { d: r.d, seed: r.seed, accuracy: out.testAccuracy, diverged: out.diverged, stoppedEarly: out.stoppedEarly };
        } finally {
          run.delete();
        }
      });
      p.report(outcomes);
      for (const o of outcomes) {
        if (!tried.includes(o.d)) tried.push(o.d);
        verdicts.set(`${o.d}/${o.seed}`, o.accuracy >= 1);
      }
    }
    const nativeTried = [];
    for (const r of native.runs) if (!nativeTried.includes(r.d)) nativeTried.push(r.d);
    t.diagnostic(`d tried: ${tried.join(', ')}; native: ${nativeTried.join(', ')}`);
    assert.equal(p.result().dint, 10);
    assert.equal(native.d_int100, 10);
    assert.deepEqual(tried, nativeTried);
    assert.equal(native.runs.length, verdicts.size);
    for (const r of native.runs)
      assert.equal(verdicts.get(`${r.d}/${r.seed}`), r.test_accuracy >= 1, `d = ${r.d}, seed ${r.seed}`);
  } finally {
    p.delete();
  }
});

test('the page\'s presets are the core\'s defaults but for the differences they state', async () => {
  const { taskPresets } = await import('../src/settings.js');
  const core = idim.defaults();
  const presets = taskPresets(idim);
  // the default experiment is the CLI's, D of its network (FC 196-64-10: 197·64 + 65·10) as d max
  assert.deepEqual(presets.mnist14.search, { ...core.dint, dMax: 13258 });
  assert.match(presets.mnist14.why, /D = 13,258/);
  assert.deepEqual([presets.mnist28.search.dMax, presets.spirals.search.dMax, presets.circles.search.dMax], [79510, 1218, 82]);
  assert.deepEqual(presets.mnist14.subspace, core.subspace);
  assert.deepEqual(presets.mnist14.baseline, core.full);
  // the toy runs exactly as the cross-check above (and the CLI) runs it
  assert.deepEqual(presets.toy.subspace, core.toy);
  assert.deepEqual(presets.toy.search, { ...core.dint, dMin: 1, dMax: 1000, fraction: 1, baseline: 1 });
  assert.equal(presets.toy.data.projection, 'dense');
  for (const [task, p] of Object.entries(presets)) {
    assert.ok(p.why.length > 10, `${task}: no reason given`);
    new idim.DintProcedure(p.search).delete();   // settings the procedure accepts
  }
});

test('several searches through the page\'s Sweep: the median and range, and a journal replays them, whole or cut', async () => {
  const { Sweep } = await import('../src/sweep.js');
  const { Msg } = await import('../src/protocol.js');
  // search k has seeds 3k … 3k+2 (3 a d, 1 baseline seed): search 0 passes from d = 300, search 1
  // from 500, search 2 never
  const passesFrom = (seed) => [300, 500, Infinity][Math.floor(seed / 3)];
  const plan = { config: { task: 'toy' }, baselineConfig: { task: 'toy' }, workers: 2, searches: 3,
                 search: { dMin: 10, dMax: 100000, seeds: 3, precision: 1e-9 } };
  // the workers, faked: every queued run finishes at once with the accuracy above
  const drain = (sweep) => {
    while (sweep.state === 'running' && sweep.pool.waiting.length) {
      const job = sweep.pool.waiting.shift();
      sweep.pool.handlers.dispatched(job);
      const acc = job.kind === 'baseline' ? 0.96 : job.d >= passesFrom(job.seed) ? 0.95 : 0.5;
      sweep.onMessage(job, { type: Msg.done, result: { testAccuracy: acc, diverged: false, stoppedEarly: false },
                             dimFull: 1000, dimTrainable: job.d ?? 1000, trainable: null });
    }
  };
  const whole = new Sweep(idim, plan, () => {});
  drain(whole);
  assert.equal(whole.state, 'done');
  assert.deepEqual(whole.dintSearches, [300, 500, null]);
  assert.equal(whole.dint, 500);
  assert.deepEqual(whole.range, { low: 300, high: null });
  assert.deepEqual([...new Set(whole.baselineRuns.map((r) => r.seed))], [0, 3, 6]);   // each search its own baseline
  // the whole journal: nothing trained, the same answer
  const replayed = new Sweep(idim, plan, () => {}, whole.journal);
  assert.equal(replayed.state, 'done');
  assert.equal(replayed.trained, 0);
  assert.deepEqual([replayed.dint, replayed.dintSearches], [whole.dint, whole.dintSearches]);
  // cut in search 1: what it holds is restored, the rest trained, the journal as long as unbroken
  const cut = whole.journal.slice(0, Math.floor(whole.journal.length / 2));
  const resumed = new Sweep(idim, plan, () => {}, cut);
  assert.equal(resumed.restored, cut.length);
  drain(resumed);
  assert.equal(resumed.state, 'done');
  assert.equal(resumed.restored + resumed.trained, whole.journal.length);
  assert.deepEqual(resumed.journal.map((e) => e.key), whole.journal.map((e) => e.key));
  assert.deepEqual(resumed.dintSearches, whole.dintSearches);
});
