#!/usr/bin/env bash
# The check to run whenever an NVIDIA GPU is at hand (docs/gpu.md, "Checking on a GPU").
#   [IDIM_KIT=KIT_DIR] scripts/gpu_check.sh OUT_DIR          build, GPU tests, benchmark rows,
#       `idim dint --backend cuda`, compute-sanitizer: one window of at most 9 minutes
#   [IDIM_KIT=KIT_DIR] scripts/gpu_check.sh --long OUT_DIR   the long benchmark rows (D ≈ 10^7,
#       dense P stored at d = 20,000), after the first on the same machine
#   [IDIM_KIT=KIT_DIR] scripts/gpu_check.sh --cpu OUT_DIR    every stage that needs no GPU
#       (configure, build with CUDA, the tests named cuda, the data): tests this script anywhere
# A bare machine (CUDA toolkit, CMake, ninja, g++; no apt, no npm) gets the libraries and MNIST
# from the kit scripts/device_kit.sh made: each library the machine lacks comes from the kit. No
# network. Each stage runs under a time-out cut to what is left of the window and adds its line
# to OUT_DIR/summary.md when it ends, so a killed run still leaves what finished; the JSON
# results (ctest.xml, bench_gpu*.json, dint.json) and each stage's log lie beside it.
set -uo pipefail
usage() { echo "usage: [IDIM_KIT=KIT_DIR] scripts/gpu_check.sh [--cpu | --long] OUT_DIR" >&2; exit 2; }
mode=gpu
case "${1:-}" in --cpu) mode=cpu; shift ;; --long) mode=long; shift ;; -*) usage ;; esac
[ $# -eq 1 ] || usage
mkdir -p "$1" && out=$(cd "$1" && pwd) || usage
cd "$(dirname "$0")/.."
build=build/gpu                # the configure and test presets "gpu" (CMakePresets.json)
# Seconds for the whole command (under the 9-minute window) and for the build (16 cores); --cpu
# runs on 2-core CI machines, whose first build is a cold one; --long follows the first command,
# whose build it reuses.
case $mode in
  gpu) window=${IDIM_GPU_CHECK_SECONDS:-530} build_cap=360 ;;
  long) window=${IDIM_GPU_CHECK_SECONDS:-570} build_cap=360 ;;
  cpu) window=${IDIM_GPU_CHECK_SECONDS:-3600} build_cap=3000 ;;
esac
short_rows=fastfood_fc200      # bench/bench_gpu.cpp's rows: seconds each
long_rows='fastfood_large|dense_stored'  # ~10^7 parameters, a 16 GB P drawn on the host
started=$(date +%s)
status=0
summary=$out/summary.md
[ "$mode" = long ] && summary=$out/summary-long.md
exec > >(tee "$out/gpu_check-$mode.log") 2>&1
: > "$summary"

note() { echo "$*" | tee -a "$summary"; }
fail() { note "result: FAILED ($*)"; exit 1; }
# stage NAME CAP_SECONDS LOG COMMAND...: runs COMMAND under a time-out of CAP_SECONDS or what is
# left of the window, whichever is less, its output in OUT_DIR/LOG; adds a row to the summary.
stage() {
  local name=$1 cap=$2 log=$3 left t0 rc
  shift 3
  left=$(( window - ($(date +%s) - started) ))
  [ "$cap" -lt "$left" ] || cap=$left
  if [ "$cap" -lt 10 ]; then
    note "| $name | skipped: the window is spent | | |"; status=1; return 1
  fi
  echo "== $(date -u +%H:%M:%S) (+$(( $(date +%s) - started ))s) $name (at most ${cap}s)"
  t0=$(date +%s)
  timeout -k 10 "$cap" "$@" > "$out/$log" 2>&1
  rc=$?
  tail -n 4 "$out/$log"
  local verdict=passed
  [ $rc -eq 0 ] || { verdict="FAILED (exit $rc)"; status=1; }
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && verdict="FAILED (timed out after ${cap}s)"
  note "| $name | $verdict | $(( $(date +%s) - t0 )) | $log |"
  return $rc
}

# --- what the machine has: one line -------------------------------------------------------
nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
[ -x "$nvcc" ] || fail "no nvcc (put the CUDA toolkit's bin on PATH or set CUDACXX)"
export CUDACXX=$nvcc PATH="$(dirname "$nvcc"):$PATH"
# arch: this GPU's compute capability (90 for sm_90); "native" where only CMake can tell; empty:
# no GPU
gpu= arch=
if command -v nvidia-smi > /dev/null; then
  if gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1); then
    gpu=$(echo "$gpu" | head -n 1) arch=native
    cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n 1)
    [[ $cap =~ ^[0-9]+\.[0-9]+$ ]] && arch=${cap/./}
  else
    gpu="none (nvidia-smi: $(echo "$gpu" | head -n 1))"
  fi
elif ls /dev/nvidia[0-9]* > /dev/null 2>&1; then
  gpu="unknown (no nvidia-smi, but /dev/nvidia0)" arch=native
else
  gpu="none (no nvidia-smi, no /dev/nvidia0)"
