#!/usr/bin/env bash
# Crash-recovery matrix (docs/operations.md, "Crash safety"): for each point, start `./cpm nightly` on the sample
# data in a fresh warehouse, SIGKILL the JVM when its progress output reaches the point, rerun the same command,
# and compare every Delta table (row count + order-independent content hash) and the CRM export files with a
# clean run's. pipeline_runs is left out of the comparison (it records the attempts themselves).
#
#   scripts/crash-matrix.sh                 # every point
#   scripts/crash-matrix.sh ingest-first-write score-training
#
# The night is a small generated sample (`cpm generate-sample --customers $CPM_CRASH_CUSTOMERS`, default 200, one
# run date) so that a point (kill + rerun + fingerprint) takes about 2 minutes on 2 cores instead of 6-8 on the
# 12 MB repository sample; CPM_CRASH_LANDING=sample-data/landing uses the repository sample instead.
# Each point and the clean run hold the Spark lock separately: CPM_CRASH_LOCK is the command prefix that takes it
# (default `flock /tmp/cpm-spark.lock`; on a machine with Spark slots e.g. `spark-slot`).
# Results are appended to scripts/crash-matrix-results.txt.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATE=${CPM_CRASH_DATE:-2025-03-29}
WORK="$ROOT/target/crash-matrix"
RESULTS="$ROOT/scripts/crash-matrix-results.txt"
CUSTOMERS=${CPM_CRASH_CUSTOMERS:-200}
LANDING=${CPM_CRASH_LANDING:-$WORK/landing}
# CPM_CRASH_RECOMPARE=1: no new kills; compare the clean run and the points already run again (after a change
# of the fingerprint), appending their verdicts.
RECOMPARE=${CPM_CRASH_RECOMPARE:-}
read -r -a LOCK <<< "${CPM_CRASH_LOCK:-flock /tmp/cpm-spark.lock}"

# point name | progress-line regex (extended) | seconds to wait after the line before SIGKILL
POINTS=(
  "ingest-first-write|^\[ *[0-9.]+s\] ingest +wrote |0"
  "ingest-mid-writes|^\[ *[0-9.]+s\] ingest +wrote .*order_lines|0"
  "ingest-audit|^ingest [0-9-]+: rows read|0"
  "features-running|^\[ *[0-9.]+s\] features +started|4"
  "features-done|^\[ *[0-9.]+s\] features +done|0"
  "segment-running|^\[ *[0-9.]+s\] segment +started|5"
  "score-training|^\[ *[0-9.]+s\] score +started|8"
  "score-done|^\[ *[0-9.]+s\] score +done|0"
  "kpis-running|^\[ *[0-9.]+s\] kpis +started|3"
  "publish-running|^\[ *[0-9.]+s\] publish +started|1"
  "report-running|^\[ *[0-9.]+s\] report +started|1"
  "report-done|^\[ *[0-9.]+s\] report +done|0"
)

# shellcheck source=scripts/warehouse-fingerprint.sh
source "$ROOT/scripts/warehouse-fingerprint.sh"

run_clean() {
  if [[ -n $RECOMPARE ]]; then
    "${LOCK[@]}" bash -c "$(declare -f cpm fingerprint); ROOT='$ROOT'; LANDING='$LANDING'
      fingerprint '$WORK/clean' > '$WORK/clean.fingerprint'"
    return
  fi
  if [[ -s "$WORK/clean.fingerprint" ]]; then return; fi
  rm -rf "$WORK/clean" && mkdir -p "$WORK/clean"
  echo "clean run..." >&2
  "${LOCK[@]}" bash -c "$(declare -f cpm fingerprint); ROOT='$ROOT'; LANDING='$LANDING'; cpm '$WORK/clean' nightly --run-date $DATE \
    > '$WORK/clean/run.log' 2>&1 && fingerprint '$WORK/clean' > '$WORK/clean.fingerprint'" \
    || { echo "clean run failed: $WORK/clean/run.log" >&2; exit 1; }
}

run_point() { # name regex delay
  local name=$1 regex=$2 delay=$3 dir="$WORK/$1"
  if [[ -n $RECOMPARE ]]; then
    [[ -f $dir/rerun.exit ]] || return 0
    "${LOCK[@]}" bash -c "$(declare -f cpm fingerprint); ROOT='$ROOT'; LANDING='$LANDING'
      fingerprint '$dir' > '$dir/fingerprint'"
  else
  rm -rf "$dir" && mkdir -p "$dir"
  "${LOCK[@]}" bash -c "
    $(declare -f cpm fingerprint); ROOT='$ROOT'; LANDING='$LANDING'
    # Own process group (setsid), so SIGKILL reaches the JVM and not only the shell that started it.
    setsid bash -c \"\$(declare -f cpm); ROOT='$ROOT'; LANDING='$LANDING'; cpm '$dir' nightly --run-date $DATE\" \\
      > '$dir/killed.log' 2>&1 &
    pid=\$!
    while kill -0 \$pid 2>/dev/null && ! grep -Eq '$regex' '$dir/killed.log'; do sleep 0.2; done
    sleep $delay
    if kill -0 \$pid 2>/dev/null; then
      kill -9 -- -\$pid; wait \$pid 2>/dev/null
      while pgrep -g \$pid > /dev/null; do sleep 0.2; done
      echo killed > '$dir/killed.status'
    else wait \$pid; echo \"finished before the point (exit \$?)\" > '$dir/killed.status'; fi
    cpm '$dir' nightly --run-date $DATE > '$dir/rerun.log' 2>&1
    echo \$? > '$dir/rerun.exit'
    fingerprint '$dir' > '$dir/fingerprint'
  "
  fi
  local status rerun verdict
  status=$(cat "$dir/killed.status")
  rerun=$(cat "$dir/rerun.exit")
  if [[ $rerun == 0 ]] && diff -q "$WORK/clean.fingerprint" "$dir/fingerprint" > /dev/null; then
    verdict="PASS: rerun exit 0, $(grep -c . "$dir/fingerprint") tables/files equal the clean run"
  else
    verdict="FAIL: rerun exit $rerun; differing tables/files: $(diff "$WORK/clean.fingerprint" "$dir/fingerprint" \
      | grep '^[<>]' | cut -c3- | cut -d, -f1 | sort -u | tr '\n' ' ')"
  fi
  local line
  line="$(date -u +%FT%TZ) $(git -C "$ROOT" rev-parse --short HEAD) $DATE $name${RECOMPARE:+ (compared again)}: $status at /$regex/ +${delay}s ($(grep -E "$regex" "$dir/killed.log" | head -1 | cut -c1-60)); $verdict"
  echo "$line" | tee -a "$RESULTS"
}

mkdir -p "$WORK"
if [[ $LANDING == "$WORK/landing" && ! -d $LANDING/$DATE ]]; then
  "$ROOT/cpm" generate-sample --customers "$CUSTOMERS" --start "$DATE" --out "$LANDING" --truth "$WORK/truth" \
    > "$WORK/generate.log" || { echo "generate-sample failed: $WORK/generate.log" >&2; exit 1; }
fi
run_clean
selected=("$@")
for point in "${POINTS[@]}"; do
  IFS='|' read -r name regex delay <<< "$point"
  if [[ ${#selected[@]} -gt 0 && ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  run_point "$name" "$regex" "$delay"
done
