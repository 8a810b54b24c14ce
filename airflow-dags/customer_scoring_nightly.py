"""Nightly customer scoring: wait for the CRM, ERP and ticket exports of {{ ds }}, ingest them in one
Spark application, then features -> segment -> score -> kpis -> publish -> report, each one spark-submit of the
cpm jar (``io.cpm.jobs.Main <command> --run-date {{ ds }} --config <file>``).

Deployment settings come from Airflow, never from this file (see README.md next to it):
  Variables   cpm_jar (shaded jar URL), cpm_config (HOCON file the driver reads), cpm_landing_url
              (s3://bucket/landing, where the sensors look)
  Connections cpm_spark (spark-submit master/deploy mode/queue), cpm_s3 (AWS credentials for sensors)
  Pool        cpm_spark (one slot per concurrent Spark application the cluster can take)
No two cpm tasks of a run can run at once (the graph is one chain after the sensors): every cpm command appends
to the shared Delta audit tables (pipeline_runs, ingest_runs, quarantine), and on S3 concurrent writers of one
Delta table are only safe inside one Spark driver or with a DynamoDB log store. The three sources are therefore
ingested by one ``cpm ingest`` (it parses them in parallel inside its driver).
Nothing here runs at import time: the Variables are Jinja templates rendered when a task runs.
This file is kept declarative (no loops; tasks are built by the one-``return`` helpers below) so
airflow-dags/tests/dag_contract.py can read it with ast.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

from cpm_operators import CpmSparkSubmitOperator

# Every cpm command of the DAG gets the same run date and config; --run-date is Airflow's logical date.
RUN_ARGS = ["--run-date", "{{ ds }}", "--config", "{{ var.value.cpm_config }}"]

SPARK = dict(
    application="{{ var.value.cpm_jar }}",
    java_class="io.cpm.jobs.Main",
    conn_id="cpm_spark",
    pool="cpm_spark",
    name="cpm-{{ task.task_id }}-{{ ds }}",
    # Spark settings that depend on the cluster live in the cpm_spark connection's extras and in
    # spark-defaults.conf; these two only keep a retried attempt from reusing a half-dead context.
    conf={"spark.yarn.maxAppAttempts": "1", "spark.sql.session.timeZone": "UTC"},
    verbose=False,
)

# Sensors reschedule (free the worker slot) between pokes; exports normally land by 02:00 UTC and
# after 8 hours the run fails with a clear sensor timeout instead of an ingest exit 4.
SENSOR = dict(
    aws_conn_id="cpm_s3",
    mode="reschedule",
    poke_interval=300,
    timeout=8 * 3600,
    soft_fail=False,
    retries=0,
)


def wait_for_export(task_id, path):
    """Sensor for one export file of {{ ds }}: ``<cpm_landing_url>/<ds>/<path>``."""
    return S3KeySensor(
        task_id=task_id,
        bucket_key="{{ var.value.cpm_landing_url }}/{{ ds }}/" + path,
        **SENSOR,
    )


def cpm_task(task_id, command, execution_timeout, sla, options=()):
    """One spark-submit of the cpm jar: ``cpm <command> --run-date {{ ds }} --config <file> <options...>``."""
    return CpmSparkSubmitOperator(
        task_id=task_id,
        application_args=[command, *RUN_ARGS, *options],
        execution_timeout=execution_timeout,
        sla=sla,
        **SPARK,
    )


default_args = dict(
    owner="data-engineering",
    depends_on_past=False,
    retries=3,
    retry_delay=timedelta(minutes=10),
    retry_exponential_backoff=True,
    max_retry_delay=timedelta(hours=1),
    execution_timeout=timedelta(hours=2),
    sla=timedelta(hours=6),
    email_on_failure=True,
    email_on_retry=False,
)

with DAG(
    dag_id="customer_scoring_nightly",
    description="CRM/ERP/ticket exports -> Delta features, segments, scores, KPIs, CRM files, report",
    schedule="@daily",
    start_date=datetime(2025, 3, 29),
    catchup=True,
    max_active_runs=1,
    default_args=default_args,
    dagrun_timeout=timedelta(hours=20),
    tags=["cpm", "spark", "delta"],
    doc_md=__doc__,
) as dag:
    wait_crm = wait_for_export("wait_crm_export", "crm/accounts.csv")
    wait_erp = wait_for_export("wait_erp_export", "erp/orders.csv")
    wait_tickets = wait_for_export("wait_tickets_export", "tickets/tickets.jsonl")

    ingest = cpm_task("ingest", "ingest", timedelta(hours=2), timedelta(hours=4))

    features = cpm_task("features", "features", timedelta(hours=2), timedelta(hours=5))
    segment = cpm_task("segment", "segment", timedelta(hours=1), timedelta(hours=6))
    score = cpm_task("score", "score", timedelta(hours=2), timedelta(hours=7))
    kpis = cpm_task("kpis", "kpis", timedelta(hours=1), timedelta(hours=7, minutes=30))
    publish = cpm_task("publish", "publish", timedelta(minutes=45), timedelta(hours=8))
    report = cpm_task("report", "report", timedelta(minutes=30), timedelta(hours=8, minutes=30))

    [wait_crm, wait_erp, wait_tickets] >> ingest
    ingest >> features
    features >> segment >> score >> kpis >> publish >> report
