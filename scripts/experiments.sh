#!/usr/bin/env bash
# Regenerates every experiment of docs/experiments.md: one `idim dint` per row, JSON in results/,
# then the table. Usage: scripts/experiments.sh [name ...] (default: all; names as below).
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
mkdir -p results

declare -A runs=(
  [fc-mnist]="--model fc --data mnist"
  [lenet-mnist]="--model lenet --data mnist"
  [fc-mnist-pixels]="--model fc --data mnist --shuffle-pixels 1"
  [lenet-mnist-pixels]="--model lenet --data mnist --shuffle-pixels 1"
  [fc-mnist-labels]="--model fc --data mnist --shuffle-labels 1 --train-size 2000 --metric train --epochs 60 --give-up-from 0 --baseline 1"
  [lenet-mnist-labels]="--model lenet --data mnist --shuffle-labels 1 --train-size 2000 --metric train --epochs 200 --lr 0.01 --give-up-from 60 --baseline 1"
  [fc-fashion]="--model fc --data fashion --train-size 10000"
  [lenet-fashion]="--model lenet --data fashion --train-size 10000"
  [fc-mnist-dense]="--model fc --data mnist --projection dense"
  [fc-mnist-sparse]="--model fc --data mnist --projection sparse"
  [fc-mnist-said]="--model fc --data mnist --projection said"
)
for w in 50 100 400; do runs[fc-mnist-width$w]="--model fc --data mnist --width $w --depth 2"; done
for k in 1 3 4 5; do runs[fc-mnist-depth$k]="--model fc --data mnist --width 200 --depth $k"; done

names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(printf '%s\n' "${!runs[@]}" | sort))
for name in "${names[@]}"; do
  [ -n "${runs[$name]:-}" ] || { echo "unknown experiment: $name" >&2; exit 2; }
  echo "== $name: idim dint ${runs[$name]}"
  start=$SECONDS
  # shellcheck disable=SC2086
  "$idim" dint ${runs[$name]} --quiet --json "results/$name.json" || echo "($name failed; see above)"
  echo $((SECONDS - start)) > "results/$name.seconds"
done
python3 scripts/experiments_table.py results
echo "table: docs/experiments-table.md"
