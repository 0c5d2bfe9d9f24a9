#!/usr/bin/env bash
# Kill-and-resume and MPI tests of `idim dint`'s journal (docs/sweeps.md). Two independent searches
# (FC on 1,000 mnist digits, 5 epochs, each with a trained baseline of 2 seeds, runs trained on past
# their early stop) run once uninterrupted (about 20 s on 2 cores); then:
#   resume: the same search killed with SIGKILL during the baseline, mid-batch, as a batch ends and
#           while a stopped run is trained on, resumed after each kill;
#   mpi:    run by `mpirun -np 3` and `-np 1`, then killed in a worker rank and resumed with
#           -np 2; a sweep on 3 ranks;
#   other:  its journal cut mid-line and resumed (one run trained again); a sweep resumed from
#           half its journal; a journal of other settings refused.
# Each must end with the uninterrupted answer and runs (accuracies bit for bit), no run lost and
# none trained twice. Usage: kill_resume.sh IDIM OUT_DIR resume|mpi|other [MPIRUN]
set -euo pipefail
idim=$1 out=$2 mode=$3 mpirun=${4:-mpirun}
rm -rf "$out" && mkdir -p "$out" && cd "$out"
args=(dint --model fc --data mnist --train-size 1000 --epochs 5 --seeds 2 --d-min 100 --d-max 3200
      --precision 0.3 --baseline-seeds 2 --searches 2 --jobs 1 --threads 1)
sweep=(sweep --model fc --data mnist --train-size 1000 --epochs 3 --d 200,400,800 --seeds 2 --jobs 1
       --threads 1)
mpi=("$mpirun" --allow-run-as-root --oversubscribe)
# Open MPI keeps some allocations until exit, which LeakSanitizer (the asan build) would report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

fail() { echo "FAIL: $*" >&2; exit 1; }
lines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
trainings() { cat "$@" | grep -cE '^(d = [0-9]+|full training) +seed .*after [0-9]+ epochs' || true; }
# What must be identical: the answer, the baseline and every run's accuracies and stop.
digest() {
  jq -S '{d_int90, d_int90_searches, d_int90_range, threshold, baseline_accuracy, status, summary,
          searches: [.searches[] | {d_int90, first_seed, baseline_accuracy, threshold,
                                 baseline: [.baseline_runs[] | {seed, test_accuracy, train_accuracy}]}],
          runs: [.runs[] | {d, seed, score, test_accuracy, train_accuracy, test_loss, stop,
                            epochs_run, trained_past}] | sort_by(.d, .seed),
          baseline: [.baseline_runs[] | {seed, test_accuracy, train_accuracy}]}' "$1"
}
sweep_digest() { jq -S '{status, summary, runs: [.runs[] | {d, seed, score, test_loss, stop}] | sort_by(.d, .seed)}' "$1"; }

# Starts "$@" in the background and SIGKILLs it (the whole process group) once the journal J
# holds N lines.
kill_at() {
  local j=$1 n=$2 log=$3; shift 3
  setsid "$@" > "$log" 2>&1 &
  local pid=$!
  while [ "$(lines "$j")" -lt "$n" ]; do
    kill -0 "$pid" 2>/dev/null || fail "finished before its journal reached $n lines (see $log)"
    sleep 0.02
  done
  kill -KILL -- "-$pid"
  wait "$pid" 2>/dev/null || true
  echo "killed at $(lines "$j") journal lines"
}
check_same() {   # RESULT JOURNAL LOGS...
  local result=$1 journal=$2; shift 2
  diff <(digest ref.json) <(digest "$result") > /dev/null ||
    { diff <(digest ref.json) <(digest "$result") | head -20; fail "$result differs from ref.json"; }
  local want got
  want=$(($(lines ref.json.journal) - 1)) got=$(($(lines "$journal") - 1))
  [ "$got" -eq "$want" ] || fail "$journal holds $got runs, the uninterrupted journal $want"
  local dupes
  dupes=$(tail -n +2 "$journal" | jq -c '[.phase, .run.d, .run.seed]' | sort | uniq -d)
  [ -z "$dupes" ] || fail "runs journaled twice: $dupes"
  got=$(trainings "$@")
  [ "$got" -eq "$want" ] || fail "$got runs trained over the calls, $want without interruption"
  echo "same answer and runs: d_int90 $(jq .d_int90 "$result"), $want runs, none lost or repeated"
}

