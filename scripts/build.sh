#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release) with both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
if [ "$preset" = cuda ] && [ -z "${CUDACXX:-}" ] && ! command -v nvcc > /dev/null; then
  export CUDACXX=/usr/local/cuda/bin/nvcc   # the toolkit's usual place, often not on PATH
fi
cmake --preset "$preset" -G Ninja > "build-$preset.log" 2>&1 || { cat "build-$preset.log"; exit 1; }
cmake --build --preset "$preset" -j 2 2>&1 | tail -n 3
rm -f "build-$preset.log"
