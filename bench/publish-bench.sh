#!/usr/bin/env bash
# Times the CRM export at scale: builds a synthetic customer_scores table of N customers in a scratch
# warehouse (with cpm sql, no other stage needed), then runs a full and an incremental publish and prints
# the seconds and the file size. Usage: bench/publish-bench.sh [N=1000000] [scratch dir=bench/out]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"
OUT="$(realpath -m "${2:-$ROOT/bench/out}")"
WH="$OUT/warehouse"
rm -rf "$OUT" && mkdir -p "$OUT"
SET=(--set "paths.warehouse=$WH" --set "paths.exports=$OUT/exports" --set "paths.reports=$OUT/reports"
  --set catalog.database=bench)
COLUMNS='publish.crm.columns=[churn_probability, churn_band, churn_driver_1, p_alive, clv_12m, clv_grade, health_score, health_change]'

scores_sql() { # $1 = run date, $2 = share of customers whose scores change vs. the first date
  cat <<SQL
SELECT DATE'$1' AS run_date, printf('C%08d', id) AS customer_id,
  CAST(((id * 7919) % 1000) / 1000.0 + IF(id % 100 < $2, 0.0005, 0) AS DOUBLE) AS churn_probability,
  CASE WHEN id % 3 = 0 THEN 'high' WHEN id % 3 = 1 THEN 'medium' ELSE 'low' END AS churn_band,
  CASE WHEN id % 5 = 0 THEN '-recency_days' ELSE 'order_trend' END AS churn_driver_1,
  CAST(((id * 104729) % 997) / 997.0 AS DOUBLE) AS p_alive, CAST(id % 50000 AS DOUBLE) * 1.37 AS clv_12m,
  CASE WHEN id % 4 = 0 THEN 'A' WHEN id % 4 = 1 THEN 'B' WHEN id % 4 = 2 THEN 'C' ELSE 'D' END AS clv_grade,
  CAST(id % 100 AS DOUBLE) AS health_score, CAST((id % 21) - 10 AS DOUBLE) AS health_change
FROM range($N)
SQL
}

t() { local start=$SECONDS; "$@" > "$OUT/last.log" 2>&1 || { cat "$OUT/last.log" >&2; exit 1; }; echo $((SECONDS - start)); }

echo "customers: $N"
seconds=$(t "$ROOT/cpm" sql "${SET[@]}" \
  "CREATE TABLE bench.customer_scores USING DELTA PARTITIONED BY (run_date) LOCATION '$WH/customer_scores' AS
   $(scores_sql 2025-03-30 0) UNION ALL $(scores_sql 2025-03-31 10)")
echo "create scores (2 run dates, 10 % changed): $seconds s"
seconds=$(t "$ROOT/cpm" publish --run-date 2025-03-30 --full "${SET[@]}" --set "$COLUMNS")
echo "publish full 2025-03-30: $seconds s"
seconds=$(t "$ROOT/cpm" publish --run-date 2025-03-31 --incremental "${SET[@]}" --set "$COLUMNS")
echo "publish incremental 2025-03-31: $seconds s"
for d in 2025-03-30 2025-03-31; do
  echo "$d: $(grep -o '"row_count" : [0-9]*' "$OUT/exports/crm/$d/manifest.json"), $(du -h \
    "$OUT/exports/crm/$d/customer_scores.csv" | cut -f1)"
done
