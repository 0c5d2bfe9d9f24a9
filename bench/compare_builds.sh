#!/usr/bin/env bash
# Two builds of the benchmarks measured side by side in one run: the same rows from BEFORE and
# AFTER (two build folders holding bench/bench_training and bench/bench_subspace), in alternating
# rounds so both meet the same moments of the machine; prints each row's best time per build and
# the ratio. Usage: bench/compare_builds.sh BEFORE_BUILD AFTER_BUILD [ROUNDS]
# Pin to cores of your choice with taskset, on an otherwise idle machine (docs/performance.md).
set -euo pipefail
before=$1 after=$2 rounds=${3:-3}
out=$(mktemp -d)
filters=(
  "bench_training:BM_FullStep/(fc|lenet)/threads:[12]/"
  "bench_subspace:BM_SubspaceStep/(full|fastfood|sparse|dense|dense_tiled)/d:(0|750)/threads:[12]/width:200/real_time$"
)
for round in $(seq "$rounds"); do
  for side in before after; do
    dir=$([ "$side" = before ] && echo "$before" || echo "$after")
    for f in "${filters[@]}"; do
      prog=${f%%:*}
      "$dir/bench/$prog" --benchmark_filter="${f#*:}" --benchmark_min_time=0.5 \
        --benchmark_format=json > "$out/$side-$prog-$round.json" 2> /dev/null
    done
  done
done
python3 - "$out" <<'PY'
import glob, json, sys
best = {}
for path in glob.glob(sys.argv[1] + "/*.json"):
    side = path.rsplit("/", 1)[1].split("-")[0]
    for b in json.load(open(path))["benchmarks"]:
        ms = b["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        key = (b["name"], side)
        best[key] = min(best.get(key, ms), ms)
names = sorted({n for n, _ in best})
print(f"{'benchmark':70} {'before ms':>10} {'after ms':>10} {'after/before':>12}")
for n in names:
    b, a = best.get((n, "before")), best.get((n, "after"))
    if b and a:
        print(f"{n:70} {b:10.4f} {a:10.4f} {a / b:12.3f}")
PY
rm -rf "$out"
