"""Every way an entry can fail becomes that entry's status and error; the others are still measured and the results
file is still written and valid."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

from tests.test_harness_support import PROJECT, PYTHON_DIR, EntriesRunTest, harness_run, results_validator

from bytescope.harness import orchestrator
from bytescope.harness.settings import resolve
from bytescope.harness.targets import parse_entry
from tests.capabilities import requires_processes

FAULT_ENTRIES = [
    "before=app.work:main",
    "raises=app.faults:raises",
    "exits=app.faults:exits",
    "exits_zero=app.faults:exits_zero",
    "exits_bare=app.faults:exits_bare",
    "script_exits_zero=scripts/exits_zero.py",
    "hard_exit=app.faults:hard_exit",
    "segfault=app.faults:segfault",
    "aborts=app.faults:aborts",
    "recurses=app.faults:recurses",
    "chatty=app.faults:chatty",
    "missing_module=app.nowhere:main",
    "broken_import=app.broken:main",
    "missing_attr=app.work:nothing_here",
    "not_callable=app.faults:not_callable",
    "missing_script=scripts/absent.py",
    "second_call=app.faults:fails_second_call",
    "thread_left=app.faults:leaves_thread",
] + (["forks=app.faults:forks"] if hasattr(os, "fork") else []) + [
    "after=app.work:main",
]


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return ""


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, just not reaped yet
    except OSError:
        return True


class FaultsTest(EntriesRunTest):
    RUN = ("faults", FAULT_ENTRIES, ["--repeat", "2", "--warmup", "1"])

    def test_exit_status_says_some_entries_failed_and_file_is_valid(self):
        self.assertEqual(self.done.returncode, 1, self.done.stderr)
        self.assertEqual([e["name"] for e in self.results["entries"]], [e.split("=")[0] for e in FAULT_ENTRIES])
        self.assertEqual(results_validator().errors(self.results), [])

    def test_entries_around_the_faults_are_measured(self):
        for name in ("before", "after", "script_exits_zero", "thread_left"):
            entry = self.by_name[name]
            self.assertEqual(entry["status"], "ok", entry["error"])
            self.assertEqual(len(entry["time"]["samples_ns"]), 2)
            self.assertGreater(entry["memory"]["peak_bytes"], 0)

    def test_exception(self):
        error = self.error("raises")
        self.assertEqual((error["type"], error["message"], error["phase"]), ("ValueError", "bad input 42", "warmup"))
        self.assertIn('raise ValueError("bad input 42")', error["traceback"])
        self.assertNotIn("bytescope", error["traceback"], "harness frames must not appear in the user's traceback")

    def test_sys_exit_from_a_callable_is_a_fault_whatever_the_status(self):
        for name, message in (
            ("exits", "the entry called sys.exit(3)"),
            ("exits_zero", "the entry called sys.exit(0)"),
            ("exits_bare", "the entry called sys.exit()"),
        ):
            with self.subTest(name):
                error = self.error(name)
                self.assertEqual((error["type"], error["message"]), ("SystemExit", message))

    def test_a_script_ending_with_sys_exit_0_finished_normally(self):
        entry = self.by_name["script_exits_zero"]
        # warmup, timing, profile, instructions; the memory processes' output is not kept
        self.assertEqual(entry["output"]["stdout"].count("done\n"), 1 + 2 + 1 + 1)

    def test_os_exit(self):
        error = self.error("hard_exit")
        self.assertEqual(error["type"], "Exit")
        self.assertIn("exited with status 7 during warmup", error["message"])

    def test_interpreter_crash(self):
        for name, signal_name in (("segfault", "SIGSEGV"), ("aborts", "SIGABRT")):
            with self.subTest(name):
                error = self.error(name)
                self.assertEqual(error["type"], "Crash")
                self.assertIn(f"crashed with {signal_name} during warmup", error["message"])
                # faulthandler's dump of the crashing stack, from the worker's stderr
                self.assertIn("app/faults.py", error["traceback"])

    def test_recursion_error(self):
        error = self.error("recurses")
        self.assertEqual(error["type"], "RecursionError")
        self.assertIn("maximum recursion depth", error["message"])
        self.assertLess(len(error["traceback"]), 25000)

    def test_megabytes_of_output_are_bounded_and_kept_apart(self):
        entry = self.by_name["chatty"]
        self.assertEqual(entry["status"], "ok", entry["error"])
        output = entry["output"]
        calls = 1 + 2 + 1 + 1  # warmup, timing, profile, instructions (the memory processes' output is not kept)
        self.assertEqual(output["stdout_bytes"], calls * (3 * 1024 * 1024 + len("\nEND-OF-STDOUT\n")))
        self.assertEqual(output["stderr_bytes"], calls * (1024 * 1024 + len("\nEND-OF-STDERR\n")))
        self.assertTrue(output["truncated"])
        self.assertLess(len(output["stdout"]) + len(output["stderr"]), 40000)
        self.assertTrue(output["stdout"].endswith("END-OF-STDOUT\n"))
        self.assertIn("bytes omitted", output["stdout"])

    def test_unimportable_targets(self):
        error = self.error("missing_module")
        self.assertEqual((error["type"], error["phase"]), ("ModuleNotFoundError", "import"))
        self.assertIn("app.nowhere", error["message"])
        # Only the error: no frames of the import system or the harness around a misspelled module.
        self.assertNotIn("<frozen", error["traceback"])
        self.assertNotIn("File ", error["traceback"])
        error = self.error("broken_import")
        self.assertEqual(error["type"], "ImportError")
        self.assertIn("missing native extension", error["message"])
        self.assertIn("app/broken.py", error["traceback"])

    def test_targets_that_are_not_callables(self):
        error = self.error("missing_attr")
        self.assertEqual((error["type"], error["phase"]), ("AttributeError", "import"))
        self.assertEqual(error["message"], "module 'app.work' has no attribute 'nothing_here'")
        error = self.error("not_callable")
        self.assertEqual(error["type"], "TypeError")
        self.assertEqual(error["message"], "'app.faults:not_callable' is not callable (it is 'int')")
        error = self.error("missing_script")
        self.assertEqual(error["type"], "FileNotFoundError")
        self.assertIn("scripts/absent.py", error["message"])

    @unittest.skipUnless(hasattr(os, "fork"), "no os.fork here")
    def test_a_forked_child_does_not_go_on_measuring(self):
        entry = self.by_name["forks"]
        self.assertEqual(entry["status"], "ok", entry["error"])
        calls = 1 + 2 + 1 + 1  # every pass but memory's, instructions included: one parent line each, children stopped at once
        self.assertEqual(entry["output"]["stdout"], "parent\n" * calls)

    def test_a_failure_after_timing_keeps_what_was_measured(self):
        entry = self.by_name["second_call"]
        # warm-up is the first call, so the first timed call fails: nothing timed, the error says where
        self.assertEqual(entry["error"]["phase"], "timing")
        self.assertEqual(entry["error"]["message"], "only works once")
        self.assertIsNotNone(entry["import_ns"])
        self.assertIsNone(entry["time"], "a failed call is not a timing sample")


@requires_processes
class HarnessFailureTest(unittest.TestCase):
    def test_a_worker_that_cannot_start_is_a_harness_failure_and_the_others_still_run(self):
        broken = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "boot.py")
        with open(broken, "w") as handle:
            handle.write("raise ImportError('bytescope is not installed properly')\n")
        settings = resolve(
            {"entries": [parse_entry("a=app.work:noop"), parse_entry("b=app.work:noop")], "repeat": 1,
             "warmup": 0, "memory": False, "cwd": PROJECT, "out": os.path.join(tempfile.gettempdir(), "unused.json")}
        )
        lines = []
        with mock.patch.object(orchestrator, "_BOOT", broken):
            entries, failures, _ = orchestrator.measure(settings, lines.append)
        self.assertEqual(len(failures), 2)
        self.assertIn("the worker process failed to start (exit status 1)", failures[0])
        self.assertIn("bytescope is not installed properly", failures[0])
        self.assertEqual([e["error"]["type"] for e in entries], ["HarnessError", "HarnessError"])
        validator = results_validator()
        for entry in entries:
            self.assertEqual(validator.errors_at(validator.root["definitions"]["entry"], entry, "/"), [])


@requires_processes
class TimeoutTest(unittest.TestCase):
    def test_hang_is_killed_with_its_process_group_and_the_next_entry_runs(self):
        pid_file = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "child.pid")
        started = time.monotonic()
        done, results = harness_run(
            "timeout",
            ["hangs=app.faults:hangs", "after=app.work:loop_10"],
            ["--repeat", "2", "--warmup", "0", "--timeout", "3", "--no-memory"],
            env={"BYTESCOPE_TEST_CHILD_PID": pid_file},
        )
        self.assertLess(time.monotonic() - started, 60)
        self.assertEqual(done.returncode, 1, done.stderr)
        hangs, after = results["entries"]
        self.assertEqual(hangs["status"], "timeout")
        self.assertEqual(hangs["error"]["type"], "Timeout")
        self.assertIn("did not finish within 3 s (stopped during timing)", hangs["error"]["message"])
        # the stacks faulthandler dumped just before the kill show where it hung
        self.assertIn("app/faults.py", hangs["error"]["traceback"])
        self.assertIn("in hangs", hangs["error"]["traceback"])
        self.assertEqual(after["status"], "ok")
        self.assertEqual(after["output"]["stderr"], "", "no stack dump for an entry that finished")
        self.assertIsNone(after["memory"])
        child = int(_read(pid_file))
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(_alive(child), "the entry's child process survived the timeout")
        self.assertIn("[1/2] hangs: timing 2 calls", done.stderr)
        self.assertIn("[1/2] hangs: timeout: Timeout", done.stderr)
        self.assertEqual(results_validator().errors(results), [])


@requires_processes
class InstructionTimeoutTest(unittest.TestCase):
    def test_a_timeout_in_the_instruction_pass_keeps_time_and_says_why_memory_is_missing(self):
        done, results = harness_run(
            "instruction-timeout",
            ["slow=app.faults:hangs_when_counted", "after=app.work:loop_10"],
            ["--repeat", "2", "--warmup", "0", "--timeout", "4", "--instructions"],
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        slow, after = results["entries"]
        self.assertEqual(slow["status"], "ok")
        self.assertIsNone(slow["error"])
        self.assertEqual(len(slow["time"]["samples_ns"]), 2)
        # the memory processes come after the measuring one, whose instruction pass used up the entry's timeout
        self.assertIsNone(slow["memory"])
        self.assertEqual(slow["memory_unmeasured"], "not started: the entry's 4 s timeout was reached")
        self.assertIsNone(slow["instructions"])
        self.assertEqual(
            slow["instructions_unmeasured"],
            "the instruction pass did not finish within the 4 s timeout (time was measured before it and is kept)",
        )
        self.assertIn("hangs_when_counted", [f["qualname"] for f in slow["functions"]])
        self.assertIn("no instruction count: the instruction pass did not finish", done.stderr)
        self.assertGreater(after["instructions"]["total"], 0)
        self.assertNotIn("instructions_unmeasured", after)
        self.assertEqual(results_validator().errors(results), [])


@requires_processes
@unittest.skipUnless(os.name == "posix", "SIGTERM delivery is POSIX")
class TerminationTest(unittest.TestCase):
    def test_sigterm_takes_the_running_worker_and_its_children_down(self):
        stderr = self._terminate([signal.SIGTERM])
        self.assertEqual(stderr, "")

    def test_sigint_then_sigterm_as_github_cancels_exits_quietly_after_cleaning_up(self):
        # The second signal lands while the first one's cleanup runs; neither prints a traceback.
        stderr = self._terminate([signal.SIGINT, signal.SIGTERM], expected=128 + signal.SIGINT)
        self.assertNotIn("Traceback", stderr)
        self.assertNotIn("KeyboardInterrupt", stderr)

    def _terminate(self, signals, expected=128 + signal.SIGTERM):
        """Starts an entry that leaves a child, sends ``signals`` once it runs; the harness's stderr after them."""
        directory = tempfile.mkdtemp(prefix="bytescope-test-")
        pid_file = os.path.join(directory, "child.pid")
        env = dict(os.environ, PYTHONPATH=PYTHON_DIR, BYTESCOPE_TEST_CHILD_PID=pid_file)
        harness = subprocess.Popen(
            [sys.executable, "-m", "bytescope", "run", "--entry", "app.faults:hangs", "--cwd", PROJECT,
             "--out", os.path.join(directory, "results.json"), "--timeout", "120"],
            env=env, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not _read(pid_file):
                self.assertLess(time.monotonic(), deadline, "the entry never started")
                time.sleep(0.05)
            child = int(_read(pid_file))
            for sent in signals:
                harness.send_signal(sent)
            _, stderr = harness.communicate(timeout=30)
            self.assertEqual(harness.returncode, expected, stderr)
        finally:
            if harness.poll() is None:
                harness.kill()
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(_alive(child), "the entry's child outlived the terminated harness")
        self.assertFalse(os.path.exists(os.path.join(directory, "results.json")))
        return "".join(line + "\n" for line in stderr.splitlines() if not line.startswith("[1/1]"))

if __name__ == "__main__":
    unittest.main()
