"""Nightly customer scoring: wait for the CRM, ERP and ticket exports of {{ ds }}, ingest them in
parallel, then features -> segment -> score -> kpis -> publish -> report, each one spark-submit of the
cpm jar (``io.cpm.jobs.Main <command> --run-date {{ ds }} --config <file>``).

Deployment settings come from Airflow, never from this file (see README.md next to it):
  Variables   cpm_jar (shaded jar URL), cpm_config (HOCON file the driver reads), cpm_landing_url
              (s3://bucket/landing, where the sensors look)
  Connections cpm_spark (spark-submit master/deploy mode/queue), cpm_s3 (AWS credentials for sensors)
  Pool        cpm_spark (one slot per concurrent Spark application the cluster can take)
Nothing here runs at import time: the Variables are Jinja templates rendered when a task runs.
This file is kept declarative (no loops) so airflow-dags/tests/dag_contract.py can read it with ast.
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
    wait_crm = S3KeySensor(
        task_id="wait_crm_export",
        bucket_key="{{ var.value.cpm_landing_url }}/{{ ds }}/crm/accounts.csv",
        **SENSOR,
    )
    wait_erp = S3KeySensor(
        task_id="wait_erp_export",
        bucket_key="{{ var.value.cpm_landing_url }}/{{ ds }}/erp/orders.csv",
        **SENSOR,
    )
    wait_tickets = S3KeySensor(
        task_id="wait_tickets_export",
        bucket_key="{{ var.value.cpm_landing_url }}/{{ ds }}/tickets/tickets.jsonl",
        **SENSOR,
    )

    ingest_crm = CpmSparkSubmitOperator(
        task_id="ingest_crm",
        application_args=["ingest", *RUN_ARGS, "--source", "crm"],
        execution_timeout=timedelta(hours=1),
        sla=timedelta(hours=4),
        **SPARK,
    )
    ingest_erp = CpmSparkSubmitOperator(
        task_id="ingest_erp",
        application_args=["ingest", *RUN_ARGS, "--source", "erp"],
        execution_timeout=timedelta(hours=1),
        sla=timedelta(hours=4),
        **SPARK,
    )
    ingest_tickets = CpmSparkSubmitOperator(
        task_id="ingest_tickets",
        application_args=["ingest", *RUN_ARGS, "--source", "tickets"],
        execution_timeout=timedelta(hours=1),
        sla=timedelta(hours=4),
        **SPARK,
    )

    features = CpmSparkSubmitOperator(
        task_id="features",
        application_args=["features", *RUN_ARGS],
        execution_timeout=timedelta(hours=2),
        sla=timedelta(hours=5),
        **SPARK,
    )
    segment = CpmSparkSubmitOperator(
        task_id="segment",
        application_args=["segment", *RUN_ARGS],
        execution_timeout=timedelta(hours=1),
        sla=timedelta(hours=6),
        **SPARK,
    )
    score = CpmSparkSubmitOperator(
        task_id="score",
        application_args=["score", *RUN_ARGS],
        execution_timeout=timedelta(hours=2),
        sla=timedelta(hours=7),
        **SPARK,
    )
    kpis = CpmSparkSubmitOperator(
        task_id="kpis",
        application_args=["kpis", *RUN_ARGS],
        execution_timeout=timedelta(hours=1),
        sla=timedelta(hours=7, minutes=30),
        **SPARK,
    )
    publish = CpmSparkSubmitOperator(
        task_id="publish",
        application_args=["publish", *RUN_ARGS],
        execution_timeout=timedelta(minutes=45),
        sla=timedelta(hours=8),
        **SPARK,
    )
    report = CpmSparkSubmitOperator(
        task_id="report",
        application_args=["report", *RUN_ARGS],
        execution_timeout=timedelta(minutes=30),
        sla=timedelta(hours=8, minutes=30),
        **SPARK,
    )

    wait_crm >> ingest_crm
    wait_erp >> ingest_erp
    wait_tickets >> ingest_tickets
    [ingest_crm, ingest_erp, ingest_tickets] >> features
    features >> segment >> score >> kpis >> publish >> report
