#!/usr/bin/env bash
# Builds the WebAssembly module (CMake preset "wasm": Debian's Emscripten, SIMD128) and copies it
# where the page serves it from: web/public/wasm/idim.{mjs,wasm}.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emcc finds acorn only through it
if [ ! -f build/wasm/build.ninja ]; then
  cmake --preset wasm -G Ninja &> build-wasm.log || { cat build-wasm.log; exit 1; }
  rm -f build-wasm.log
fi
nice cmake --build build/wasm --target idim_wasm -j 2 2>&1 | tail -n 2
mkdir -p web/public/wasm
cp build/wasm/wasm/idim.mjs build/wasm/wasm/idim.wasm web/public/wasm/
echo "build_wasm: web/public/wasm/idim.wasm ($(du -k web/public/wasm/idim.wasm | cut -f1) KiB)"
