# Shared by scripts/crash-matrix.sh and scripts/two-process-ingest.sh (source it; needs ROOT and LANDING).
#   cpm DIR ARGS...   runs ./cpm against the warehouse, exports and reports of one directory
#   fingerprint DIR   one line per Delta table (name, rows, order-independent content hash) and per export file
#                     (sha256); pipeline_runs is left out (it records the attempts themselves). Tables carry no
#                     wall-clock timestamps or run ids of their own, so two runs of one date compare equal.
#                     Decimal digits of numbers after the 9th are cut before hashing: Spark adds doubles in the
#                     order tasks finish, so any two runs (killed or not) may differ in the last bits of a sum
#                     (seen: a calibration mean 0.927510198324994 vs 0.9275101983250901).

cpm() {
  local dir=$1; shift
  "$ROOT/cpm" "$@" --config "$ROOT/conf/local.conf" --set "paths.warehouse=$dir/warehouse" \
    --set "paths.exports=$dir/exports" --set "paths.reports=$dir/reports" --set "paths.landing=$LANDING"
}

fingerprint() {
  local dir=$1 sql="" t
  for t in $(cd "$dir/warehouse" && ls -d */_delta_log 2>/dev/null | cut -d/ -f1 | sort); do
    [[ $t == pipeline_runs ]] && continue
    sql+="${sql:+ UNION ALL }SELECT '$t' AS t, count(*) AS n, coalesce(sum(xxhash64(regexp_replace(to_json(struct(*)), '([0-9][.][0-9]{9})[0-9]+', '\$1'))), 0) AS h FROM cpm.\`$t\`"
  done
  cpm "$dir" sql --format csv "SELECT * FROM ($sql) ORDER BY t" | tail -n +2
  (cd "$dir/exports" 2>/dev/null && find . -type f ! -name '*.crc' | sort | xargs -r sha256sum)
}
