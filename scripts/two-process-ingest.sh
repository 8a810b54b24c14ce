#!/usr/bin/env bash
# Two processes, one date, one local warehouse (docs/operations.md, "Concurrent runs"): starts two
# `cpm ingest --run-date D` JVMs at the same moment on a fresh warehouse, then checks that each exits 0, or 4 with
# the "concurrent write conflict" message, that every table still reads (no corrupt table), and that the tables
# equal those of one ingest alone (scripts/warehouse-fingerprint.sh). Repeated ROUNDS times (default 3), since
# which process commits first differs from round to round. The night is a small generated sample (200 customers).
#
#   CPM_TWO_LOCK=spark-exclusive scripts/two-process-ingest.sh     # result appended to scripts/two-process-results.txt
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATE=${CPM_TWO_DATE:-2025-03-29}
ROUNDS=${CPM_TWO_ROUNDS:-3}
WORK="$ROOT/target/two-process"
LANDING=${CPM_TWO_LANDING:-$WORK/landing}
RESULTS="$ROOT/scripts/two-process-results.txt"
read -r -a LOCK <<< "${CPM_TWO_LOCK:-flock /tmp/cpm-spark.lock}"
# shellcheck source=scripts/warehouse-fingerprint.sh
source "$ROOT/scripts/warehouse-fingerprint.sh"

mkdir -p "$WORK"
if [[ $LANDING == "$WORK/landing" && ! -d $LANDING/$DATE ]]; then
  "$ROOT/cpm" generate-sample --customers 200 --start "$DATE" --out "$LANDING" --truth "$WORK/truth" \
    > "$WORK/generate.log" || { echo "generate-sample failed: $WORK/generate.log" >&2; exit 1; }
fi

"${LOCK[@]}" bash -c "
  $(declare -f cpm fingerprint); ROOT='$ROOT'; LANDING='$LANDING'; WORK='$WORK'
  rm -rf '$WORK/alone' && mkdir -p '$WORK/alone'
  cpm '$WORK/alone' ingest --run-date $DATE > '$WORK/alone/run.log' 2>&1 || exit 1
  fingerprint '$WORK/alone' > '$WORK/alone.fingerprint'
  for round in \$(seq 1 $ROUNDS); do
    dir='$WORK'/round\$round
    rm -rf \"\$dir\" && mkdir -p \"\$dir\"
    cpm \"\$dir\" ingest --run-date $DATE > \"\$dir/a.log\" 2>&1 & a=\$!
    cpm \"\$dir\" ingest --run-date $DATE > \"\$dir/b.log\" 2>&1 & b=\$!
    wait \$a; echo \$? > \"\$dir/a.exit\"
    wait \$b; echo \$? > \"\$dir/b.exit\"
    fingerprint \"\$dir\" > \"\$dir/fingerprint\" 2> \"\$dir/fingerprint.err\"
  done
" || { echo "ingest alone failed: $WORK/alone/run.log" >&2; exit 1; }

commit=$(git -C "$ROOT" rev-parse --short HEAD)
failed=0
for round in $(seq 1 "$ROUNDS"); do
  dir="$WORK/round$round" verdict=PASS notes=""
  for p in a b; do
    code=$(cat "$dir/$p.exit")
    notes+="$p exit $code"
    if [[ $code == 4 ]] && grep -q "concurrent write conflict" "$dir/$p.log"; then
      notes+=" ($(grep -o 'concurrent write conflict on[^;]*' "$dir/$p.log" | head -1 | cut -c1-90))"
    elif [[ $code != 0 ]]; then
      verdict=FAIL; notes+=" (unexpected: $(grep -v '^\[' "$dir/$p.log" | tail -1 | cut -c1-120))"
    fi
    notes+="; "
  done
  if ! diff -q "$WORK/alone.fingerprint" "$dir/fingerprint" > /dev/null; then
    verdict=FAIL; notes+="tables differ from one ingest alone: $(diff "$WORK/alone.fingerprint" "$dir/fingerprint" | grep '^[<>]' | cut -d, -f1 | sort -u | tr '\n' ' ')"
  else
    notes+="all $(grep -c . "$dir/fingerprint") tables read and equal one ingest alone"
  fi
  [[ $verdict == FAIL ]] && failed=1
  echo "$(date -u +%FT%TZ) $commit $DATE round $round: $verdict: $notes" | tee -a "$RESULTS"
done
exit $failed
