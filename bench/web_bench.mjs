// Steps per second of one subspace training step (FC 784-200-200-10 on the 28×28 digits, batch 64,
// Fastfood d = 750, Adam) in WebAssembly, in one run of headless Chromium, beside the native
// single-thread figure for the same step (tests/wasm_fixture/step_bench.cpp: the same Run code).
// Needs: scripts/build_wasm.sh, the site built (cd web && npm run build) and the native twin
// (cmake --build build/release --target idim_wasm_step_bench). Usage: node bench/web_bench.mjs [steps]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { artifacts, startBrowser, startServer } from '../web/tests/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const steps = Number(process.argv[2] ?? 300);
const nativeBin = join(root, 'build', 'release', 'tests', 'wasm_fixture', 'idim_wasm_step_bench');
if (!existsSync(nativeBin)) throw new Error(`${nativeBin} missing: cmake --build build/release --target idim_wasm_step_bench`);
const native = JSON.parse(execFileSync(nativeBin, [String(steps)], { encoding: 'utf8' }));

const server = await startServer();
const browser = await startBrowser();
let wasm;
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  wasm = await page.evaluate(async (n) => {
    const { default: createIdim } = await import(new URL('wasm/idim.mjs', location.href).href);
    const idim = await createIdim();
    const buffer = await (await fetch('data/mnist.bin')).arrayBuffer();   // layout: web/scripts/make_data.mjs
    const view = new DataView(buffer), count = view.getUint32(8, true), header = 16 + 1024;
    const palette = new Float32Array(256).map((_, i) => view.getFloat32(16 + 4 * i, true));
    const bytes = new Uint8Array(buffer);
    idim.loadMnist(palette, bytes.subarray(header, header + count), bytes.subarray(header + count));
    const run = new idim.Run({ task: 'mnist28', widths: [200, 200], method: 'subspace', projection: 'fastfood',
                               d: 750, batch: 64, lr: 0.001, seed: 0 });
    run.timeSteps(10);   // warm: the first steps grow memory
    const seconds = run.timeSteps(n);
    const out = { steps_per_second: n / seconds, ms_per_step: 1000 * seconds / n, steps: n, D: run.dimFull(), d: run.dimTrainable(),
                  browser: navigator.userAgent };
    run.delete();
    return out;
  }, steps);
} finally {
  await browser.close();
  await server.close();
}

const report = { step: 'subspace step, FC 784-200-200-10, batch 64, Fastfood d = 750, Adam', wasm, native,
                 wasm_vs_native: wasm.steps_per_second / native.steps_per_second };
mkdirSync(artifacts, { recursive: true });
writeFileSync(join(artifacts, 'web_bench.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`${report.step}, D = ${native.D}`);
console.log(`  WebAssembly (headless Chromium, SIMD128, 1 thread): ${wasm.steps_per_second.toFixed(1)} steps/s (${wasm.ms_per_step.toFixed(2)} ms/step)`);
console.log(`  native (cpu backend, 1 thread):                     ${native.steps_per_second.toFixed(1)} steps/s (${native.ms_per_step.toFixed(2)} ms/step)`);
console.log(`  WebAssembly / native: ${report.wasm_vs_native.toFixed(2)}`);
