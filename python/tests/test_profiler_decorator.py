"""The profiler as a decorator, and its memory measurement (tracemalloc)."""

import asyncio
import inspect
import sys
import tracemalloc
import unittest

from bytescope.profiling import Profiler
from tests.profiler_workloads import last_name, sort_key


class DecoratorTests(unittest.TestCase):
    def test_functions_methods_generators_and_coroutines(self):
        profiler = Profiler()

        @profiler.profile
        def add(a, b=2, *, c=3):
            """adds"""
            return sort_key(a) + b + c

        class Box:
            @profiler.profile
            def grow(self, by):
                return by * 2

        @profiler.profile
        def count(limit):
            for value in range(limit):
                yield value

        @profiler.profile
        async def later(value):
            await asyncio.sleep(0.25)
            return value

        self.assertEqual(add.__name__, "add")
        self.assertEqual(add.__doc__, "adds")
        self.assertEqual(str(inspect.signature(add)), "(a, b=2, *, c=3)")
        self.assertTrue(inspect.isgeneratorfunction(count))
        self.assertTrue(inspect.iscoroutinefunction(later))

        self.assertEqual(add(1), -1 + 5)
        self.assertEqual(add(2, c=0), -2 + 2)
        self.assertEqual(Box().grow(4), 8)
        self.assertEqual(list(count(3)), [0, 1, 2])
        self.assertEqual(asyncio.run(later(7)), 7)
        self.assertFalse(profiler.running)
        self.assertIsNone(sys.getprofile())

        rows = {last_name(r.qualname): r for r in profiler.functions()}
        self.assertEqual(rows["add"].calls, 2)
        self.assertEqual(rows["sort_key"].calls, 2)
        self.assertEqual(rows["grow"].calls, 1)
        self.assertEqual((rows["count"].calls, rows["count"].resumes), (1, 3))
        self.assertEqual(rows["later"].calls, 1)
        self.assertLess(rows["later"].total_ns, 150_000_000)  # the 250 ms sleep is suspended time
        for row in profiler.functions():
            self.assertNotIn("profiling", row.filename)
            self.assertNotIn(".send", row.qualname)

    def test_recursive_decorated_function_runs_one_activation(self):
        profiler = Profiler()

        @profiler.profile
        def down(n):
            return 0 if n == 0 else down(n - 1)

        down(5)
        self.assertEqual(profiler.data.activations, 1)
        row = next(r for r in profiler.functions() if last_name(r.qualname) == "down")
        self.assertEqual((row.calls, row.primitive_calls), (6, 1))

    def test_many_activations_accumulate(self):
        profiler = Profiler()
        decorated_key = profiler.profile(sort_key)
        for value in range(150):
            decorated_key(value)
        rows = {r.qualname: r for r in profiler.functions()}
        self.assertEqual(profiler.data.activations, 150)
        self.assertEqual(rows["sort_key"].calls, 150)
        self.assertEqual(profiler.data.tree.calls, 150)
        self.assertEqual(set(rows), {"sort_key"})

    def test_async_generators_are_refused(self):
        async def stream():
            yield 1

        with self.assertRaises(TypeError):
            Profiler().profile(stream)


class Memory(unittest.TestCase):
    def test_peak_allocations_and_sites_without_profiler_frames(self):
        kept = []

        def allocate():
            for index in range(2000):
                kept.append(str(index) * 20)  # the allocating line
            transient = bytearray(4_000_000)
            del transient

        profiler = Profiler(memory=True, top_sites=5, traceback_limit=4)
        with profiler:
            allocate()
        memory = profiler.data.memory
        self.assertFalse(tracemalloc.is_tracing())
        self.assertGreaterEqual(memory.peak_bytes, 4_000_000)
        self.assertGreaterEqual(memory.allocated_bytes, 2000 * 20)
        self.assertLess(memory.allocated_bytes, 1_000_000)
        self.assertGreaterEqual(memory.allocations, 2000)
        self.assertLessEqual(len(memory.top_sites), 5)
        top = memory.top_sites[0]
        self.assertEqual(top.traceback[0][0], __file__)
        line = inspect.getsource(allocate).splitlines().index("            for index in range(2000):")
        self.assertEqual(top.traceback[0][1], allocate.__code__.co_firstlineno + line + 1)
        for site in memory.top_sites:
            for filename, _ in site.traceback:
                self.assertNotIn("bytescope/profiling", filename.replace("\\", "/"))
                self.assertNotIn("tracemalloc", filename)
        self.assertIn("memory: peak", profiler.report())

    def test_tracemalloc_already_running_is_left_running_with_its_limit(self):
        tracemalloc.start(3)
        try:
            profiler = Profiler(memory=True, traceback_limit=12)
            with profiler:
                data = [object() for _ in range(500)]
            self.assertTrue(tracemalloc.is_tracing())
            self.assertEqual(tracemalloc.get_traceback_limit(), 3)
            self.assertGreaterEqual(profiler.data.memory.allocations, 500)
            del data
        finally:
            tracemalloc.stop()


if __name__ == "__main__":
    unittest.main()
