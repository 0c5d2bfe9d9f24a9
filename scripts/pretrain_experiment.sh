#!/usr/bin/env bash
# Experiment 1 of the pretraining study (Aghajanyan et al. 2021, "pretraining lowers d_int90"):
# pretrain a network on one task with checkpoints (default: digits 0-4), then find d_int90 of a
# downstream task (default: digits 5-9) around each checkpoint (step 0: the random
# initialisation) with a new output layer. Every search is judged against one threshold: 90% of
# full training on the downstream task from a random start.
# Usage: scripts/pretrain_experiment.sh [MODEL] (fc or lenet; default fc). Knobs (environment):
# PRETRAIN and DOWNSTREAM (data flags; "--data mnist --classes 0-4" and "--data mnist --classes
# 5-9"), EPOCHS (pretraining, 20), EVERY (steps between checkpoints, 325: 5 epochs of the 4,102 training
# digits 0-4 in batches of 64, 65 steps each), STEPS (the checkpoints to measure, e.g. "0 125 500";
# default: every one), SEEDS (per d, 3), OUT (results/pretrain-MODEL). Writes OUT/*.json and
# prints the table of d_int90 per checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
model=${1:-fc}
epochs=${EPOCHS:-20} every=${EVERY:-325} seeds=${SEEDS:-3}
out=${OUT:-results/pretrain-$model}
pretrain=${PRETRAIN:-"--data mnist --classes 0-4"} downstream=${DOWNSTREAM:-"--data mnist --classes 5-9"}
mkdir -p "$out"

echo "== pretrain $model on $pretrain ($epochs epochs, a checkpoint every $every steps)"
# shellcheck disable=SC2086
"$idim" train --model "$model" $pretrain --epochs "$epochs" --quiet \
  --save "$out/pretrained.idim" --save-every "$every" --json "$out/pretrain.json"
echo "== baseline: full training on $downstream from a random start"
# shellcheck disable=SC2086
"$idim" train --model "$model" $downstream --quiet --json "$out/baseline.json"
baseline=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['test_accuracy'])" \
  "$out/baseline.json")

for checkpoint in "$out"/pretrained-step*.idim; do
  step=$(basename "$checkpoint" .idim); step=${step#pretrained-step}
  if [ -n "${STEPS:-}" ] && [[ " $STEPS " != *" $((10#$step)) "* ]]; then continue; fi
  echo "== checkpoint $step: its accuracy on $pretrain, then d_int90 of $downstream around it"
  # shellcheck disable=SC2086
  "$idim" train --model "$model" $pretrain --init "$checkpoint" --keep-head --epochs 0 \
    --quiet --json "$out/checkpoint-step$step.json" > /dev/null
  start=$SECONDS
  # shellcheck disable=SC2086
  "$idim" dint --model "$model" $downstream --init "$checkpoint" --baseline "$baseline" \
    --seeds "$seeds" --quiet --json "$out/dint-step$step.json" > /dev/null
  echo $((SECONDS - start)) > "$out/dint-step$step.seconds"
done

python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
pre = json.load(open(os.path.join(out, "pretrain.json")))
print(f"pretraining: test accuracy {pre['test_accuracy']:.4f} after {pre['steps']} steps")
print("| pretraining steps | checkpoint's test accuracy (pretraining task) | downstream d_int90 | range over searches | runs | wall |")
print("|---:|---:|---:|---:|---:|---:|")
for path in sorted(glob.glob(os.path.join(out, "dint-step*.json"))):
    step = int(os.path.basename(path)[len("dint-step"):-len(".json")])
    doc = json.load(open(path))
    low, high = doc.get("d_int90_range") or [None, None]
    seconds = open(path[:-5] + ".seconds").read().strip()
    # the checkpoint's own test accuracy on the pretraining task (idim train --init ... --keep-head --epochs 0)
    check = json.load(open(os.path.join(out, f"checkpoint-step{step:06d}.json")))
    acc = f"{check['test_accuracy']:.4f}"
    print(f"| {step} | {acc} | {doc.get('d_int90')} | {low}-{high} | {len(doc['runs'])} | {seconds} s |")
print(f"threshold {json.load(open(glob.glob(os.path.join(out, 'dint-step*.json'))[0]))['threshold']:.4f}"
      f" (90% of {json.load(open(os.path.join(out, 'baseline.json')))['test_accuracy']:.4f})")
PY
