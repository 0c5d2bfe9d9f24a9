#!/usr/bin/env bash
# Experiment 5 of the pretraining study (issue 21): LoRA (Hu et al. 2021) beside random subspaces
# (Fastfood, SAID) on a downstream task, from a pretrained start and from a random one. Test
# accuracy against the number of trained parameters, and the smallest count of the grid whose mean
# test accuracy reaches 90% of full training on the downstream task from a random start.
# Usage: scripts/lora_experiment.sh [MODEL] (fc or lenet; default fc: FC 784-200-200, digits 0-4
# -> digits 5-9). Knobs (environment): IDIM (the binary), THREADS (per command, 1), RANKS ("1 2 4 8 16 32 64"),
# DS ("100 200 400 800 1600 3200 6400 12800", Fastfood and SAID), SEEDS (2: seeds 0..SEEDS-1; every
# configuration's seed 0 runs first), PRETRAIN (the pretraining data flags, "--data mnist
# --classes 0-4"), PRE (the pretrained checkpoint: by default the final one of
# scripts/pretrain_experiment.sh MODEL, results/pretrain-MODEL/pretrained.idim, made here with the
# same command when missing), BASE (baseline JSON, results/pretrain-MODEL/baseline.json, likewise),
# OUT (results/lora-MODEL). Runs whose JSON exists are not run again. Writes OUT/*.json, OUT/lora.svg
# and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
threads=${THREADS:-1} seeds=${SEEDS:-2}
ranks=${RANKS:-"1 2 4 8 16 32 64"} ds=${DS:-"100 200 400 800 1600 3200 6400 12800"}
model=${1:-fc}
out=${OUT:-results/lora-$model}
pre=${PRE:-results/pretrain-$model/pretrained.idim} base=${BASE:-results/pretrain-$model/baseline.json}
pretrain=${PRETRAIN:-"--data mnist --classes 0-4"} downstream="--data mnist --classes 5-9"
mkdir -p "$out"

if [ ! -f "$pre" ]; then
  echo "== pretrain $model on $pretrain (20 epochs) -> $pre"
  mkdir -p "$(dirname "$pre")"
  # shellcheck disable=SC2086
  "$idim" train --model "$model" $pretrain --epochs 20 --quiet --threads "$threads" --save "$pre"
fi
if [ ! -f "$base" ]; then
  echo "== baseline: full training on $downstream from a random start -> $base"
  mkdir -p "$(dirname "$base")"
  # shellcheck disable=SC2086
  "$idim" train --model "$model" $downstream --quiet --threads "$threads" --json "$base"
fi

run() {  # run START SEED NAME ARGS...: one subspace run, skipped when its JSON exists
  local start=$1 seed=$2 name=$3; shift 3
  local json="$out/$start-$name-s$seed.json" init=()
  [ -f "$json" ] && return 0
  [ "$start" = pretrained ] && init=(--init "$pre")
  echo "== $start $name seed $seed"
  # shellcheck disable=SC2086
  "$idim" subspace --model "$model" $downstream "${init[@]}" --seed "$seed" --threads "$threads" \
    --quiet --json "$json" "$@" > /dev/null
}
for ((seed = 0; seed < seeds; ++seed)); do
  for start in pretrained random; do
    for r in $ranks; do run "$start" "$seed" "lora-r$r" --projection lora --rank "$r"; done
    for d in $ds; do
      run "$start" "$seed" "fastfood-d$d" --projection fastfood --d "$d"
      run "$start" "$seed" "said-d$d" --projection said --d "$d"
    done
  done
done

python3 - "$out" "$base" <<'PY'
import collections, glob, json, math, os, re, statistics, sys
out, base = sys.argv[1], sys.argv[2]
baseline = json.load(open(base))["test_accuracy"]
threshold = 0.9 * baseline
runs = collections.defaultdict(list)   # (start, method, size) -> [(test, train, trained count, seconds)]
for path in glob.glob(os.path.join(out, "*-s*.json")):
    m = re.match(r"(pretrained|random)-(lora|fastfood|said)-[rd](\d+)-s\d+\.json", os.path.basename(path))
    if not m: continue
    doc = json.load(open(path))
    runs[(m[1], m[2], int(m[3]))].append((doc["test_accuracy"], doc["train_accuracy"], doc["d"],
                                           doc.get("seconds", 0.0)))
def mean(xs): return sum(xs) / len(xs)
print(f"baseline (full training on digits 5-9, random start): {baseline:.4f}; threshold {threshold:.4f}")
print("| start | method | size | trained parameters | mean test accuracy | min-max | mean train accuracy | seeds |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
series = collections.defaultdict(list)
for key in sorted(runs, key=lambda k: (k[0], k[1], k[2])):
    start, method, size = key
    rs = [r for r in runs[key] if r[0] is not None]
    if not rs: continue
    tests = [r[0] for r in rs]
    count = rs[0][2]
    series[(start, method)].append((count, mean(tests)))
    label = f"r = {size}" if method == "lora" else f"d = {size}"
    print(f"| {start} | {method} | {label} | {count:,} | {mean(tests):.4f} | {min(tests):.4f}-{max(tests):.4f}"
          f" | {mean([r[1] for r in rs]):.4f} | {len(rs)} |")
print()
print("| method | start | smallest trained-parameter count of the grid reaching the threshold |")
print("|---|---|---:|")
for method in ("lora", "fastfood", "said"):
    for start in ("pretrained", "random"):
        pts = sorted(series.get((start, method), []))
        hit = next((c for c, a in pts if a >= threshold), None)
        print(f"| {method} | {start} | {f'{hit:,}' if hit else 'not reached (largest ' + format(pts[-1][0], ',') + ')' if pts else '-'} |")

# One SVG: mean test accuracy against trained parameters (log scale), every (method, start).
sys.path.insert(0, "scripts")
import svg_chart
colours = {"lora": "#d62728", "fastfood": "#1f77b4", "said": "#2ca02c"}
svg_chart.write(os.path.join(out, "lora.svg"),
                [{"label": f"{method}, {start}", "points": pts, "colour": colours[method],
                  "dash": "" if start == "pretrained" else "6 4"}
                 for (start, method), pts in sorted(series.items())],
                "trained parameters (log scale)", "test accuracy, digits 5-9", log_x=True,
                y_range=(0.0, 1.0), reference=(threshold, "90% of baseline"))
print(f"\nplot: {os.path.join(out, 'lora.svg')}")
PY