"$idim" "${args[@]}" --json ref.json > ref.log 2>&1 || fail "the uninterrupted search failed: $(tail -3 ref.log)"
n_runs=$(($(lines ref.json.journal) - 1))
grep -q '"phase":"trained_on"' ref.json.journal || fail "the search trains no stopped run on"
echo "uninterrupted: d_int90 $(jq .d_int90 ref.json), $n_runs runs"

case $mode in
resume)
  # Journal lines: 1 settings, 2–3 the baseline, then the search's batches of 2 seeds.
  first_on=$(grep -n '"phase":"trained_on"' ref.json.journal | head -1 | cut -d: -f1)
  logs=()
  i=0
  # during the baseline, mid-batch, as a batch ends, before a stopped run is trained on, and
  # with one run to go (each point once, in order)
  for n in $(printf "%s\n" 2 4 5 $((n_runs / 2 + 2)) $((first_on - 1)) "$n_runs" | sort -nu); do
    i=$((i + 1))
    if [ $i -eq 1 ]; then
      kill_at r.json.journal "$n" kill$i.log "$idim" "${args[@]}" --json r.json
    else
      kill_at r.json.journal "$n" kill$i.log "$idim" "${args[@]}" --json r.json --resume
    fi
    logs+=(kill$i.log)
  done
  "$idim" "${args[@]}" --json r.json --resume > final.log 2>&1 || fail "the last resume failed: $(tail -3 final.log)"
  grep -q "read back from the journal" final.log || fail "the last resume read nothing back"
  check_same r.json r.json.journal "${logs[@]}" final.log
  ;;
mpi)
  "${mpi[@]}" -np 3 "$idim" "${args[@]}" --json m.json > m.log 2>&1 || fail "mpirun -np 3 failed: $(tail -5 m.log)"
  check_same m.json m.json.journal m.log
  # One rank is the plain command: it trains its runs itself.
  "${mpi[@]}" -np 1 "$idim" "${args[@]}" --json one.json > one.log 2>&1 || fail "mpirun -np 1 failed: $(tail -5 one.log)"
  check_same one.json one.json.journal one.log
  # A worker rank killed: the job ends, and --resume goes on with another number of ranks.
  setsid "${mpi[@]}" -np 3 "$idim" "${args[@]}" --json k.json > k1.log 2>&1 &
  launcher=$!
  while [ "$(lines k.json.journal)" -lt 5 ]; do sleep 0.02; done
  worker=""
  for p in $(pgrep -P "$launcher"); do
    tr '\0' '\n' < "/proc/$p/environ" | grep -q '^OMPI_COMM_WORLD_RANK=1$' && worker=$p
  done
  [ -n "$worker" ] || fail "no rank 1 among the children of mpirun"
  kill -KILL "$worker"
  if wait "$launcher"; then fail "mpirun exited 0 after a rank was killed"; fi
  grep -q "^idim: error: the MPI job was ended (a rank died or was stopped).*--resume" k1.log ||
    fail "no message from rank 0 when rank 1 died: $(cat k1.log)"
  echo "rank 1 killed at $(lines k.json.journal) journal lines; mpirun said: $(grep -m1 -i 'signal 9' k1.log || true)"
  "${mpi[@]}" -np 2 "$idim" "${args[@]}" --json k.json --resume > k2.log 2>&1 || fail "resume with -np 2 failed: $(tail -5 k2.log)"
  check_same k.json k.json.journal k1.log k2.log
  # sweep: the same runs on 3 ranks as in one process.
  "$idim" "${sweep[@]}" --json s1.json > s1.log 2>&1 || fail "sweep failed: $(tail -3 s1.log)"
  "${mpi[@]}" -np 3 "$idim" "${sweep[@]}" --json s3.json > s3.log 2>&1 || fail "mpirun sweep failed: $(tail -5 s3.log)"
  diff <(sweep_digest s1.json) <(sweep_digest s3.json) > /dev/null || fail "sweep on 3 ranks differs"
  echo "sweep: the same 6 runs on 3 ranks"
  ;;
