#!/usr/bin/env bash
# Experiment 4 of the pretraining study (issue 21): `idim bound` from random and pretrained starts
# and across widths. A pretrained start is part of the bound's prior, so it must not have seen the
# data the bound is computed on: `mnist` is bounded from a network pretrained on `fashion` and
# `fashion` from one pretrained on `mnist` (the same width and depth, EPOCHS epochs each).
# Usage: scripts/bound_experiment.sh. Knobs (environment): MNIST_D (500), FASHION_D (1000),
# WIDTHS ("50 100 200 400 800": FC WIDTHx2 on mnist at MNIST_D from a random start), EPOCHS
# (pretraining, 5), OUT (results/bound). Runs whose JSON exists are skipped. Writes OUT/*.json and
# prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
mnist_d=${MNIST_D:-500} fashion_d=${FASHION_D:-1000} widths=${WIDTHS:-"50 100 200 400 800"}
epochs=${EPOCHS:-5} out=${OUT:-results/bound}
mkdir -p "$out"

pretrained() {  # pretrained DATA: the path of FC 200x2 pretrained on DATA, trained when missing
  local path="$out/pretrained-$1.idim"
  [ -f "$path" ] || "$idim" train --model fc --data "$1" --epochs "$epochs" --quiet --save "$path" \
    --json "$out/pretrained-$1.json" > /dev/null
  echo "$path"
}
bound() {  # bound NAME ARGS...: one `idim bound`, skipped when its JSON exists
  local json="$out/$1.json"; shift
  [ -f "$json" ] && return 0
  echo "== bound $*"
  "$idim" bound "$@" --quiet --json "$json" > /dev/null
}

bound mnist-random --model fc --data mnist --d "$mnist_d"
bound mnist-from-fashion --model fc --data mnist --d "$mnist_d" --init "$(pretrained fashion)"
bound fashion-random --model fc --data fashion --d "$fashion_d"
bound fashion-from-mnist --model fc --data fashion --d "$fashion_d" --init "$(pretrained mnist)"
for w in $widths; do
  bound "mnist-width$w" --model fc --width "$w" --depth 2 --data mnist --d "$mnist_d"
done

python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print("| run | D | d | unquantised train / test | levels | quantised train / test | bits | bound on test error | measured test error |")
print("|---|---:|---:|---|---:|---|---:|---:|---:|")
for path in sorted(glob.glob(os.path.join(out, "*.json")), key=os.path.getmtime):
    doc = json.load(open(path))
    if "bound" not in doc: continue
    t, f, b = doc["trained"], doc["final"], doc["bound"]
    print(f"| {os.path.basename(path)[:-5]} | {doc['D']:,} | {doc['d']:,} | "
          f"{t['train_accuracy']:.4f} / {t['test_accuracy']:.4f} | {f['levels']} | "
          f"{f['train_accuracy']:.4f} / {f['test_accuracy']:.4f} | {b['bits']:,.0f} | "
          f"{b['test_error_bound']:.3f} | {b['test_error_measured']:.3f} |")
PY
