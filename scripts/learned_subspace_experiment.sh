#!/usr/bin/env bash
# Learned subspaces (Qin et al. 2021's MSF and IST) against random ones on a family of two-class
# tasks: the 45 digit pairs of mnist split by a seed into seen and unseen tasks, and fashion pairs
# as out-of-domain tasks. Every task is adapted in one common Fastfood subspace (D'); per d_I, MSF
# and PCA learn a subspace from the seen tasks' adaptations; then IST in each learned subspace, and
# a random subspace of the same d_I, on seen, unseen and fashion tasks. Also 10 seeds of an unseen
# task in the full random subspace, from a random start against from its IST solution.
# Usage: nice scripts/learned_subspace_experiment.sh. Knobs (environment): IDIM (the binary), OUT
# (results/learned), JOBS (2 commands at once), SPLIT_SEED (0), SEEN (12), UNSEEN (6), FASHION (6),
# EVAL_SEEN (4 of the seen tasks tuned by IST), DIS ("2 5 10 25 50 100 250"), DPRIME (1000),
# STABILITY_SEEDS (10). Runs whose JSON exists are not run again. Writes OUT/*/*.json and prints
# the tables (scripts/learned_subspace_table.py).
set -euo pipefail
cd "$(dirname "$0")/.."
idim=${IDIM:-build/release/native/idim}
[ -x "$idim" ] || ./scripts/build.sh release
out=${OUT:-results/learned} jobs=${JOBS:-2} dprime=${DPRIME:-1000}
dis=${DIS:-"2 5 10 25 50 100 250"} stability_seeds=${STABILITY_SEEDS:-10}
net="--model fc --width 64 --depth 1 --threads 1 --quiet"
# fashion pairs have 12,000 training images; 1,600 keeps them at the size of a digit pair
declare -A data=([mnist]="--data mnist" [fashion]="--data fashion --train-size 1600")
mkdir -p "$out"/{adapt/mnist,adapt/fashion,subspaces,ist,stability}

# The family: a seeded split of the 45 pairs (the same lists on every run of the script).
python3 - "$out/family.json" "${SPLIT_SEED:-0}" "${SEEN:-12}" "${UNSEEN:-6}" "${FASHION:-6}" \
  "${EVAL_SEEN:-4}" <<'PY'
import itertools, json, random, sys
path, seed, seen, unseen, fashion, eval_seen = sys.argv[1], *map(int, sys.argv[2:])
pairs = [f"{a},{b}" for a, b in itertools.combinations(range(10), 2)]
rng = random.Random(seed)
mnist = rng.sample(pairs, seen + unseen)
family = {"seen": mnist[:seen], "unseen": mnist[seen:], "fashion": rng.sample(pairs, fashion)}
family["eval_seen"] = family["seen"][:eval_seen]
json.dump(family, open(path, "w"), indent=1)
PY
tasks() { python3 -c "import json,sys; print(' '.join(json.load(open('$out/family.json'))['$1']))"; }
seen=$(tasks seen) unseen=$(tasks unseen) fashion=$(tasks fashion) eval_seen=$(tasks eval_seen)

# Runs the commands read from stdin, JOBS at a time; each line is one command.
parallel() { xargs -d '\n' -P "$jobs" -I{} bash -c '{}'; }
# Prints the command line of a run unless its JSON exists: skip JSON ARGS...
skip_or_print() { local json=$1; shift; [ -f "$json" ] || echo "$idim $* --json $json > /dev/null"; }

echo "== adaptations: every task in the common random subspace, D' = $dprime"
{
  for t in $seen $unseen; do
    skip_or_print "$out/adapt/mnist/${t/,/-}.json" subspace $net ${data[mnist]} --classes "$t" \
      --d "$dprime" --save "$out/adapt/mnist/${t/,/-}.idim"
  done
  for t in $fashion; do
    skip_or_print "$out/adapt/fashion/${t/,/-}.json" subspace $net ${data[fashion]} --classes "$t" \
      --d "$dprime" --save "$out/adapt/fashion/${t/,/-}.idim"
  done
} | parallel

echo "== learned subspaces from the $(echo $seen | wc -w) seen tasks: MSF (mlp) and PCA (linear)"
family_flags=""
for t in $seen; do family_flags+=" --task $t"; done
n_seen=$(echo $seen | wc -w)
{
  for di in $dis; do
    skip_or_print "$out/subspaces/mlp-$di.json" msf $net ${data[mnist]} $family_flags \
      --adaptations "$out/adapt/mnist" --d-intrinsic "$di" --save "$out/subspaces/mlp-$di.idim"
    if [ "$di" -lt "$n_seen" ]; then
      skip_or_print "$out/subspaces/linear-$di.json" msf $net ${data[mnist]} $family_flags \
        --adaptations "$out/adapt/mnist" --d-intrinsic "$di" --decoder linear \
        --save "$out/subspaces/linear-$di.idim"
    fi
  done
} | parallel

echo "== IST in the learned subspaces and training in random ones of the same d_I"
{
  for di in $dis; do
    for group in eval_seen unseen fashion; do
      source=mnist; [ $group = fashion ] && source=fashion
      for t in $(tasks $group); do
        name="$group-${t/,/-}-$di"
        for kind in mlp linear; do
          [ -f "$out/subspaces/$kind-$di.idim" ] || continue
          skip_or_print "$out/ist/$kind-$name.json" subspace $net ${data[$source]} --classes "$t" \
            --learned "$out/subspaces/$kind-$di.idim"
        done
        skip_or_print "$out/ist/random-$name.json" subspace $net ${data[$source]} --classes "$t" --d "$di"
      done
    done
  done
} | parallel

echo "== stability: an unseen task in the full random subspace over $stability_seeds seeds"
task=$(echo $unseen | cut -d' ' -f1) top=$(echo $dis | tr ' ' '\n' | tail -1)
ist="$out/stability/ist-${task/,/-}.idim"
[ -f "$ist" ] || "$idim" subspace $net ${data[mnist]} --classes "$task" \
  --learned "$out/subspaces/mlp-$top.idim" --save "$ist" > /dev/null
{
  for seed in $(seq 0 $((stability_seeds - 1))); do
    skip_or_print "$out/stability/random-s$seed.json" subspace $net ${data[mnist]} --classes "$task" \
      --d "$dprime" --seed "$seed"
    skip_or_print "$out/stability/from-ist-s$seed.json" subspace $net ${data[mnist]} --classes "$task" \
      --d "$dprime" --seed "$seed" --init "$ist" --keep-head
  done
} | parallel

python3 scripts/learned_subspace_table.py "$out"
