// Node tests of the WebAssembly module (node --test): training really trains, P is bit-identical to
// the native one, a model rebuilds from (configuration, θ_d), a trained network is a starting point
// (the module's model files and the CLI's), and bad calls throw readable errors that leave the
// module usable.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';

import { loadIdim, loadMnistInto, repoRoot } from './wasm_module.mjs';

let idim;
before(async () => {
  idim = await loadIdim();
  loadMnistInto(idim);
});

// Adam at a constant rate for every method (the core's full-training default is SGD with a cosine
// decay), so a few steps on one batch show a clear fall.
const small = { task: 'mnist14', widths: [32], trainSize: 1000, epochs: 1, batch: 32, seed: 3, optimizer: 'adam', schedule: 'constant' };
const batch = Array.from({ length: 64 }, (_, i) => i * 7);   // a fixed batch of 64 training digits

function withRun(config, f) {
  const run = new idim.Run(config);
  try { return f(run); } finally { run.delete(); }
}

for (const method of [['subspace', 'dense'], ['subspace', 'sparse'], ['subspace', 'fastfood'],
                      ['said', 'fastfood'], ['full', 'fastfood']]) {
  test(`a ${method.join('/')} step lowers the loss on a fixed batch`, () => {
    withRun({ ...small, method: method[0], projection: method[1], d: 100, lr: 0.01 }, (run) => {
      const before = run.batchLoss(batch);
      for (let i = 0; i < 10; i++) run.step(batch);
      const after = run.batchLoss(batch);
      // Ten Adam steps on one batch of a fresh network: the loss (≈ 2.3 = ln 10 at the start)
      // must fall clearly, not by rounding; 10% is far above float noise and far below what we see.
      assert.ok(Number.isFinite(before) && before > 1, `initial loss ${before}`);
      assert.ok(after < 0.9 * before, `loss ${before} -> ${after}`);
    });
  });
}

test('dimOf gives D of a configuration\'s network, what its Run reports, before any run', () => {
  const known = [
    [{ task: 'mnist14', model: 'fc', widths: [64] }, 13258],                         // 197·64 + 65·10
    [{ task: 'mnist14', model: 'fc', widths: [64], classes: [5, 6, 7, 8, 9] }, 12933], // 197·64 + 65·5
    [{ task: 'mnist28', model: 'fc', widths: [100] }, 79510],                        // 785·100 + 101·10
    [{ task: 'mnist28', model: 'fc', widths: [200, 200] }, 199210],
    [{ task: 'mnist28', model: 'lenet' }, 44426],                                   // model.h
    [{ task: 'mnist28', model: 'lenet', classes: [5, 6, 7, 8, 9] }, 44001],          // 85 fewer per class
    [{ task: 'toy' }, 1000],
    [{ task: 'spirals', model: 'fc', widths: [32, 32] }, 1218],
    [{ task: 'circles', model: 'fc', widths: [16] }, 82],
  ];
  for (const [config, D] of known) {
    assert.equal(idim.dimOf(config), D, JSON.stringify(config));
    assert.equal(withRun({ ...config, method: 'subspace', d: 2 }, (run) => run.dimFull()), D, JSON.stringify(config));
  }
  assert.throws(() => idim.dimOf({ task: 'cifar' }), /unknown task 'cifar'/);
});

test('the projection fingerprints match the native fixture bit for bit', () => {
  const file = process.env.IDIM_FIXTURE_JSON ?? join(repoRoot, 'build', 'web-artifacts', 'wasm_fixture.json');
  assert.ok(existsSync(file), `native fixture ${file} missing: run scripts/test_web.sh (it builds idim_wasm_fixture)`);
  const cases = JSON.parse(readFileSync(file, 'utf8'));
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    const f = idim.projectionFingerprint(c.kind, c.seed, c.side, c.widths, c.d);
    assert.equal(f.D, c.D, `${c.kind} seed ${c.seed}: D`);
    // exact: the hash covers every bit of every entry of P
    assert.equal(f.hash, c.hash, `${c.kind} seed ${c.seed} D ${c.D} d ${c.d}: Σ|P| wasm ${f.sumAbs} native ${c.sumAbs}`);
  }
});

test('a subspace model rebuilds from (configuration, θ_d) with the same accuracy', () => {
  const config = { ...small, method: 'subspace', projection: 'fastfood', d: 200, epochs: 4, lr: 0.03 };
  const trained = withRun(config, (run) => ({ result: run.train(null), theta: run.getTrainable(), D: run.dimFull() }));
  assert.equal(trained.theta.length, 200);
  assert.ok(trained.D > 6000);
  const rebuilt = withRun(config, (run) => {
    run.setTrainable(Array.from(trained.theta));   // as a JSON file would hand it back
    return run.evaluate().test;
  });
  // the same floats through the same code: equal, not close
  assert.equal(rebuilt.accuracy, trained.result.testAccuracy);
  assert.ok(trained.result.testAccuracy > 0.5);   // a trained model, not chance (0.1): we saw 0.59
});

