"""Hostile entries and settings (issue 15): each ends as that entry's error or a clear usage error; the other
entries' results are kept and the results file stays valid."""

import json
import os
import tempfile
import time
import unittest

from tests.test_harness_faults import _alive, _read
from tests.test_harness_support import EntriesRunTest, bytescope, harness_run, results_validator
from tests.capabilities import requires_processes

from bytescope.harness.errors import MAX_MESSAGE_CHARS, invalid_measurements
from bytescope.harness.targets import TargetError, check_entry_name

HOSTILE_ENTRIES = [
    "before=app.work:main",
    "str_raises=app.hostile:str_raises",
    "str_not_a_string=app.hostile:str_not_a_string",
    "str_subclass=app.hostile:str_subclass",
    "exits_with_hostile_code=app.hostile:exits_with_hostile_code",
    "cause_str_raises=app.hostile:cause_str_raises",
    "huge_message=app.hostile:huge_message",
    "clock_backwards=app.clock_backwards:main",
    "clock_nan=app.clock_nan:main",
    "after=app.work:main",
]


class HostileEntriesTest(EntriesRunTest):
    RUN = ("hostile", HOSTILE_ENTRIES, ["--repeat", "2", "--warmup", "1"])

    def test_a_broken_exception_is_not_a_harness_failure_and_the_file_is_valid(self):
        self.assertEqual(self.done.returncode, 1, self.done.stderr[-5000:])
        self.assertNotIn("harness failure", self.done.stderr)
        self.assertEqual(results_validator().errors(self.results), [])
        for name in ("before", "after"):
            self.assertEqual(self.by_name[name]["status"], "ok", self.by_name[name]["error"])

    def test_an_exception_whose_str_raises_gets_a_fallback_message(self):
        error = self.error("str_raises")
        self.assertEqual(error["type"], "app.hostile._BrokenStr")
        self.assertEqual(error["message"], "<str() of the app.hostile._BrokenStr failed with RuntimeError>")
        self.assertIn("raise _BrokenStr()", error["traceback"])

    def test_an_exception_whose_str_returns_a_non_string_gets_a_fallback_message(self):
        error = self.error("str_not_a_string")
        self.assertEqual(error["message"], "<str() of the app.hostile._NotAString failed with TypeError>")

    def test_a_str_subclass_message_is_kept_as_plain_text(self):
        self.assertEqual(self.error("str_subclass")["message"], "a str subclass")

    def test_sys_exit_with_an_object_whose_eq_and_repr_raise(self):
        error = self.error("exits_with_hostile_code")
        self.assertEqual(error["type"], "SystemExit")
        self.assertEqual(error["message"], "the entry called sys.exit() with a app.hostile._Hostile")

    def test_a_cause_whose_str_raises_keeps_the_traceback(self):
        error = self.error("cause_str_raises")
        self.assertEqual(error["message"], "wrapped")
        self.assertIn("_BrokenStr", error["traceback"])
        self.assertIn("direct cause", error["traceback"])

    def test_an_unbounded_exception_message_is_cut_with_a_marker(self):
        error = self.error("huge_message")
        self.assertLess(len(error["message"]), MAX_MESSAGE_CHARS + 100)
        self.assertTrue(error["message"].startswith("m" * 100))
        self.assertIn("[... cut: 1,000,014 characters in all, the first 4,000 kept ...]", error["message"])
        # the traceback keeps the user's frames instead of being filled by the message
        self.assertIn('raise ValueError("m" * int(', error["traceback"])
        self.assertIn("[... cut:", error["traceback"])
        self.assertLess(len(error["traceback"]), 20000)
        # and the log line says the same, bounded
        line = next(line for line in self.done.stderr.splitlines() if "huge_message: error" in line)
        self.assertLess(len(line), MAX_MESSAGE_CHARS + 200)

    def test_an_entry_that_replaces_the_clocks_is_timed_with_the_real_ones(self):
        for name in ("clock_backwards", "clock_nan"):
            with self.subTest(name):
                entry = self.by_name[name]
                self.assertEqual(entry["status"], "ok", entry["error"])
                self.assertGreaterEqual(entry["import_ns"], 0)
                self.assertIsInstance(entry["import_ns"], int)
                for sample in entry["time"]["samples_ns"] + entry["time"]["cpu_samples_ns"]:
                    self.assertIsInstance(sample, int)
                    self.assertGreaterEqual(sample, 0)
                self.assertLess(entry["time"]["median_ns"], 10**9, "a real duration, not the entry's clock")


class InvalidMeasurementsTest(unittest.TestCase):
    """The check every record passes where it is made, in the worker, and again in the parent."""

    def test_a_good_record_passes_untouched(self):
        record = {"import_ns": 5, "time": {"samples_ns": [1, 2], "cpu_samples_ns": [0, 1]}, "memory": None}
        self.assertIsNone(invalid_measurements(record))
        self.assertEqual(record["import_ns"], 5)

    def test_negative_nan_and_non_integer_durations_become_the_entrys_error(self):
        record = {
            "import_ns": -3,
            "time": {"samples_ns": [1, float("nan")], "cpu_samples_ns": [1, 2]},
            "profile": {"overhead": {"per_event_ns": float("inf")}},
            "memory": {"peak_bytes": 10},
        }
        error = invalid_measurements(record)
        self.assertEqual((error["type"], error["phase"]), ("InvalidMeasurement", "import"))
        self.assertIn("import_ns is -3", error["message"])
        self.assertIn("time holds a number that is NaN or infinite", error["message"])
        self.assertIn("profile holds a number", error["message"])
        self.assertEqual([record["import_ns"], record["time"], record["profile"]], [None, None, None])
        self.assertEqual(record["memory"], {"peak_bytes": 10})
        record = {"time": {"samples_ns": [1, 2.5], "cpu_samples_ns": [1, 2]}}
        self.assertIn("time.samples_ns holds a value", invalid_measurements(record)["message"])
        self.assertIn("import_ns is True", invalid_measurements({"import_ns": True})["message"])


