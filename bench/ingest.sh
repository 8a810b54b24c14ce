#!/usr/bin/env bash
# Ingest benchmark: one initial-load run date with N customers (default 1,000,000; about 10 order lines per
# customer), ingested end to end (parse, checks, bronze, silver, quarantine) into an empty warehouse.
# Prints rows, seconds and rows/s per entity and in total.
#
#   bench/ingest.sh [--customers N] [--synthetic] [--keep]
#
# Data comes from the sample generator (./cpm generate-sample). --synthetic (or a build without the
# generator) writes plain synthetic exports with awk instead: accounts, orders and gzipped order_lines only.
# Output under bench/out/ (git-ignored). Set CPM_JAVA_OPTS to change the JVM heap (default -Xmx4g).
# CPM_BENCH_ARGS adds ingest arguments, e.g. a --config with derive expressions to measure the expression path
# against the rename-only mappings (docs/ingestion.md, "Mapping expressions: cost").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CUSTOMERS=1000000
SYNTHETIC=0
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --customers) CUSTOMERS="$2"; shift 2 ;;
    --synthetic) SYNTHETIC=1; shift ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--customers N] [--synthetic] [--keep]" >&2; exit 2 ;;
  esac
done
DATE=2025-03-29
OUT="$ROOT/bench/out"
LANDING="$OUT/landing"
WAREHOUSE="$OUT/warehouse"
cd "$ROOT"

if [[ $SYNTHETIC -eq 0 ]] && ! ./cpm generate-sample --help >/dev/null 2>&1; then
  echo "bench: ./cpm generate-sample is not available in this build; using --synthetic data" >&2
  SYNTHETIC=1
fi

if [[ $KEEP -eq 0 || ! -d "$LANDING/$DATE" ]]; then
  rm -rf "$LANDING"
  mkdir -p "$LANDING"
  echo "bench: generating $CUSTOMERS customers ($([[ $SYNTHETIC -eq 1 ]] && echo synthetic || echo generate-sample))..." >&2
  start=$(date +%s)
  if [[ $SYNTHETIC -eq 1 ]]; then
    mkdir -p "$LANDING/$DATE/crm" "$LANDING/$DATE/erp" "$LANDING/$DATE/tickets"
    awk -v n="$CUSTOMERS" 'BEGIN {
      print "customer_id,name,industry,region,size,owner_id,created_at,first_contact_at,email,phone";
      split("retail,energy,finance,health,manufacturing", ind, ",");
      split("north,south,east,west", reg, ",");
      for (i = 1; i <= n; i++) {
        printf "C%07d,\"Customer %d, Ltd\",%s,%s,%s,U%03d,2024-%02d-%02d,2024-01-01,c%d@example.com,+49 30 %07d\n",
          i, i, ind[i % 5 + 1], reg[i % 4 + 1], (i % 3 == 0 ? "large" : "small"), i % 200, i % 12 + 1, i % 28 + 1, i, i;
      } }' > "$LANDING/$DATE/crm/accounts.csv"
    awk -v n="$CUSTOMERS" 'BEGIN {
      print "order_id,customer_id,order_date,status,currency";
      for (i = 1; i <= n * 2; i++) {
        printf "O%08d,C%07d,2025-%02d-%02d,%s,%s\n", i, (i * 7) % n + 1, i % 3 + 1, i % 28 + 1,
          (i % 10 == 0 ? "open" : "shipped"), (i % 20 == 0 ? "USD" : "EUR");
      } }' > "$LANDING/$DATE/erp/orders.csv"
    awk -v n="$CUSTOMERS" 'BEGIN {
      print "order_id,line_no,order_date,product_id,product_line,quantity,unit_price,list_price,unit_cost";
      split("hardware,software,service,support,training", pl, ",");
      for (i = 1; i <= n * 2; i++) {
        for (l = 1; l <= 5; l++) {
          printf "O%08d,%d,2025-%02d-%02d,P%04d,%s,%d,%d.%02d,%d.00,%d.50\n", i, l, i % 3 + 1, i % 28 + 1,
            (i * l) % 5000, pl[(i + l) % 5 + 1], (i + l) % 7 == 0 ? -1 : (i + l) % 5 + 1, 10 + (i + l) % 90, l * 7 % 100,
            12 + (i + l) % 90, 5 + (i + l) % 40;
        }
      } }' | gzip -1 > "$LANDING/$DATE/erp/order_lines.csv.gz"
  else
    ./cpm generate-sample --customers "$CUSTOMERS" --start "$DATE" --end "$DATE" --seed 7 --out "$LANDING"
  fi
  echo "bench: generated in $(( $(date +%s) - start )) s: $(du -sh "$LANDING" | cut -f1)" >&2
fi

rm -rf "$WAREHOUSE"
LOG="$OUT/ingest.log"
./cpm --version >/dev/null   # builds the jar now, so the timing below is the ingest alone
echo "bench: ingesting (log: $LOG)..." >&2
start=$(date +%s.%N)
set +e
/usr/bin/time -o "$OUT/cpu.txt" -f "%U %S" ./cpm ingest --run-date "$DATE" --set "paths.landing=$LANDING" --set "paths.warehouse=$WAREHOUSE" \
  --set catalog.database=cpm_bench --set ingest.mapping-defaults.required=false \
  --set ingest.max-quarantine-rate=1.0 ${CPM_BENCH_ARGS:-} > "$LOG" 2>&1
code=$?
set -e
end=$(date +%s.%N)
if [[ $code -ne 0 ]]; then
  tail -20 "$LOG" >&2
  echo "bench: ingest failed with exit $code" >&2
  exit $code
fi
grep '^\[' "$LOG" | grep -v 'not delivered' >&2 || true

# Per entity: rows read (from the run summary) and the seconds from the start of the stage until that entity's
# bronze and silver tables were written (entities run concurrently, so these overlap). "stage" is the ingest
# stage alone, "command" adds JVM and Spark start-up. The machine may be shared: the CPU time tells what two
# dedicated cores would need (rows per CPU-second x 2 = rows/s on 2 idle cores at best).
awk -v total="$(echo "$end - $start" | bc)" -v cpu="$(awk '{print $1 + $2}' "$OUT/cpu.txt")" \
  -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
  /^\[ *[0-9.]+s\] ingest +wrote / {
    match($0, /[0-9.]+s\]/); t = substr($0, RSTART, RLENGTH - 2) + 0; e = $NF; gsub(/[()]/, "", e);
    if (t > done[e]) done[e] = t }
  /^\[ *[0-9.]+s\] ingest +done: / { match($0, /in [0-9.]+ s/); stage = substr($0, RSTART + 3, RLENGTH - 5) + 0 }
  /^[0-9-]+\/[a-z]+\/[^ ]+ +[0-9,]+/ {
    split($1, p, "/"); f = p[3]; sub(/\..*$/, "", f); r = $2; gsub(/,/, "", r); rows[f] += r; all += r }
  END {
    printf "%-18s %14s %10s %14s\n", "entity", "rows", "seconds", "rows/s";
    for (e in rows) if (rows[e] > 0) printf "%-18s %14d %10.1f %14.0f\n", e, rows[e], done[e], rows[e] / done[e];
    printf "%-18s %14d %10.1f %14.0f\n", "total (stage)", all, stage, all / stage;
    printf "%-18s %14d %10.1f %14.0f\n", "total (command)", all, total, all / total;
    printf "JVM CPU time %.0f s (user+sys) for %d rows: %.0f rows per CPU-second; load average at the end: %s\n",
      cpu, all, all / cpu, load;
  }' "$LOG"
