#!/usr/bin/env bash
# Benchmark of `cpm generate-sample`: N customers (default 1,000,000), run dates 2025-03-29..31, two years
# of history, into bench/out/ (git-ignored). Prints wall seconds, rows written, rows/s and max RSS.
# Usage: bench/generate.sh [N]      Heap: CPM_JAVA_OPTS (default -Xmx256m, to show it streams).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"
OUT="$ROOT/bench/out/generate-$N"
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$ROOT"
./cpm --version >/dev/null # build the jar first so the build is not measured

export CPM_JAVA_OPTS="${CPM_JAVA_OPTS:--Xmx256m}"
TIMER=()
if [[ -x /usr/bin/time ]]; then
  TIMER=(/usr/bin/time -v -o "$OUT/time.txt")
else
  # No GNU time: let the JVM report its own committed memory at exit.
  CPM_JAVA_OPTS="$CPM_JAVA_OPTS -XX:NativeMemoryTracking=summary -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics"
fi
start=$(date +%s.%N)
"${TIMER[@]}" ./cpm generate-sample --customers "$N" --start 2025-03-29 --end 2025-03-31 --seed 42 \
  --out "$OUT/landing" --truth "$OUT/ground-truth" | tee "$OUT/summary.txt"
end=$(date +%s.%N)

rows=$(sed -n 's/^total rows \([0-9]*\) .*/\1/p' "$OUT/summary.txt")
seconds=$(echo "$end - $start" | bc -l)
echo "----"
printf 'customers        %d\n' "$N"
printf 'wall seconds     %.1f (JVM start included)\n' "$seconds"
printf 'rows             %d\n' "$rows"
printf 'rows/s           %.0f\n' "$(echo "$rows / $seconds" | bc -l)"
printf 'output size      %s\n' "$(du -sh "$OUT/landing" | cut -f1)"
if [[ -f "$OUT/time.txt" ]]; then
  printf 'max RSS          %d MB\n' "$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt") / 1024 ))"
  # CPU seconds stay comparable when other jobs share the machine; wall seconds do not.
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$OUT/time.txt")
  printf 'cpu seconds      %.1f (user + sys, %s of one core)\n' "$cpu" \
    "$(sed -n 's/.*Percent of CPU this job got: //p' "$OUT/time.txt")"
else
  echo "max RSS          see the JVM's 'Native Memory Tracking' report above (Total: committed)"
fi
echo "heap             $CPM_JAVA_OPTS"