test('the toy task, with the core\'s toy defaults, is solved at d = 10 and not at d = 8', () => {
  // nothing but the task, P and d: the training settings are toy_train_config's, as natively
  const toy = { task: 'toy', method: 'subspace', projection: 'dense', seed: 0, targetAccuracy: 1 };
  const at = (d) => withRun({ ...toy, d }, (run) => run.train(null));
  assert.equal(at(10).testAccuracy, 1);
  const below = at(8);
  assert.equal(below.testAccuracy, 0);
  assert.ok(below.testLoss > 1, `d = 8 leaves loss ${below.testLoss}: 10 equations, 8 unknowns`);
});

test('a 2-D spiral task trains to well above chance with full training', () => {
  const r = withRun({ task: 'spirals', method: 'full', widths: [32, 32], epochs: 30, batch: 32, lr: 0.01,
                      optimizer: 'adam', schedule: 'constant' },
                    (run) => run.train(null));
  assert.ok(r.testAccuracy > 0.8, `spirals accuracy ${r.testAccuracy}`);   // chance is 0.5
});

test('bad calls throw readable errors and leave the module usable', () => {
  const cases = [
    [{ ...small, d: 1e7 }, /d cannot exceed the number of parameters D = 6634/],
    [{ ...small, model: 'resnet' }, /unknown model 'resnet'/],
    [{ ...small, task: 'imagenet' }, /unknown task 'imagenet'/],
    [{ ...small, projection: 'magic' }, /magic/],
    [{ ...small, method: 'said', d: 3 }, /d = 3: SAID trains one scale per parameter tensor \(m = 4\), so d must exceed m/],
    [{ ...small, model: 'lenet' }, /lenet: needs inputs of at least 16x16/],
    [{ ...small, d: 0.5 }, /d must be a whole number/],
    [{ ...small, d: 10, epochs: 0 }, /epochs must be at least 1/],
  ];
  for (const [config, message] of cases) {
    assert.throws(() => withRun(config, (run) => run.train(null)), (e) => e instanceof Error && message.test(e.message),
                  `config ${JSON.stringify(config)}`);
  }
  withRun({ ...small, d: 20 }, (run) => {
    assert.throws(() => run.setTrainable(new Float32Array(3)), /expected 20 trainable numbers, got 3/);
    assert.throws(() => run.step([1e6]), /outside the 1000 training examples/);
  });
  // θ alone would need 1.6 GB: over the 1 GiB cap, an error and not a crash
  assert.throws(() => new idim.Run({ task: 'mnist28', widths: [20000, 20000], d: 10 }), /out of memory/);
  const ok = withRun({ ...small, d: 50, epochs: 2, lr: 0.03 }, (run) => run.train(null));
  assert.ok(ok.testAccuracy > 0.2, `accuracy ${ok.testAccuracy}`);   // chance is 0.1; we saw 0.28
});

test('a trained network saved as a model file is the next run\'s θ0, head kept or new', () => {
  const pre = { ...small, trainSize: 0, method: 'full', classes: [0, 1, 2, 3, 4], epochs: 1 };
  const { file, accuracy } = withRun(pre, (run) => ({ accuracy: run.train(null).testAccuracy, file: run.modelFile() }));
  const header = idim.inspectModelFile(file, 'pretrained');
  assert.deepEqual({ kind: header.kind, model: header.model, widths: header.widths, input: header.input, classes: header.classes },
                   { kind: 'model', model: 'fc', widths: [32], input: [14, 14, 1], classes: 5 });
  // with its head the starting point is the trained network itself: the same test accuracy, untrained
  const kept = withRun({ ...pre, initFile: file, keepHead: true }, (run) => run.evaluate().test.accuracy);
  assert.equal(kept, accuracy);
  assert.ok(accuracy > 0.8, `pretraining reached ${accuracy}`);
  // on digits 5-9 with a new head (subspace at θ_d = 0): near chance, as a new head must be
  const downstream = { ...small, trainSize: 0, classes: [5, 6, 7, 8, 9], method: 'subspace', d: 10 };
  const fresh = withRun({ ...downstream, initFile: file }, (run) => run.evaluate().test.accuracy);
  assert.ok(fresh < 0.5, `a new head gives ${fresh}`);
  assert.throws(() => withRun({ ...downstream, widths: [16], initFile: file }, () => {}), /the starting point: .*width/i);
  const corrupt = file.slice();
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.throws(() => idim.inspectModelFile(corrupt, 'x.idim'), /x\.idim: checksum mismatch/);
  assert.throws(() => withRun({ ...pre, method: 'subspace', d: 10 }, (run) => run.modelFile()), /only a full-training run/);
});

test('a model file of idim train --save reads in the module (the same format and checksum)', { skip: !process.env.IDIM_NATIVE_MODEL }, () => {
  const header = idim.inspectModelFile(readFileSync(process.env.IDIM_NATIVE_MODEL), 'native');
  assert.equal(header.kind, 'model');
  assert.deepEqual(header.widths, [64]);
  assert.deepEqual(header.input, [28, 28, 1]);
  assert.equal(header.D, 50565);   // FC 784-64-5: 785·64 + 65·5
});
