#!/usr/bin/env bash
# Times the segmentation library code through the analyst commands on a generated transaction CSV.
# Usage: bench/segment-bench.sh [customers (default 200000)] [transactions per customer (default 10)]
# Prints rows, wall-clock seconds of `cpm rfm` and `cpm kmeans --k-range 3-6`. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-200000}
per=${2:-10}
dir=$(mktemp -d "${TMPDIR:-/tmp}/cpm-segment-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
awk -v n="$customers" -v per="$per" 'BEGIN {
  srand(42); print "customer,invoice,date,amount";
  for (c = 0; c < n; c++) {
    k = int(rand() * per * 2) + 1; value = 50 + rand() * 2000;
    for (o = 0; o < k; o++) {
      d = int(rand() * 730);
      printf "C%07d,I%07d-%d,%s,%.2f\n", c, c, o, strftime("%Y-%m-%d", 1735603200 - d * 86400, 1), value * (0.5 + rand());
    }
  }
}' > "$dir/tx.csv"
rows=$(($(wc -l < "$dir/tx.csv") - 1))
echo "transactions: $rows, customers: $customers"
start=$(date +%s)
./cpm rfm --transactions "$dir/tx.csv" --customer-col customer --date-col date --amount-col amount \
  --invoice-col invoice > "$dir/rfm.txt"
echo "cpm rfm: $(( $(date +%s) - start )) s"; tail -n +2 "$dir/rfm.txt"
start=$(date +%s)
./cpm kmeans --transactions "$dir/tx.csv" --customer-col customer --date-col date --amount-col amount \
  --k-range 3-6 > "$dir/kmeans.txt"
echo "cpm kmeans (k 3-6): $(( $(date +%s) - start )) s"; cat "$dir/kmeans.txt"