@requires_processes
class ForgedRecordTest(unittest.TestCase):
    def test_a_forged_record_loses_no_other_entrys_results(self):
        done, results = harness_run(
            "forged",
            ["before=app.work:main", "forges=app.hostile:forges_record", "after=app.work:main"],
            ["--repeat", "1", "--warmup", "1", "--no-memory"],
        )
        self.assertEqual(done.returncode, 3, done.stderr[-5000:])
        self.assertIsNotNone(results, done.stderr[-5000:])
        before, forged, after = results["entries"]
        self.assertEqual((before["status"], after["status"]), ("ok", "ok"))
        self.assertEqual((forged["status"], forged["error"]["type"]), ("error", "HarnessError"))
        self.assertIn("forges: bytescope failed on this entry", forged["error"]["message"])
        self.assertEqual(results_validator().errors(results), [])


@requires_processes
@unittest.skipUnless(os.path.isdir("/proc/self"), "adopting orphans needs Linux (PR_SET_CHILD_SUBREAPER)")
class SessionChildrenTest(unittest.TestCase):
    def test_children_in_a_new_session_do_not_outlive_the_entry(self):
        pids_file = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "pids")
        done, results = harness_run(
            "session-children",
            ["children=app.hostile:leaves_session_children", "after=app.work:main"],
            ["--repeat", "1", "--warmup", "0", "--no-memory"],
            env={"BYTESCOPE_TEST_CHILD_PIDS": pids_file},
        )
        self.assertEqual(done.returncode, 0, done.stderr[-5000:])
        self.assertEqual([e["status"] for e in results["entries"]], ["ok", "ok"])
        # two calls (timing, profile), each a child and, once it started, its grandchild
        deadline = time.monotonic() + 10
        pids = [int(pid) for pid in _read(pids_file).split()]
        self.assertGreaterEqual(len(pids), 2)
        alive = pids
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [pid for pid in pids if _alive(pid)]
        self.assertEqual(alive, [], "processes the entry started in their own session survived it")


@requires_processes
class SettingsGrammarTest(unittest.TestCase):
    def usage_error(self, *args):
        done = bytescope(["run", "--out", os.path.join(tempfile.gettempdir(), "unused.json"), *args])
        self.assertEqual(done.returncode, 2, done.stderr)
        return done.stderr.strip()

    def test_numbers_python_would_parse_but_the_grammar_refuses(self):
        for option, text in (("--timeout", "0x10"), ("--timeout", "inf"), ("--timeout", "nan"),
                             ("--repeat", "1_000"), ("--warmup", " 1 2"), ("--timeout", ".5")):
            with self.subTest(text=text):
                self.assertIn(f"argument {option}: expected a plain decimal number", self.usage_error(option, text))

    def test_plain_decimals_with_fraction_and_exponent_are_accepted(self):
        for option, text in (("--timeout", "10"), ("--timeout", "0.5"), ("--timeout", "1e-300"),
                             ("--repeat", "2e1"), ("--warmup", "0")):
            with self.subTest(text=text):
                self.assertIn("no entries to measure", self.usage_error(option, text))

    def test_a_timeout_past_one_day_is_refused(self):
        self.assertIn("timeout must be a number of seconds > 0 and <= 86400, got 86401.0",
                      self.usage_error("--timeout", "86401"))
        self.assertIn("'1e400' is out of range", self.usage_error("--timeout", "1e400"))
        self.assertIn("repeat must be an integer >= 1, got 2.5", self.usage_error("--repeat", "2.5"))
        config = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "config.json")
        for text in ("1e300", "Infinity", "NaN"):
            with self.subTest(text=text):
                with open(config, "w") as handle:
                    handle.write('{"entries": ["app.work:main"], "timeout": %s}' % text)
                self.assertIn("timeout must be a number of seconds > 0 and <= 86400",
                              self.usage_error("--config", config))

    def test_an_entry_name_longer_than_100_characters_is_refused_up_front(self):
        error = self.usage_error("--entry", "n" * 101 + "=app.work:main")
        self.assertIn("is 101 characters long; at most 100", error)
        self.assertEqual(check_entry_name(" " + "n" * 100 + " "), "n" * 100)
        for name in ("a\u200bb", "tab\tname", "", "line\nbreak"):
            with self.subTest(name=name), self.assertRaises(TargetError):
                check_entry_name(name)
        config = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "config.json")
        with open(config, "w") as handle:
            json.dump({"entries": [{"name": "x" * 101, "target": "app.work:main"}]}, handle)
        self.assertIn("is 101 characters long; at most 100", self.usage_error("--config", config))


if __name__ == "__main__":
    unittest.main()
