#!/usr/bin/env bash
# Times customer features and the KPI set on synthetic silver tables: bench/metrics-benchmark.sh [customers]
# (default 10000). Prints rows, seconds and the number of Spark jobs of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
customers="${1:-10000}"
mvn -o -q -pl jobs -am test-compile -DskipTests
cp_file="$PWD/jobs/target/bench-classpath.txt"
mvn -o -q -pl jobs dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
exec java -XX:+IgnoreUnrecognizedVMOptions $opens --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Xmx3g \
  -cp "jobs/target/test-classes:jobs/target/classes:lib-metrics/target/classes:$(cat "$cp_file")" \
  io.cpm.jobs.bench.MetricsBenchmark "$customers"
