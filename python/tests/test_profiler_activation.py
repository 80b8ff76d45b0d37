"""When the profiler is active: start/stop boundaries, nesting, options, clocks and threads."""

import sys
import threading
import time
import tracemalloc
import unittest

from bytescope.profiling import Profiler
from bytescope.profiling.tree import function_rows
from tests.capabilities import requires_cpu_clock, requires_threads
from tests.profiler_workloads import fib, fib_calls, is_even, is_odd, last_name, sort_key


class ActivationBoundaries(unittest.TestCase):
    def test_frames_entered_before_start_are_ignored(self):
        profiler = Profiler()

        def starts_profiling():
            profiler.start()
            sort_key(1)

        def caller():
            starts_profiling()
            sort_key(2)

        caller()
        profiler.stop()
        names = {row.qualname for row in profiler.functions()}
        self.assertEqual({last_name(name) for name in names}, {"sort_key"})
        self.assertEqual(next(r for r in profiler.functions()).calls, 2)

    def test_frames_open_at_stop_are_closed(self):
        profiler = Profiler()

        def stops_profiling():
            time.sleep(0.002)
            profiler.stop()

        def outer():
            stops_profiling()

        profiler.start()
        outer()
        rows = {last_name(r.qualname): r for r in profiler.functions()}
        self.assertEqual(rows["outer"].calls, 1)
        self.assertEqual(rows["stops_profiling"].calls, 1)
        self.assertGreaterEqual(rows["outer"].total_ns, rows["stops_profiling"].total_ns)
        self.assertGreater(rows["stops_profiling"].total_ns, 1_000_000)

    def test_exception_in_profiled_block_restores_state_and_keeps_the_profile(self):
        def sentinel(frame, event, arg):
            pass

        sys.setprofile(sentinel)
        try:
            profiler = Profiler(memory=True)
            with self.assertRaises(ZeroDivisionError):
                with profiler:
                    sort_key(1)
                    1 / 0
            self.assertIs(sys.getprofile(), sentinel)
        finally:
            sys.setprofile(None)
        self.assertFalse(tracemalloc.is_tracing())
        self.assertIn("sort_key", {r.qualname for r in profiler.functions()})

    def test_nested_bytescope_profilers_are_an_error(self):
        outer = Profiler()
        with outer:
            with self.assertRaisesRegex(RuntimeError, "another bytescope Profiler is already active"):
                Profiler().start()
            with self.assertRaisesRegex(RuntimeError, "already running"):
                outer.start()
            fib(4)
        self.assertEqual(next(r for r in outer.functions() if r.qualname == "fib").calls, fib_calls(4))
        with self.assertRaisesRegex(RuntimeError, "not running"):
            outer.stop()
        with Profiler():  # the thread is free again
            pass

    def test_invalid_options(self):
        for options in ({"clock": "sundial"}, {"top_sites": -1}, {"traceback_limit": 0}):
            with self.subTest(options=options), self.assertRaises(ValueError):
                Profiler(**options)
        with self.assertRaises(ValueError):
            Profiler().report(sort="name")

    @requires_cpu_clock
    def test_cpu_clock_excludes_sleep(self):
        profiler = Profiler(clock="cpu")
        with profiler:
            time.sleep(0.03)
        self.assertEqual(profiler.data.clock, "cpu")
        self.assertLess(profiler.data.total_ns, 20_000_000)


@requires_threads
class Threads(unittest.TestCase):
    def test_every_thread_is_profiled_per_thread_and_merged(self):
        def work_a():
            return fib(8)

        def work_b():
            return is_even(10)

        previous = threading.getprofile()
        profiler = Profiler(threads=True, builtins=False)
        with profiler:
            threads = [
                threading.Thread(target=work_a, name="worker-a"),
                threading.Thread(target=work_b, name="worker-b"),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sort_key(1)
        self.assertIs(threading.getprofile(), previous)
        self.assertIsNone(sys.getprofile())
        data = profiler.data
        per_thread = {thread.name: {row.qualname for row in function_rows(thread.tree)} for thread in data.threads}
        self.assertIn("fib", per_thread["worker-a"])
        self.assertNotIn("fib", per_thread["worker-b"])
        self.assertIn("is_even", per_thread["worker-b"])
        self.assertIn("sort_key", per_thread[threading.current_thread().name])
        merged = {row.qualname: row for row in data.functions()}
        self.assertEqual(merged["fib"].calls, fib_calls(8))
        self.assertEqual(merged["is_even"].calls + merged["is_odd"].calls, 11)
        as_dict = profiler.to_dict()
        self.assertEqual({t["name"] for t in as_dict["threads"]}, set(per_thread))
        self.assertEqual(as_dict["tree"]["total_ns"], sum(t["tree"]["total_ns"] for t in as_dict["threads"]))
        # the overhead is relative to every thread's profiled time, like the events it counts
        self.assertLessEqual(as_dict["overhead"]["estimated_ns"], as_dict["tree"]["total_ns"])

    def test_threads_started_before_and_running_after_are_released(self):
        release, ready = threading.Event(), threading.Event()
        seen = []

        def worker():
            ready.set()
            while not release.is_set():
                seen.append(sort_key(1))
                time.sleep(0.001)
            seen.append(sys.getprofile())

        thread = threading.Thread(target=worker)
        thread.start()
        ready.wait()
        profiler = Profiler(threads=True)
        with profiler:
            time.sleep(0.02)
        time.sleep(0.01)
        release.set()
        thread.join()
        self.assertIsNone(seen[-1])
        self.assertIsNone(threading.getprofile())

    def test_threads_started_while_profiling_and_outliving_it_drop_the_callback(self):
        release, started = threading.Event(), threading.Event()
        seen = []

        def worker():
            started.set()
            while not release.is_set():
                sort_key(1)
                time.sleep(0.001)
            seen.append(sys.getprofile())

        profiler = Profiler(threads=True)
        with profiler:
            thread = threading.Thread(target=worker, name="outliver")
            thread.start()
            started.wait()
            time.sleep(0.01)
        calls_at_stop = next(r for r in profiler.functions() if r.qualname == "sort_key").calls
        time.sleep(0.02)
        release.set()
        thread.join()
        # the worker's profile function is gone (3.12+: right away; before: at its next call) and nothing it did
        # after stop() reached the profile
        self.assertIsNone(seen[-1])
        profiler._data = None  # rebuild from what was collected
        self.assertEqual(next(r for r in profiler.functions() if r.qualname == "sort_key").calls, calls_at_stop)
        self.assertIn("outliver", {thread.name for thread in profiler.data.threads})


if __name__ == "__main__":
    unittest.main()
