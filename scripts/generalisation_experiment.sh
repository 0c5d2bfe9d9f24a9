#!/usr/bin/env bash
# Experiment 3 of the pretraining study (issue 21; Aghajanyan et al. 2021): the relative
# generalisation gap (train - test)/(1 - test) at d_int90 against d_int90, for every
# (checkpoint, task) of scripts/pretrain_experiment.sh. `idim dint` stops runs early once they
# reach the threshold or cannot, so its runs at d_int90 may stop before epoch 15; here each
# checkpoint gets full subspace runs at its d = d_int90 (seeds 0..SEEDS-1, the same defaults
# as dint's runs, 15 epochs), and scripts/generalisation_gap.py reports the gap and the
# correlations from those runs (and, for comparison, from the dint runs themselves).
# Usage: scripts/generalisation_experiment.sh MODEL DIR [MODEL DIR ...] (DIR: the OUT of
# scripts/pretrain_experiment.sh, e.g. fc results/pretrain-fc lenet results/pretrain-lenet).
# Knobs: IDIM, THREADS (1), SEEDS (2), DOWNSTREAM ("--data mnist --classes 5-9"; one for all).
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
threads=${THREADS:-1} seeds=${SEEDS:-2}
downstream=${DOWNSTREAM:-"--data mnist --classes 5-9"}
dirs=()
while [ $# -ge 2 ]; do
  model=$1 dir=$2; shift 2; dirs+=("$dir")
  for dint in "$dir"/dint-step*.json; do
    step=$(basename "$dint" .json); step=${step#dint-step}
    d=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['d_int90'] or '')" "$dint")
    [ -n "$d" ] || continue
    for ((seed = 0; seed < seeds; ++seed)); do
      json="$dir/gap-step$step-s$seed.json"
      [ -f "$json" ] && continue
      echo "== $model checkpoint $step: d = $d, seed $seed"
      # shellcheck disable=SC2086
      "$idim" subspace --model "$model" $downstream --init "$dir/pretrained-step$step.idim" \
        --d "$d" --seed "$seed" --threads "$threads" --quiet --json "$json" > /dev/null
    done
  done
done
python3 scripts/generalisation_gap.py "${dirs[@]}" --svg "${dirs[0]}/generalisation.svg"
