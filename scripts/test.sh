#!/usr/bin/env bash
# Sets up, builds and runs every test: the native suite in a release build and under
# AddressSanitizer + UndefinedBehaviorSanitizer, the cuda backend where nvcc is found, then the
# WebAssembly and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

status=0
for preset in release asan; do
  echo "== native tests: $preset"
  ./scripts/build.sh "$preset"
  ctest --preset "$preset" -j 2 || status=1
done
if [ -x scripts/test_cuda.sh ]; then
  ./scripts/test_cuda.sh || status=1
fi
if [ -x scripts/test_web.sh ]; then
  echo "== WebAssembly and browser tests"
  ./scripts/test_web.sh || status=1
fi
exit $status
