"""The peak measured in several fresh processes: the spread kept in the results, and every way a memory process can
fail (the entry stops or restarts tracemalloc, fails or crashes in one process, runs out of time) reported as a clear
reading, never a crash or a silently missing metric."""

import json
import os
import tempfile
import textwrap
import tracemalloc
import unittest

from tests.capabilities import requires_processes
from tests.test_harness_support import harness_run, results_validator

from bytescope.harness import peaks
from bytescope.profiling.memory import MemoryTracker

# The entries count their processes in a file (BYTESCOPE_TEST_COUNTER): the measuring worker imports the module
# first, then memory process 1, 2, 3 — so an entry can misbehave in one process only.
ENTRIES_MODULE = '''
import os, tracemalloc

_COUNTER = os.environ["BYTESCOPE_TEST_COUNTER"]
with open(_COUNTER, "a") as _handle:
    _handle.write("x")
with open(_COUNTER) as _handle:
    PROCESS = len(_handle.read())  # 1: the measuring worker, 2 and up: the memory processes


def steady():
    return [bytearray(1000) for _ in range(50)]


def stops_tracing():
    data = steady()
    tracemalloc.stop()
    return data


def restarts_tracing():
    data = steady()
    if tracemalloc.is_tracing():
        tracemalloc.stop()
        tracemalloc.start()
    return data


def fails_in_second_memory_process():
    if PROCESS == 3:
        raise RuntimeError("only in this process")
    return steady()


def crashes_in_every_memory_process():
    if PROCESS > 1:
        os._exit(7)
    return steady()
'''


