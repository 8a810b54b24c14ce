#!/usr/bin/env bash
# Times customer features and the KPI set on synthetic silver tables: bench/metrics-benchmark.sh [customers]
# (default 10000). Prints rows, seconds and the number of Spark jobs of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
customers="${1:-10000}"
mvn -o -q -pl jobs -am test-compile -DskipTests
cp_file="$PWD/jobs/target/bench-classpath.txt"
mvn -o -q -pl jobs dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
# shellcheck source=scripts/jvm-opens.sh
source scripts/jvm-opens.sh
exec java "${JVM_OPENS[@]}" -Xmx3g \
  -cp "jobs/target/test-classes:jobs/target/classes:lib-metrics/target/classes:$(cat "$cp_file")" \
  io.cpm.jobs.bench.MetricsBenchmark "$customers"
