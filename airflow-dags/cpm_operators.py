"""SparkSubmitOperator that lets the cpm exit code decide whether Airflow retries.

SparkSubmitOperator fails the same way for every non-zero exit, so Airflow would retry a data-quality
failure (exit 3) as often as a late export (exit 4). This subclass turns the non-retryable codes into
AirflowFailException, which fails the task at once without using its retries.
"""
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

from cpm_exit_codes import retryable, spark_submit_exit_code


class CpmSparkSubmitOperator(SparkSubmitOperator):
    """Runs one ``cpm`` command with spark-submit; exit 2 and 3 fail without retry, others retry."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as error:
            code = spark_submit_exit_code(getattr(self, "_hook", None), error)
            if code is not None and not retryable(code):
                raise AirflowFailException(
                    f"cpm {self._application_args[0]} exited with {code} "
                    f"({'data-quality gate failed' if code == 3 else 'usage or config error'}); "
                    "not retrying: fix the data or config, then clear the task"
                ) from error
            raise
