#!/usr/bin/env bash
# Scoring benchmark (not a test): simulates CUSTOMERS customers' transactions on a local[2] Spark, times the
# CLV stage (grouping + fits + scoring, BG/NBD and Pareto/NBD) and churn training (LR + GBT) on CHURN_ROWS rows.
# Usage: bench/clv.sh [CUSTOMERS=1000000] [CHURN_ROWS=500000 (0 skips churn)] [MODELS=bgnbd,paretonbd]
# Extra JVM flags via BENCH_JAVA_OPTS, e.g. BENCH_JAVA_OPTS=-Dcpm.bench.dumpCounts=/tmp/counts.csv (see ScoringBenchmark).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -DskipTests -pl jobs -am package >&2
CP="jobs/target/test-classes:jobs/target/cpm-jobs.jar:$(cat jobs/target/runtime-classpath.txt)"
# shellcheck source=../scripts/jvm-opens.sh
source "$ROOT/scripts/jvm-opens.sh"
# shellcheck disable=SC2086
exec java "${JVM_OPENS[@]}" ${BENCH_JAVA_OPTS:-} -Xmx5g -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -Djava.io.tmpdir="$ROOT/jobs/target/tmp" -Dspark.local.dir="$ROOT/jobs/target/tmp" \
  -cp "$CP" io.cpm.jobs.scoring.ScoringBenchmark "${1:-1000000}" "${2:-500000}" "${3:-bgnbd,paretonbd}"
