# Shared by scripts/crash-matrix.sh and scripts/two-process-ingest.sh (source it; needs ROOT and LANDING).
#   cpm DIR ARGS...   runs ./cpm against the warehouse, exports and reports of one directory
#   fingerprint DIR   one line per Delta table (name, rows, order-independent content hash) and per export file
#                     (sha256); pipeline_runs is left out (it records the attempts themselves). Tables carry no
#                     wall-clock timestamps or run ids of their own, so two runs of one date compare equal.
#                     Numbers are rounded to 9 significant digits before hashing: Spark adds doubles in the
#                     order tasks finish, so any two runs (killed or not) may differ in the last bits of a sum
#                     (seen: a calibration mean 0.927510198324994 vs 0.9275101983250901, a CAC 0.2 vs
#                     0.19999999999999998). Rounding, unlike cutting digits, maps both sides of such a pair to
#                     one value. Rows are fetched as JSON and hashed here, so the warehouse must be small (the
#                     crash matrix's 200-customer night).

cpm() {
  local dir=$1; shift
  "$ROOT/cpm" "$@" --config "$ROOT/conf/local.conf" --set "paths.warehouse=$dir/warehouse" \
    --set "paths.exports=$dir/exports" --set "paths.reports=$dir/reports" --set "paths.landing=$LANDING"
}

fingerprint() {
  local dir=$1 sql="" t rows
  for t in $(cd "$dir/warehouse" && ls -d */_delta_log 2>/dev/null | cut -d/ -f1 | sort); do
    [[ $t == pipeline_runs ]] && continue
    sql+="${sql:+ UNION ALL }SELECT '$t' AS t, to_json(struct(*)) AS j FROM cpm.\`$t\`"
  done
  rows=$(mktemp)
  cpm "$dir" sql --format csv "$sql" | tail -n +2 \
    | perl -pe 's/(-?\d+\.\d+(?:E-?\d+)?)/sprintf("%.9g", $1)/ge' | LC_ALL=C sort > "$rows"
  for t in $(cut -d, -f1 "$rows" | uniq); do
    echo "$t,$(grep -c "^$t," "$rows"),$(grep "^$t," "$rows" | sha256sum | cut -c1-16)"
  done
  rm -f "$rows"
  (cd "$dir/exports" 2>/dev/null && find . -type f ! -name '*.crc' | sort | xargs -r sha256sum)
}
