#!/usr/bin/env bash
# Experiment 5 of the pretraining study (issue 21): LoRA (Hu et al. 2021) beside random subspaces
# (Fastfood, SAID) on a downstream task, from a pretrained start and from a random one. Test
# accuracy against the number of trained parameters, and the smallest count of the grid whose mean
# test accuracy reaches 90% of full training on the downstream task from a random start.
# Usage: scripts/lora_experiment.sh (FC 784-200-200, digits 0-4 -> digits 5-9). Knobs
# (environment): IDIM (the binary), THREADS (per command, 1), RANKS ("1 2 4 8 16 32 64"),
# DS ("100 200 400 800 1600 3200 6400 12800", Fastfood and SAID), SEEDS (2: seeds 0..SEEDS-1; every
# configuration's seed 0 runs first), PRE (the pretrained checkpoint: by default the final one of
# scripts/pretrain_experiment.sh fc, results/pretrain-fc/pretrained.idim, made here with the same
# command when missing), BASE (baseline JSON, results/pretrain-fc/baseline.json, likewise), OUT
# (results/lora-fc). Runs whose JSON exists are not run again. Writes OUT/*.json, OUT/lora.svg
# and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
threads=${THREADS:-1} seeds=${SEEDS:-2}
ranks=${RANKS:-"1 2 4 8 16 32 64"} ds=${DS:-"100 200 400 800 1600 3200 6400 12800"}
out=${OUT:-results/lora-fc}
pre=${PRE:-results/pretrain-fc/pretrained.idim} base=${BASE:-results/pretrain-fc/baseline.json}
pretrain="--data mnist --classes 0-4" downstream="--data mnist --classes 5-9"
mkdir -p "$out"

if [ ! -f "$pre" ]; then
  echo "== pretrain fc on $pretrain (20 epochs) -> $pre"
  mkdir -p "$(dirname "$pre")"
  # shellcheck disable=SC2086
  "$idim" train --model fc $pretrain --epochs 20 --quiet --threads "$threads" --save "$pre"
fi
if [ ! -f "$base" ]; then
  echo "== baseline: full training on $downstream from a random start -> $base"
  mkdir -p "$(dirname "$base")"
  # shellcheck disable=SC2086
  "$idim" train --model fc $downstream --quiet --threads "$threads" --json "$base"
fi

run() {  # run START SEED NAME ARGS...: one subspace run, skipped when its JSON exists
  local start=$1 seed=$2 name=$3; shift 3
  local json="$out/$start-$name-s$seed.json" init=()
  [ -f "$json" ] && return 0
  [ "$start" = pretrained ] && init=(--init "$pre")
  echo "== $start $name seed $seed"
  # shellcheck disable=SC2086
  "$idim" subspace --model fc $downstream "${init[@]}" --seed "$seed" --threads "$threads" \
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
W, H, L, R, T, B = 720, 440, 70, 190, 20, 50
pts_all = [p for s in series.values() for p in s]
if pts_all:
    x0, x1 = math.log10(min(c for c, _ in pts_all)) - 0.1, math.log10(max(c for c, _ in pts_all)) + 0.1
    y0, y1 = 0.0, 1.0
    X = lambda c: L + (math.log10(c) - x0) / (x1 - x0) * (W - L - R)
    Y = lambda a: T + (1 - (a - y0) / (y1 - y0)) * (H - T - B)
    colours = {"lora": "#d62728", "fastfood": "#1f77b4", "said": "#2ca02c"}
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>']
    for e in range(math.ceil(x0), math.floor(x1) + 1):
        svg.append(f'<line x1="{X(10**e):.1f}" y1="{H-B}" x2="{X(10**e):.1f}" y2="{H-B+5}" stroke="black"/>'
                   f'<text x="{X(10**e):.1f}" y="{H-B+18}" text-anchor="middle">{10**e:,}</text>')
    for a in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        svg.append(f'<line x1="{L-5}" y1="{Y(a):.1f}" x2="{L}" y2="{Y(a):.1f}" stroke="black"/>'
                   f'<text x="{L-8}" y="{Y(a)+4:.1f}" text-anchor="end">{a:.1f}</text>')
    svg.append(f'<line x1="{L}" y1="{Y(threshold):.1f}" x2="{W-R}" y2="{Y(threshold):.1f}" stroke="gray" stroke-dasharray="4 3"/>'
               f'<text x="{W-R+4}" y="{Y(threshold)+4:.1f}" fill="gray">90% of baseline</text>')
    svg.append(f'<text x="{(L+W-R)/2}" y="{H-10}" text-anchor="middle">trained parameters (log scale)</text>')
    svg.append(f'<text x="16" y="{(T+H-B)/2}" text-anchor="middle" transform="rotate(-90 16 {(T+H-B)/2})">test accuracy, digits 5-9</text>')
    row = 0
    for (start, method), pts in sorted(series.items()):
        pts.sort()
        dash = "" if start == "pretrained" else ' stroke-dasharray="6 4"'
        path = " ".join(f"{X(c):.1f},{Y(a):.1f}" for c, a in pts)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{colours[method]}" stroke-width="2"{dash}/>')
        for c, a in pts:
            svg.append(f'<circle cx="{X(c):.1f}" cy="{Y(a):.1f}" r="3" fill="{colours[method]}"/>')
        ly = T + 20 + 20 * row; row += 1
        svg.append(f'<line x1="{W-R+10}" y1="{ly}" x2="{W-R+40}" y2="{ly}" stroke="{colours[method]}" stroke-width="2"{dash}/>'
                   f'<text x="{W-R+46}" y="{ly+4}">{method}, {start}</text>')
    svg.append("</svg>")
    open(os.path.join(out, "lora.svg"), "w").write("\n".join(svg) + "\n")
    print(f"\nplot: {os.path.join(out, 'lora.svg')}")
PY
