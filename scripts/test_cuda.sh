#!/usr/bin/env bash
# Builds the cuda backend wherever nvcc is found (so it cannot rot on machines without a GPU) and
# runs the tests named for it: the host checks of its kernel bodies, the CLI's answers, and the
# GPU tests, which skip with the reason where there is no GPU. Only the targets those tests need
# are built; the full suite already ran in the release and asan builds.
set -euo pipefail
cd "$(dirname "$0")/.."
nvcc=${CUDACXX:-$(command -v nvcc || true)}
[ -n "$nvcc" ] || nvcc=/usr/local/cuda/bin/nvcc
if [ ! -x "$nvcc" ]; then
  echo "== cuda backend: skipped (no nvcc on PATH or at /usr/local/cuda/bin)"
  exit 0
fi
echo "== cuda backend: build ($nvcc) and its tests"
export CUDACXX=$nvcc
cmake --preset cuda -G Ninja &> build-cuda.txt || { cat build-cuda.txt; exit 1; }
rm -f build-cuda.txt
cmake --build build/cuda -j 2 --target idim test_cuda_bodies test_backend_ops_every \
      test_cuda_training 2>&1 | tail -n 3
ctest --preset cuda -j 2
