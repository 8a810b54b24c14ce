#!/usr/bin/env bash
# Nightly benchmark: `cpm generate-sample --customers N` (cached under bench/out/ by N and seed), then the first
# night (initial load of two years of history) and K following nights of `cpm nightly` in one JVM started like
# ./cpm, with an embedded DuckDB doing the first night's load, key checks, Parquet and value features beside it.
# Prints per stage and night: wall s, CPU s, rows in and out, rows/s, peak driver heap; the Spark settings used;
# cpm's time over DuckDB's per step. Appends one dated line per run to bench/results.csv (committed).
#
#   bench/nightly.sh [--customers N (20000)] [--nights K (1)] [--seed S (42)] [--no-duckdb] [--note TEXT]
#
# Heap: CPM_JAVA_OPTS (default -Xmx4g; use -Xmx8g at 1M customers). Run it on an idle machine: CPU seconds
# stay comparable under load, wall seconds do not. Needs GNU time (/usr/bin/time) for CPU seconds and max RSS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CUSTOMERS=20000
NIGHTS=1
SEED=42
DUCKDB=--duckdb
NOTE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --customers) CUSTOMERS="$2"; shift 2 ;;
    --nights) NIGHTS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --no-duckdb) DUCKDB=""; shift ;;
    --note) NOTE="$2"; shift 2 ;;
    *) echo "usage: $0 [--customers N] [--nights K] [--seed S] [--no-duckdb] [--note TEXT]" >&2; exit 2 ;;
  esac
done
FIRST=2025-03-29
LAST=$(date -u -d "$FIRST + $NIGHTS days" +%F)
DATA="$ROOT/bench/out/nightly-data/customers-$CUSTOMERS-seed-$SEED-to-$LAST"
WORK="$ROOT/bench/out/nightly-run"
RESULTS="$ROOT/bench/results.csv"
cd "$ROOT"

# Build first, so the build is not measured; test classes hold the benchmark and DuckDB (test scope).
mvn -B -q -o -DskipTests -pl jobs -am package >&2
if [[ ! -f "$DATA/done" ]]; then
  echo "bench: generating $CUSTOMERS customers, $FIRST..$LAST, seed $SEED (cached in $DATA)" >&2
  rm -rf "$DATA"
  ./cpm generate-sample --customers "$CUSTOMERS" --start "$FIRST" --end "$LAST" --seed "$SEED" \
    --out "$DATA/landing" --truth "$DATA/ground-truth" >&2
  touch "$DATA/done"
fi
rm -rf "$WORK"
mkdir -p "$WORK/tmp"

DUCKDB_JAR="$HOME/.m2/repository/org/duckdb/duckdb_jdbc/1.4.4.0/duckdb_jdbc-1.4.4.0.jar"
CP="jobs/target/test-classes:jobs/target/cpm-jobs.jar:$(cat jobs/target/runtime-classpath.txt):$DUCKDB_JAR"
# shellcheck source=../scripts/jvm-opens.sh
source "$ROOT/scripts/jvm-opens.sh"
# The JIT settings of ./cpm (read from the launcher, so the benchmark measures what users run).
JIT_OPTS=${CPM_JIT_OPTS-$(sed -n 's/^JIT_OPTS=\${CPM_JIT_OPTS-"\(.*\)"}$/\1/p' "$ROOT/cpm")}
HEAP=${CPM_JAVA_OPTS:--Xmx4g}
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- jobs lib-metrics lib-segmentation conf || echo +dirty)"
MEM_GIB=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
LABEL="$(date -u +%FT%TZ),$COMMIT,$(nproc),$MEM_GIB,$CUSTOMERS,$SEED,${HEAP// /;}"

if [[ ! -f "$RESULTS" ]]; then
  echo "date,commit,cores,mem_gib,customers,seed,jvm_heap,nights_after_first,first_night_s,first_night_cpu_s,following_night_s,following_night_cpu_s,peak_heap_mb,max_rss_mb,first_night_stages_s,duckdb_ingest_s,duckdb_features_s,features_agreement,note" > "$RESULTS"
fi
# shellcheck disable=SC2206  # word splitting of the option strings is intended
BENCH_JAVA=(java "${JVM_OPENS[@]}" $HEAP $JIT_OPTS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties"
  -Djava.io.tmpdir="$WORK/tmp" -cp "$CP" io.cpm.jobs.bench.NightlyBenchmark)
# One JVM per night, as a scheduler starts them: wall and CPU seconds include JVM start and Spark start-up.
for ((i = 0; i <= NIGHTS; i++)); do
  night=$(date -u -d "$FIRST + $i days" +%F)
  start=$EPOCHREALTIME
  /usr/bin/time -v -o "$WORK/time.txt" "${BENCH_JAVA[@]}" night "$DATA/landing" "$WORK" "$night" \
    | tee -a "$WORK/output.txt"
  wall=$(echo "$EPOCHREALTIME - $start" | bc -l)
  rss=$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt") / 1024 ))
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time.txt")
  printf '%s\t%.1f\t%.1f\t%d\n' "$night" "$wall" "$cpu" "$rss" >> "$WORK/nights.tsv"
  printf 'bench: night %s: %.1f s wall (JVM start included), %.1f CPU s, max RSS %d MB\n' "$night" "$wall" "$cpu" "$rss"
  if [[ $i -eq 0 && -n "$DUCKDB" ]]; then
    /usr/bin/time -v -o "$WORK/time-duckdb.txt" "${BENCH_JAVA[@]}" duckdb "$DATA/landing" "$WORK" "$night" \
      | tee -a "$WORK/output.txt"
    printf 'bench: duckdb JVM (steps, then a Spark session to compare features): %.1f CPU s, max RSS %d MB\n' \
      "$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time-duckdb.txt")" \
      "$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time-duckdb.txt") / 1024 ))"
  fi
done
echo "Spark settings used (first night):"
sed 's/^/  /' "$WORK/settings-$FIRST.txt"
"${BENCH_JAVA[@]}" summary "$WORK" "$RESULTS.line" "$LABEL"
# The note (free text, commas replaced) ends the line.
sed "s/\$/,${NOTE//,/;}/" "$RESULTS.line" >> "$RESULTS"
rm -f "$RESULTS.line"
echo "bench: line added to $RESULTS"
