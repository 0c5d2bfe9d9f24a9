#!/usr/bin/env bash
# The check to run whenever an NVIDIA GPU is at hand: builds idim with the cuda backend (for this
# GPU's architecture), runs the GPU tests (again under compute-sanitizer where it is installed),
# the GPU benchmark rows and `idim dint --model fc --data mnist --backend cuda`, and writes the
# log and results to OUT_DIR (summary.md holds the figures docs/gpu.md takes, with the GPU's
# name). Needs only the CUDA toolkit and what scripts/setup.sh installed; no network. Exits
# non-zero with a message when there is no GPU or a step fails. Budget: under 8 minutes.
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/gpu_check.sh OUT_DIR" >&2; exit 2; }
mkdir -p "$1" && out=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
exec > >(tee "$out/gpu_check.log") 2>&1
started=$(date +%s)
status=0
step() { echo "== $(date -u +%H:%M:%S) (+$(( $(date +%s) - started ))s) $*"; }
fail() { echo "gpu_check: error: $*"; exit 1; }
mark() { echo "gpu_check: FAILED: $*"; status=1; }

step "GPU and toolkit"
nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
[ -x "$nvcc" ] || fail "no nvcc (put the CUDA toolkit's bin on PATH or set CUDACXX)"
export CUDACXX=$nvcc PATH="$(dirname "$nvcc"):$PATH"
if command -v nvidia-smi > /dev/null; then
  nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || fail "nvidia-smi finds no GPU: $(head -n 1 "$out/nvidia-smi.txt")"
  nvidia-smi -L
elif ! ls /dev/nvidia[0-9]* > /dev/null 2>&1; then
  fail "no NVIDIA GPU here (no nvidia-smi, no /dev/nvidia0)"
fi
"$nvcc" --version | tail -n 2

step "build (cuda preset, this GPU's architecture, benchmarks on)"
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake --preset cuda "${generator[@]}" -DCMAKE_CUDA_ARCHITECTURES=native -DIDIM_BUILD_BENCH=ON \
  > "$out/configure.log" 2>&1 || { tail -n 30 "$out/configure.log"; fail "configure failed"; }
targets=(idim test_cuda_bodies test_backend_ops_every test_cuda_training)
cmake --build build/cuda --target help 2>/dev/null | grep -q bench_gpu && targets+=(bench_gpu)
cmake --build build/cuda -j "$(nproc)" --target "${targets[@]}" > "$out/build.log" 2>&1 \
  || { tail -n 40 "$out/build.log"; fail "build failed"; }
idim=build/cuda/native/idim

step "the device"
timeout 60 "$idim" info --data toy --backend cuda | tee "$out/info.txt" \
  || fail "idim finds no usable GPU (see above)"
gpu=$(sed -n 's/^backend: cuda: //p' "$out/info.txt")

step "GPU tests"
timeout 150 ctest --preset cuda -j 1 --output-junit "$out/ctest.xml" > "$out/ctest.log" 2>&1 \
  || mark "GPU tests (see ctest.log)"
tail -n 5 "$out/ctest.log"
grep -q "Skipped" "$out/ctest.log" && grep "Skipped" "$out/ctest.log" | head -n 5

sanitizer=$(command -v compute-sanitizer || echo "$(dirname "$nvcc")/compute-sanitizer")
if [ -x "$sanitizer" ]; then
  # memcheck over every op; racecheck over the kernels that share memory within a block
  for check in "memcheck:*/cuda" "racecheck:*WalshHadamard*/cuda:*Dot*/cuda"; do
    tool=${check%%:*}
    step "compute-sanitizer --tool $tool (backend ops on cuda)"
    timeout 90 "$sanitizer" --tool "$tool" --error-exitcode 3 \
      build/cuda/tests/test_backend_ops_every --gtest_filter="${check#*:}" \
      > "$out/sanitizer_$tool.log" 2>&1 || mark "compute-sanitizer $tool (see sanitizer_$tool.log)"
    tail -n 3 "$out/sanitizer_$tool.log"
  done
else
  echo "compute-sanitizer not found: skipped"
fi

if [ -x build/cuda/bench/bench_gpu ]; then
  step "benchmark rows"
  IDIM_BACKEND=cuda timeout 120 build/cuda/bench/bench_gpu --benchmark_out="$out/bench_gpu.json" \
    --benchmark_out_format=json || mark "bench_gpu"
else
  echo "bench_gpu not built (Google Benchmark missing): benchmark rows skipped"
fi

step "idim dint --model fc --data mnist --backend cuda"
t0=$(date +%s.%N)
timeout 120 "$idim" dint --model fc --data mnist --backend cuda --json "$out/dint.json" \
  > "$out/dint.log" 2>&1 || mark "idim dint (see dint.log)"
t1=$(date +%s.%N)
dint_seconds=$(echo "$t1 - $t0" | bc 2>/dev/null || python3 -c "print($t1 - $t0)")
tail -n 5 "$out/dint.log"

step "summary"
{
  echo "# gpu_check $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "GPU: ${gpu:-unknown}"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "GPU tests: $(grep -E 'tests passed|tests failed' "$out/ctest.log" | tail -n 1)"
  echo "idim dint --model fc --data mnist --backend cuda: ${dint_seconds} s wall;" \
       "$(grep -i 'd_int' "$out/dint.log" | tail -n 1)"
  if [ -f "$out/bench_gpu.json" ] && command -v python3 > /dev/null; then
    python3 - "$out/bench_gpu.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    print(f'{b["name"]}: {b["real_time"]:.1f} {b["time_unit"]} per step (D = {b.get("D", 0):.0f})')
PY
  fi
  echo "total: $(( $(date +%s) - started )) s"
  [ $status -eq 0 ] && echo "result: passed" || echo "result: FAILED"
} | tee "$out/summary.md"
exit $status
