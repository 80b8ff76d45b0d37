"""Support for the harness tests: a draft-07 validator for the subset of JSON Schema that
schema/results.schema.json uses, runners for the real CLI, and the tests proving the validator rejects bad documents.

The validator refuses schema keywords it does not implement, so the schema cannot quietly outgrow it.
"""

import atexit
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tests.schema_check import Validator
from tests.capabilities import requires_processes

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(TESTS_DIR)
REPO_DIR = os.path.dirname(PYTHON_DIR)
SCHEMA_PATH = os.path.join(REPO_DIR, "schema", "results.schema.json")
FIXTURES = os.path.join(TESTS_DIR, "fixtures", "harness")
PROJECT = os.path.join(FIXTURES, "project")

def results_validator():
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return Validator(json.load(handle))


# One bytecode cache outside the source tree for every harness process the tests start: each worker imports
# bytescope, and compiling it from source every time (PYTHONDONTWRITEBYTECODE) would dominate the suite's time.
_PYCACHE = tempfile.mkdtemp(prefix="bytescope-test-pycache-")
atexit.register(shutil.rmtree, _PYCACHE, True)


def bytescope(args, cwd=None, env=None, timeout=240):
    """Run ``python -m bytescope ARGS`` with this interpreter; returns the CompletedProcess (text)."""
    full_env = dict(os.environ, PYTHONPATH=PYTHON_DIR, PYTHONPYCACHEPREFIX=_PYCACHE)
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    full_env.pop("GITHUB_SHA", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bytescope", *args],
        cwd=cwd or TESTS_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


_RUNS = {}


def harness_run(key, entries, options=(), env=None, project=PROJECT):
    """Run the harness once per key and test process (several test modules share a run); returns
    ``(completed_process, results_dict_or_None)``."""
    if key not in _RUNS:
        out = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "results.json")
        args = ["run", "--cwd", project, "--out", out, *options]
        for entry in entries:
            args += ["--entry", entry]
        done = bytescope(args, env=env)
        data = None
        if os.path.exists(out):
            with open(out, encoding="utf-8") as handle:
                data = json.load(handle)
        _RUNS[key] = (done, data)
    return _RUNS[key]


@requires_processes  # the subclasses, too
class EntriesRunTest(unittest.TestCase):
    """Tests that read one shared harness run: ``RUN`` is ``(key, entries, options)``; ``by_name`` maps its
    entries' names to their records."""

    RUN = None

    @classmethod
    def setUpClass(cls):
        cls.done, cls.results = harness_run(*cls.RUN)
        if cls.results is None:
            raise AssertionError(f"no results written (exit {cls.done.returncode}):\n{cls.done.stderr[-5000:]}")
        cls.by_name = {entry["name"]: entry for entry in cls.results["entries"]}

    def error(self, name, status="error"):
        entry = self.by_name[name]
        self.assertEqual(entry["status"], status, entry["error"])
        return entry["error"]


BASIC_ENTRIES = ["work=app.work:main", "report=scripts/report.py", "tools=scripts/tools.py:measure"]
RUN_OPTIONS = ["--repeat", "3", "--warmup", "1", "--instructions"]


def basic_run():
    """The well-behaved entries, memory and instructions on: the run most tests read."""
    return harness_run("basic", BASIC_ENTRIES, RUN_OPTIONS)


@requires_processes
class ValidatorTest(unittest.TestCase):
    """The validator used to enforce the schema must itself reject what the schema forbids."""

    @classmethod
    def setUpClass(cls):
        cls.validator = results_validator()
        done, cls.valid = basic_run()
        if cls.valid is None:
            raise AssertionError(f"harness wrote no results:\n{done.stderr}")

    def assertRejected(self, mutate, expected):
        document = copy.deepcopy(self.valid)
        mutate(document)
        errors = self.validator.errors(document)
        self.assertTrue(any(expected in e for e in errors), f"expected an error containing {expected!r}: {errors}")

    def test_real_results_are_valid(self):
        self.assertEqual(self.validator.errors(self.valid), [])

    def test_rejects_wrong_schema_version(self):
        self.assertRejected(lambda d: d.update(schema_version=2), "/schema_version: must be 1")

    def test_rejects_missing_required_property(self):
        self.assertRejected(lambda d: d["entries"][0].pop("time"), "missing 'time'")

    def test_rejects_unknown_top_level_property(self):
        self.assertRejected(lambda d: d.update(extra=1), "unexpected property 'extra'")

    def test_rejects_bad_status_enum(self):
        self.assertRejected(lambda d: d["entries"][0].update(status="fine"), "is not one of")

    def test_rejects_wrong_type_deep_in_the_tree(self):
        self.assertRejected(
            lambda d: d["entries"][0]["profile"]["tree"]["children"][0].update(calls="1"),
            "/entries/0/profile/tree/children/0/calls: expected integer",
        )

    def test_rejects_negative_counts_and_bools_as_integers(self):
        self.assertRejected(lambda d: d["entries"][0]["memory"].update(peak_bytes=-1), "< minimum 0")
        self.assertRejected(lambda d: d["entries"][0]["instructions"].update(total=True), "expected integer")

    def test_rejects_bad_executed_counts_and_unmeasured_notes(self):
        def executed(value):
            return lambda d: d["entries"][0]["functions"][0].update(executed=value)

        self.assertTrue(all("executed" in f for f in self.valid["entries"][0]["functions"]))
        self.assertRejected(executed([1, -1]), "/entries/0/functions/0/executed/1")
        self.assertRejected(executed({"0": 1}), "expected array")
        self.assertRejected(lambda d: d["entries"][0].update(instructions_unmeasured=3), "expected string")
        self.assertRejected(lambda d: d["entries"][0]["instructions"].update(method="tracing"), "is not one of")

    def test_rejects_an_error_that_matches_no_alternative(self):
        self.assertRejected(lambda d: d["entries"][0].update(error={"type": "X"}), "oneOf")

    def test_rejects_empty_samples_and_bad_pattern(self):
        self.assertRejected(lambda d: d["entries"][0]["time"].update(samples_ns=[]), "fewer than 1 items")
        self.assertRejected(lambda d: d["environment"].update(python_version="three"), "does not match")

    def test_refuses_schema_keywords_it_does_not_implement(self):
        with self.assertRaisesRegex(ValueError, "does not implement"):
            Validator({"type": "string", "maxLength": 3}).errors("abcd")


if __name__ == "__main__":
    unittest.main()