fi
# a library is the system's where the compiler finds its header, else the kit's
cxx=${CXX:-$(command -v c++ || command -v g++ || echo c++)}
include_dirs=$(echo | "$cxx" -x c++ -E -v - 2>&1 | sed -n '/^#include <...>/,/^End of/p' | sed '1d;$d')
kit=${IDIM_KIT:-}
[ -z "$kit" ] || kit=$(cd "$kit" 2>/dev/null && pwd) || fail "IDIM_KIT=$IDIM_KIT: no such folder"
cmake_args=()
# CMake's own CUDAARCHS, where set, wins
[ -n "$arch" ] && [ -z "${CUDAARCHS:-}" ] && cmake_args+=(-DCMAKE_CUDA_ARCHITECTURES="$arch")
libs=
if [ -n "$kit" ]; then
  [ -f "$kit/libraries.tsv" ] || fail "$kit has no libraries.tsv: make it with scripts/device_kit.sh"
  while IFS=$'\t' read -r name header settings _; do
    where=kit
    for dir in $include_dirs; do [ -e "$dir/$header" ] && where=system; done
    libs+=" $name=$where"
    [ $where = kit ] && for s in $settings; do cmake_args+=("${s//@/$kit/$name}"); done
  done < "$kit/libraries.tsv"
  if [ ! -f node_modules/mnist/src/digits/0.json ] && [ -z "${IDIM_MNIST_DIR:-}" ]; then
    export IDIM_MNIST_DIR=$kit/mnist
  fi
fi
mnist=${IDIM_MNIST_DIR:-node_modules}
note "# gpu_check $mode $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
note "probe: $(uname -m), $(nproc) cores, $("$cxx" --version 2>&1 | head -n 1)," \
     "$(cmake --version | head -n 1), ninja $(ninja --version 2>/dev/null || echo none)," \
     "nvcc $("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p'); GPU: $gpu${arch:+ (architecture $arch)};" \
     "libraries:${libs:- system (no IDIM_KIT)}; mnist: $mnist"
if [ "$mode" != cpu ] && [ -z "$arch" ]; then fail "no usable NVIDIA GPU: $gpu"; fi
note ""
note "| stage | result | seconds | log |"
note "|---|---|---|---|"

# --- build -------------------------------------------------------------------------------
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
[ -f "$build/CMakeCache.txt" ] && generator=()   # keep the generator it was made with
stage configure 120 configure.log cmake --preset gpu "${generator[@]}" "${cmake_args[@]}" \
  || fail "configure"
stage build $build_cap build.log cmake --build "$build" -j "$(nproc)" \
  --target idim test_cuda_bodies test_backend_ops_every test_cuda_training || fail "build"
# Google Benchmark's library is the one piece of the kit a machine's libstdc++ could refuse:
# its failure costs the benchmark rows only.
stage "build bench_gpu" 120 build-bench.log cmake --build "$build" -j "$(nproc)" --target bench_gpu
idim=$build/native/idim

# --- run -----------------------------------------------------------------------------------
case $mode in
cpu)
  stage "tests named cuda (GPU parts skip)" 300 ctest.log \
    ctest --preset gpu -j "$(nproc)" --output-junit "$out/ctest.xml"
  stage "data: mnist" 60 data.log "$idim" info --data mnist
  ;;
gpu)
  stage "device" 30 info.log "$idim" info --data toy --backend cuda
  stage "GPU tests" 150 ctest.log ctest --preset gpu -j 1 --output-junit "$out/ctest.xml"
  stage "benchmark rows (${short_rows//|/, })" 90 bench.log env IDIM_BACKEND=cuda \
    "$build/bench/bench_gpu" --benchmark_filter="$short_rows" \
    --benchmark_out="$out/bench_gpu.json" --benchmark_out_format=json
  stage "idim dint --model fc --data mnist --backend cuda" 150 dint.log \
    "$idim" dint --model fc --data mnist --backend cuda --json "$out/dint.json"
  sanitizer=$(command -v compute-sanitizer || true)
  for s in "$(dirname "$nvcc")/compute-sanitizer" "$(dirname "$nvcc")/../compute-sanitizer/compute-sanitizer"; do
    [ -n "$sanitizer" ] || { [ -x "$s" ] && sanitizer=$s; }
  done
  if [ -n "$sanitizer" ]; then
    # memcheck over every op; racecheck over the kernels that share memory within a block
    for check in "memcheck:*/cuda" "racecheck:*WalshHadamard*/cuda:*Dot*/cuda"; do
      stage "compute-sanitizer ${check%%:*} (backend ops)" 120 "sanitizer-${check%%:*}.log" \
        "$sanitizer" --tool "${check%%:*}" --error-exitcode 3 \
        "$build/tests/test_backend_ops_every" --gtest_filter="${check#*:}"
    done
  else
    note "| compute-sanitizer | not found next to nvcc: skipped | | |"
  fi
  ;;
long)
  stage "benchmark rows (${long_rows//|/, })" 480 bench-long.log env IDIM_BACKEND=cuda \
    "$build/bench/bench_gpu" --benchmark_filter="$long_rows" \
    --benchmark_out="$out/bench_gpu_long.json" --benchmark_out_format=json
  ;;
esac

# --- figures -------------------------------------------------------------------------------
note ""
[ -f "$out/ctest.log" ] && note "tests: $(grep -E 'tests passed|tests failed' "$out/ctest.log" | tail -n 1)"
[ -f "$out/info.log" ] && note "device: $(grep -m 1 -E '^backend: |error' "$out/info.log")"
[ -f "$out/data.log" ] && note "data: $(sed -n 's/^data: //p' "$out/data.log")"
[ -f "$out/dint.log" ] && note "dint: $(grep -iE 'd_int|error' "$out/dint.log" | tail -n 1)"
for json in "$out"/bench_gpu*.json; do
  [ -f "$json" ] && command -v python3 > /dev/null && python3 - "$json" <<'PY' | tee -a "$summary"
import json, sys
for b in json.load(open(sys.argv[1])).get("benchmarks", []):
    print(f'bench {b["name"]}: {b["real_time"]:.1f} {b["time_unit"]} per step (D = {b.get("D", 0):.0f})')
PY
done
note "total: $(( $(date +%s) - started )) s"
[ $status -eq 0 ] && note "result: passed" || note "result: FAILED"
exit $status
