// Loads the built WebAssembly module in Node for the tests and the benchmark: reads idim.wasm
// itself (Node's fetch refuses file paths) and hands the bytes over as wasmBinary.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { parseMnistBin } from '../src/mnist_data.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const wasmDir = process.env.IDIM_WASM_DIR ?? join(repoRoot, 'build', 'wasm', 'wasm');

export async function loadIdim() {
  // Emscripten 3.1.6's ES6 output still calls require() and __dirname when it runs under Node.
  globalThis.require ??= createRequire(import.meta.url);
  globalThis.__dirname ??= wasmDir;
  const { default: createIdim } = await import(pathToFileURL(join(wasmDir, 'idim.mjs')).href);
  return createIdim({ wasmBinary: readFileSync(join(wasmDir, 'idim.wasm')) });
}

export function loadMnistInto(idim) {
  const file = join(here, '..', 'public', 'data', 'mnist.bin');
  const bin = readFileSync(file);
  const d = parseMnistBin(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  idim.loadMnist(d.palette, d.labels, d.pixels);
  return d;
}
