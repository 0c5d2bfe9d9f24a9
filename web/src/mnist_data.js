// Reads the binary written by scripts/make_data.mjs (layout there) into typed-array views.
export function parseMnistBin(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== 'IDIMMN01') throw new Error('mnist.bin: not an idim digits file');
  const view = new DataView(buffer);
  const count = view.getUint32(8, true), side = view.getUint32(12, true);
  const header = 16 + 256 * 4;
  const palette = new Float32Array(256);
  for (let i = 0; i < 256; i++) palette[i] = view.getFloat32(16 + 4 * i, true);
  const labels = bytes.subarray(header, header + count);
  const pixels = bytes.subarray(header + count, header + count + count * side * side);
  return { count, side, palette, labels, pixels };
}