def _project(name):
    project = tempfile.mkdtemp(prefix="bytescope-test-peaks-")
    with open(os.path.join(project, "peakcases.py"), "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(ENTRIES_MODULE))
    return project, {"BYTESCOPE_TEST_COUNTER": os.path.join(project, f"{name}.count")}


def _run(name, options=(), run="default"):
    project, env = _project(name)
    done, results = harness_run(
        f"peaks-{name}-{run}",
        [f"{name}=peakcases:{name}"],
        ["--repeat", "2", "--warmup", "1", *options],
        env=env,
        project=project,
    )
    if results is None:
        raise AssertionError(f"no results written:\n{done.stderr}")
    return done, results, results["entries"][0]


@requires_processes
class SpreadTest(unittest.TestCase):
    def test_every_process_peak_is_kept_with_min_and_max(self):
        done, results, entry = _run("steady", ["--memory-runs", "4"])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(results_validator().errors(results), [])
        self.assertEqual(results["settings"]["memory_runs"], 4)
        memory = entry["memory"]
        self.assertEqual(len(memory["peaks_bytes"]), 4)
        self.assertEqual(memory["peak_min_bytes"], min(memory["peaks_bytes"]))
        self.assertEqual(memory["peak_max_bytes"], max(memory["peaks_bytes"]))
        self.assertEqual(memory["peak_bytes"], memory["peak_max_bytes"])
        self.assertGreater(memory["peak_min_bytes"], 50 * 1000)
        self.assertEqual(memory["failed_processes"], [])
        self.assertIsNone(entry["memory_unmeasured"])
        for process in range(1, 5):
            self.assertIn(f"steady: memory 1 call, process {process} of 4\u2026", done.stderr)

    def test_memory_runs_must_be_at_least_one(self):
        done, results = harness_run("peaks-zero", ["steady=peakcases:steady"], ["--memory-runs", "0"])
        self.assertEqual(done.returncode, 2)
        self.assertIn("memory_runs must be an integer >= 1, got 0", done.stderr)
        self.assertIsNone(results)


def _config(settings):
    handle, path = tempfile.mkstemp(prefix="bytescope-test-peaks-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as config:
        json.dump(settings, config)
    return ["--config", path]


@requires_processes
class PeakInWorkerTest(unittest.TestCase):
    """Same-runner rounds: the round's measuring worker is the first memory process (after its warm-up, before
    timing), so the rounds provide the processes the memory gate compares."""

    def test_the_worker_measures_the_first_peak_before_timing_and_one_process_the_rest(self):
        done, results, entry = _run("steady", ["--memory-runs", "2", *_config({"peak_in_worker": True})], "in-worker")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(results_validator().errors(results), [])
        self.assertEqual(len(entry["memory"]["peaks_bytes"]), 2)
        self.assertEqual(entry["memory"]["failed_processes"], [])
        self.assertEqual(len(entry["time"]["samples_ns"]), 2)
        first = done.stderr.index("steady: memory 1 call, process 1 of 2\u2026")
        self.assertLess(first, done.stderr.index("steady: timing 2 calls\u2026"))
        self.assertIn("steady: memory 1 call, process 2 of 2\u2026", done.stderr)
        with open(os.path.join(results["settings"]["cwd"], "steady.count"), encoding="utf-8") as counter:
            self.assertEqual(counter.read(), "xx")  # the worker and one memory process: no third

    def test_a_worker_whose_entry_stops_tracing_still_times_it(self):
        options = ["--memory-runs", "1", *_config({"peak_in_worker": True})]
        done, _, entry = _run("stops_tracing", options, "in-worker")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(entry["status"], "ok")
        self.assertEqual(len(entry["time"]["samples_ns"]), 2)
        self.assertIsNone(entry["memory"])
        self.assertEqual(entry["memory_unmeasured"], peaks.STOPPED_TRACING)

    def test_peak_in_worker_must_be_a_boolean(self):
        done, results = harness_run("peaks-in-worker-bad", ["steady=peakcases:steady"], _config({"peak_in_worker": 1}))
        self.assertEqual(done.returncode, 2)
        self.assertIn("peak_in_worker must be true or false, got 1", done.stderr)
        self.assertIsNone(results)


@requires_processes
class FaultTest(unittest.TestCase):
    def test_an_entry_that_stops_tracemalloc_is_not_measured_with_the_reason(self):
        done, results, entry = _run("stops_tracing")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(results_validator().errors(results), [])
        self.assertEqual(entry["status"], "ok")
        self.assertIsNone(entry["memory"])
        self.assertEqual(entry["memory_unmeasured"], peaks.STOPPED_TRACING)
        self.assertIn(f"memory not measured: {peaks.STOPPED_TRACING}", done.stderr)

    def test_an_entry_that_restarts_tracemalloc_is_not_measured_either(self):
        # A restart resets the peak and forgets every trace: what tracemalloc says afterwards is not the call's peak.
        done, _, entry = _run("restarts_tracing")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIsNone(entry["memory"])
        self.assertEqual(entry["memory_unmeasured"], peaks.STOPPED_TRACING)

    def test_a_failure_in_one_memory_process_keeps_the_other_peaks_and_says_why(self):
        done, results, entry = _run("fails_in_second_memory_process")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(results_validator().errors(results), [])
        self.assertEqual(entry["status"], "ok")
        memory = entry["memory"]
        self.assertEqual(len(memory["peaks_bytes"]), 2)
        [failed] = memory["failed_processes"]
        self.assertEqual(failed["process"], 2)
        self.assertEqual(failed["reason"], "RuntimeError: only in this process during warmup")

    def test_a_crash_in_every_memory_process_leaves_a_reason_not_a_gap(self):
        done, results, entry = _run("crashes_in_every_memory_process")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(results_validator().errors(results), [])
        self.assertEqual(entry["status"], "ok")
        self.assertIsNotNone(entry["time"])
        self.assertIsNone(entry["memory"])
        self.assertIn("the worker exited with status 7 during warmup", entry["memory_unmeasured"])


class CombineTest(unittest.TestCase):
    def test_no_process_measured_gives_each_distinct_reason_once(self):
        combined = peaks.combine([peaks.unmeasured(1, "b"), peaks.unmeasured(2, "a"), peaks.unmeasured(3, "b")])
        self.assertEqual(combined, {"memory": None, "memory_unmeasured": "a; b"})

    def test_counts_and_sites_come_from_the_first_process_that_measured(self):
        first = {"peak_bytes": 10, "allocated_bytes": 1, "allocations": 1, "top_sites": [], "traceback_limit": 10}
        second = dict(first, peak_bytes=12, allocations=2)
        combined = peaks.combine([peaks.unmeasured(1, "x"), {"index": 2, "memory": first}, {"index": 3, "memory": second}])
        memory = combined["memory"]
        self.assertEqual((memory["peaks_bytes"], memory["peak_bytes"], memory["allocations"]), ([10, 12], 12, 1))
        self.assertEqual(memory["failed_processes"], [{"process": 1, "reason": "x"}])


class TrackerInterruptionTest(unittest.TestCase):
    def tearDown(self):
        if tracemalloc.is_tracing():
            tracemalloc.stop()

    def test_a_restart_during_the_block_is_detected_and_tracing_stopped(self):
        tracker = MemoryTracker(5, 5)
        tracker.start()
        tracemalloc.stop()
        tracemalloc.start()
        self.assertIsNone(tracker.stop())
        self.assertTrue(tracker.interrupted)
        self.assertFalse(tracemalloc.is_tracing())

    def test_an_undisturbed_block_is_measured(self):
        tracker = MemoryTracker(5, 5)
        tracker.start()
        data = bytearray(10_000)
        stats = tracker.stop()
        self.assertFalse(tracker.interrupted)
        self.assertGreaterEqual(stats.peak_bytes, len(data))


if __name__ == "__main__":
    unittest.main()
