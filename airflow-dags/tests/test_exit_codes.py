"""Exit-code mapping of CpmSparkSubmitOperator (pure Python; runs without Airflow)."""
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cpm_exit_codes import retryable, spark_submit_exit_code  # noqa: E402


class FakeProcess:
    def __init__(self, returncode):
        self.returncode = returncode


class FakeHook:
    def __init__(self, returncode):
        self._submit_sp = FakeProcess(returncode)


class ExitCodeTest(unittest.TestCase):
    def test_data_quality_and_usage_do_not_retry(self):
        self.assertFalse(retryable(3))
        self.assertFalse(retryable(2))

    def test_input_missing_and_internal_errors_retry(self):
        self.assertTrue(retryable(4))
        self.assertTrue(retryable(1))
        self.assertTrue(retryable(None))

    def test_code_from_the_hooks_process(self):
        self.assertEqual(3, spark_submit_exit_code(FakeHook(3), Exception("whatever")))

    def test_code_from_a_real_process(self):
        process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(4)"])
        process.wait()
        hook = FakeHook(None)
        hook._submit_sp = process
        self.assertEqual(4, spark_submit_exit_code(hook, Exception("x")))

    def test_code_from_the_hook_message_when_no_process(self):
        message = "Cannot execute: spark-submit --master yarn cpm.jar ingest. Error code is: 3."
        self.assertEqual(3, spark_submit_exit_code(None, Exception(message)))
        self.assertIsNone(spark_submit_exit_code(None, Exception("connection refused")))


if __name__ == "__main__":
    unittest.main()
