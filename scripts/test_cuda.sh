#!/usr/bin/env bash
# Builds the cuda backend wherever nvcc is found (so it cannot rot on machines without a GPU) and
# runs the tests named for it: the host checks of its kernel bodies, the CLI's answers, and the
# GPU tests, which skip with the reason where there is no GPU. The build is the one
# scripts/gpu_check.sh makes on a bare GPU machine, from the kit and a copy of the tree, with the
# system's libraries hidden (scripts/test_gpu_check.sh): the GPU check is tested with it. Only
# the targets those tests need are built; the full suite already ran in the release and asan builds.
set -euo pipefail
cd "$(dirname "$0")/.."
nvcc=${CUDACXX:-$(command -v nvcc || true)}
[ -n "$nvcc" ] || nvcc=/usr/local/cuda/bin/nvcc
if [ ! -x "$nvcc" ]; then
  echo "== cuda backend: skipped (no nvcc on PATH or at /usr/local/cuda/bin)"
  exit 0
fi
echo "== cuda backend: build ($nvcc) and its tests, as scripts/gpu_check.sh --cpu on a bare system"
export CUDACXX=$nvcc
scripts/test_gpu_check.sh