other)
  # Cut the last line in half (a crash mid-write): only that run is trained again.
  cp ref.json.journal t.json.journal
  last=$(tail -n 1 t.json.journal | wc -c)
  truncate -s "-$((last / 2))" t.json.journal
  "$idim" "${args[@]}" --json t.json --resume > t.log 2>&1 || fail "resume of a cut journal failed: $(tail -3 t.log)"
  [ "$(trainings t.log)" -eq 1 ] || fail "a cut last line should cost one run, $(trainings t.log) were trained"
  diff <(digest ref.json) <(digest t.json) > /dev/null || fail "t.json differs from ref.json"
  echo "a journal cut mid-line: one run trained again, same answer"
  # sweep: a journal of 3 of its 6 runs; --resume trains the other 3.
  "$idim" "${sweep[@]}" --json s.json > s.log 2>&1 || fail "sweep failed: $(tail -3 s.log)"
  head -n 4 s.json.journal > s2.json.journal
  "$idim" "${sweep[@]}" --json s2.json --resume > s2.log 2>&1 || fail "sweep --resume failed: $(tail -3 s2.log)"
  [ "$(trainings s2.log)" -eq 3 ] || fail "sweep --resume trained $(trainings s2.log) runs, not 3"
  diff <(sweep_digest s.json) <(sweep_digest s2.json) > /dev/null || fail "resumed sweep differs"
  echo "sweep: 3 runs read back, 3 trained, the same 6 runs"
  # The toy's runs are thousands of one-step epochs: curves thinned in the journal read back to
  # the same thinned curves.
  "$idim" sweep --data toy --d 9,10 --json toy.json > toy.log 2>&1 || fail "toy sweep failed"
  head -n 2 toy.json.journal > toy2.json.journal
  "$idim" sweep --data toy --d 9,10 --json toy2.json --resume > toy2.log 2>&1 || fail "toy sweep --resume failed"
  curves() { jq -S '[.runs[] | del(.seconds) | .epochs |= map(del(.seconds))] | sort_by(.d)' "$1"; }
  diff <(curves toy.json) <(curves toy2.json) > /dev/null || fail "a toy run read back differs"
  jq -e '.runs[0].epochs_thinned' toy2.json > /dev/null || fail "the toy's curves were not thinned"
  echo "toy sweep: a thinned run read back as written"
  # Other settings: refused with exit code 2, naming the first difference.
  other=("${args[@]}")
  for i in "${!other[@]}"; do [ "${other[$i]}" = --epochs ] && other[$((i + 1))]=6; done
  set +e
  msg=$("$idim" "${other[@]}" --json ref.json --resume 2>&1 >/dev/null)
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "a journal of other settings: exit $rc, not 2"
  grep -q "^idim: error: cannot resume: .*other settings: config.train.epochs: the journal has 5, this command 6" \
    <<< "$msg" || fail "unexpected message: $msg"
  echo "refused: $msg"
  set +e
  msg=$("$idim" "${args[@]}" --resume 2>&1 >/dev/null)
  rc=$?
  set -e
  [ $rc -eq 2 ] && grep -q "^idim: error: --resume needs a journal" <<< "$msg" ||
    fail "--resume without a journal: exit $rc, $msg"
  ;;
esac
