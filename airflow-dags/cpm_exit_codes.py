"""How a failed ``spark-submit`` of the cpm jar maps to an Airflow outcome.

Pure Python (no Airflow import) so it is tested where Airflow is absent. Exit codes are the CLI's
(see ``cpm --help``): 0 ok, 1 internal error, 2 usage or config error, 3 data-quality gate failed,
4 input missing.
"""
import re

INTERNAL_ERROR = 1
USAGE = 2
DATA_QUALITY = 3
INPUT_MISSING = 4

# Retrying cannot fix these: bad data stays bad until someone looks at the quarantine, and a bad
# command line or config stays bad until it is redeployed. Exit 4 (export not there yet) and 1 retry.
NOT_RETRYABLE = frozenset({USAGE, DATA_QUALITY})

# SparkSubmitHook.submit raises AirflowException("Cannot execute: <cmd>. Error code is: <rc>.").
_ERROR_CODE = re.compile(r"Error code is: (-?\d+)")


def spark_submit_exit_code(hook, error):
    """The spark-submit process's exit code: the hook's Popen if it is there, else the error message."""
    process = getattr(hook, "_submit_sp", None) if hook is not None else None
    code = getattr(process, "returncode", None)
    if isinstance(code, int):
        return code
    match = _ERROR_CODE.search(str(error))
    return int(match.group(1)) if match else None


def retryable(exit_code):
    """Whether Airflow should retry a task that exited with this code (unknown codes retry)."""
    return exit_code not in NOT_RETRYABLE
