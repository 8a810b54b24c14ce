#!/usr/bin/env bash
# spark-submit without a Spark distribution: runs Spark's own org.apache.spark.deploy.SparkSubmit on the
# Spark/Hadoop jars Maven resolved (jobs/target/spark-classpath.txt) and submits the shaded cpm jar, the
# same way a cluster's spark-submit would. Examples:
#   scripts/spark-submit-local.sh nightly --run-date 2025-03-29
#   SPARK_MASTER=spark://127.0.0.1:7077 scripts/spark-submit-local.sh nightly --run-date 2025-03-29
#   SPARK_SUBMIT_OPTS="--conf spark.executor.memory=2g" scripts/spark-submit-local.sh maintain --run-date 2025-03-31
# Environment: SPARK_MASTER (default local[2]), SPARK_SUBMIT_OPTS (extra spark-submit options),
# CPM_DRIVER_OPTS (driver JVM options, default -Xmx2g). Exit code = the cpm command's exit code.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/jobs/target/cpm-jobs.jar"
SPARK_CP="$ROOT/jobs/target/spark-classpath.txt"

if [[ ! -f "$JAR" || ! -f "$SPARK_CP" ]]; then
  echo "spark-submit-local: building the shaded jar (mvn package)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests -pl jobs -am package) >&2
fi
if [[ $# -eq 0 ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

# SparkSubmit started by hand does not add the --add-opens flags Spark needs on Java 17 (RUNTIME-NOTES.md).
# shellcheck source=scripts/jvm-opens.sh
source "$ROOT/scripts/jvm-opens.sh"

# shellcheck disable=SC2086
exec java "${JVM_OPENS[@]}" ${CPM_DRIVER_OPTS:--Xmx2g} -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$(cat "$SPARK_CP")" org.apache.spark.deploy.SparkSubmit \
  --master "${SPARK_MASTER:-local[2]}" --class io.cpm.jobs.Main --name "cpm-$1" \
  --conf spark.driver.host=127.0.0.1 ${SPARK_SUBMIT_OPTS:-} \
  "$JAR" "$@"
