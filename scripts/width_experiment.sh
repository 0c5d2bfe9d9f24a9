#!/usr/bin/env bash
# Experiment 2 of the pretraining study (Aghajanyan et al. 2021, "larger pretrained models have
# lower intrinsic dimension"): FC networks of several widths and depths, each pretrained on the
# same task for the same number of epochs, then d_int90 of a downstream task around the
# pretrained network (new output layer) and around a random initialisation of the same network.
# Each network's threshold is 90% of its own full training on the downstream task from a random
# start, the same for both starts.
# Usage: scripts/width_experiment.sh. Knobs (environment): CONFIGS (networks as WIDTHxDEPTH,
# "50x2 100x2 200x2 400x2 800x2 200x1 200x3"), PRETRAIN ("--data mnist": all ten digits),
# DOWNSTREAM ("--data mnist --classes 5-9"), EPOCHS (pretraining, 20), SEEDS (per d, 2), OUT
# (results/width). Steps already done (their JSON exists) are skipped. Writes OUT/*.json,
# OUT/width.svg and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
configs=${CONFIGS:-"50x2 100x2 200x2 400x2 800x2 200x1 200x3"}
pretrain=${PRETRAIN:-"--data mnist"} downstream=${DOWNSTREAM:-"--data mnist --classes 5-9"}
epochs=${EPOCHS:-20} seeds=${SEEDS:-2} out=${OUT:-results/width}
mkdir -p "$out"

for config in $configs; do
  net=(--model fc --width "${config%x*}" --depth "${config#*x}")
  echo "== fc $config: pretrain on $pretrain, baseline on $downstream, d_int90 from both starts"
  # shellcheck disable=SC2086
  [ -f "$out/$config-pretrain.json" ] || "$idim" train "${net[@]}" $pretrain --epochs "$epochs" \
    --quiet --save "$out/$config-pretrained.idim" --json "$out/$config-pretrain.json" > /dev/null
  # shellcheck disable=SC2086
  [ -f "$out/$config-baseline.json" ] || "$idim" train "${net[@]}" $downstream --quiet \
    --json "$out/$config-baseline.json" > /dev/null
  baseline=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['test_accuracy'])" \
    "$out/$config-baseline.json")
  for start in random pretrained; do
    init=(); [ "$start" = pretrained ] && init=(--init "$out/$config-pretrained.idim")
    # shellcheck disable=SC2086
    [ -f "$out/$config-dint-$start.json" ] || "$idim" dint "${net[@]}" $downstream "${init[@]}" \
      --baseline "$baseline" --seeds "$seeds" --quiet --json "$out/$config-dint-$start.json" > /dev/null
  done
done

python3 - "$out" $configs <<'PY'
import collections, json, os, sys
sys.path.insert(0, "scripts")
import svg_chart
out, configs = sys.argv[1], sys.argv[2:]
print("| network | D | pretrained on its task | baseline | d_int90 random (range over searches) | d_int90 pretrained (range over searches) | ratio |")
print("|---|---:|---:|---:|---:|---:|---:|")
series = collections.defaultdict(list)
for config in configs:
    load = lambda name: json.load(open(os.path.join(out, f"{config}-{name}.json")))
    runs = {s: load(f"dint-{s}") for s in ("random", "pretrained")}
    D = runs["random"]["D"]
    cells = []
    for start, doc in runs.items():
        d, (lo, hi) = doc.get("d_int90"), doc.get("d_int90_range") or [None, None]
        # a range end is null where a search found no passing d
        cells.append(f"{d} ({'?' if lo is None else lo}-{'?' if hi is None else hi})")
        if d is not None:
            series[(start, config.split("x")[1])].append((D, d) if None in (lo, hi) else (D, d, lo, hi))
    dr, dp = runs["random"].get("d_int90"), runs["pretrained"].get("d_int90")
    ratio = f"{dp / dr:.2f}" if dr and dp else "-"
    print(f"| fc {config} | {D:,} | {load('pretrain')['test_accuracy']:.4f} | "
          f"{load('baseline')['test_accuracy']:.4f} | {cells[0]} | {cells[1]} | {ratio} |")
svg_chart.write(os.path.join(out, "width.svg"),
                [{"label": f"{start}, depth {depth}", "points": pts,
                  "dash": "" if start == "pretrained" else "6 4"}
                 for (start, depth), pts in sorted(series.items())],
                "D, parameters of the network (log scale)", "downstream d_int90", log_x=True)
print(f"\nplot: {os.path.join(out, 'width.svg')}")
PY
