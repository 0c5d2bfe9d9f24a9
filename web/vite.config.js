// Vite: the page and its module worker; the WebAssembly module and the digits are static files
// under public/ (scripts/build_wasm.sh and scripts/make_data.mjs put them there).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 600 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false },
  server: { host: '127.0.0.1' },
});
