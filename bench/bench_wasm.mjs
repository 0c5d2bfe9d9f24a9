// The subspace step in WebAssembly under Node (one thread, SIMD128): FC 784-200-200-10 on MNIST
// 28×28, batch 128, Adam, Fastfood d = 750 (and full training), timed as bench_subspace times the
// native step; writes Google Benchmark-style JSON (min over repetitions) for bench/run_all.sh.
// Needs the built module (scripts/build_wasm.sh) and web/public/data/mnist.bin.
// Usage: node bench/bench_wasm.mjs [out.json]
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { loadIdim, loadMnistInto } from '../web/tests/wasm_module.mjs';

const idim = await loadIdim();
loadMnistInto(idim);

function timeSteps(config, reps = 5, minSeconds = 0.5) {
  const run = new idim.Run({ task: 'mnist28', model: 'fc', widths: [200, 200], batch: 128, ...config });
  try {
    const batches = [];
    for (let b = 0; b < 60; b++) batches.push(Array.from({ length: 128 }, (_, i) => (b * 128 + i * 7) % 7996));
    let next = 0;
    const step = () => run.step(batches[next++ % batches.length]);
    for (let i = 0; i < 3; i++) step();
    let t0 = performance.now();
    step();
    const n = Math.max(1, Math.min(200, Math.floor((minSeconds * 1e3) / Math.max(performance.now() - t0, 0.1))));
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      t0 = performance.now();
      for (let i = 0; i < n; i++) step();
      best = Math.min(best, (performance.now() - t0) / n);
    }
    return { ms: best, n, D: run.dimFull() };
  } finally {
    run.delete();
  }
}

const workloads = [
  ['BM_SubspaceStep/fastfood/d:750/threads:1/width:200', { method: 'subspace', projection: 'fastfood', d: 750 }],
  ['BM_SubspaceStep/full/d:0/threads:1/width:200', { method: 'full' }],
];
const benchmarks = [];
for (const [name, config] of workloads) {
  const r = timeSteps(config);
  console.log(`${name.padEnd(60)} ${r.ms.toFixed(2)} ms (wasm, ${idim.backend()})`);
  benchmarks.push({ name, run_type: 'aggregate', aggregate_name: 'min', real_time: r.ms, time_unit: 'ms', iterations: r.n, D: r.D });
}
const doc = { context: { runtime: `node ${process.version}`, module: idim.version() }, benchmarks };
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(doc, null, 1));
