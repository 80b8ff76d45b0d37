"""The profiler on generators and coroutines: resumes are not calls, suspended time is not charged."""

import asyncio
import time
import unittest

from bytescope.profiling import Profiler
from tests.profiler_workloads import last_name, sort_key


class GeneratorsAndCoroutines(unittest.TestCase):
    def test_resumes_are_not_calls_and_suspended_time_is_not_charged(self):
        def produce():
            yield 1
            yield 2
            yield 3

        profiler = Profiler(builtins=False)
        with profiler:
            for _ in produce():
                time.sleep(0.01)
        row = next(r for r in profiler.functions() if last_name(r.qualname) == "produce")
        self.assertEqual((row.calls, row.resumes), (1, 3))
        self.assertGreater(profiler.data.total_ns, 30_000_000)
        self.assertLess(row.total_ns, profiler.data.total_ns / 3)

    def test_generator_expressions_and_yield_from(self):
        def inner():
            yield from range(3)

        def outer():
            yield from inner()
            yield from inner()

        profiler = Profiler()
        with profiler:
            list(outer())
            sum(x for x in range(4))
        rows = {last_name(r.qualname): r for r in profiler.functions()}
        self.assertEqual((rows["outer"].calls, rows["inner"].calls), (1, 2))
        self.assertEqual(rows["<genexpr>"].calls, 1)
        self.assertEqual(rows["<genexpr>"].resumes, 4)

    def test_coroutine_suspension_is_not_charged(self):
        async def wait():
            await asyncio.sleep(0.25)
            return 1

        async def main():
            return await asyncio.gather(wait(), wait())

        profiler = Profiler()
        with profiler:
            asyncio.run(main())
        row = next(r for r in profiler.functions() if last_name(r.qualname) == "wait")
        self.assertEqual(row.calls, 2)
        self.assertGreaterEqual(row.resumes, 2)
        # Charged suspension would be at least 500 ms; the margin absorbs a loaded machine's slow resumes.
        self.assertLess(row.total_ns, 250_000_000)  # two calls, each suspended for 250 ms

    def test_exceptions_close_generator_frames(self):
        def failing():
            yield 1
            raise KeyError("gen")

        def closed():
            try:
                yield 1
                yield 2
            finally:
                pass

        profiler = Profiler()
        with profiler:
            with self.assertRaises(KeyError):
                list(failing())
            generator = closed()
            next(generator)
            generator.close()
            thrown = closed()
            next(thrown)
            with self.assertRaises(ValueError):
                thrown.throw(ValueError("in"))
            sort_key(1)
        rows = {last_name(r.qualname): r for r in profiler.functions()}
        self.assertEqual((rows["failing"].calls, rows["failing"].resumes), (1, 1))
        self.assertEqual((rows["closed"].calls, rows["closed"].resumes), (2, 2))
        # after all that, the stack was balanced: sort_key is a top-level call
        top = {node.function.qualname for node in profiler.data.tree.children.values()}
        self.assertIn("sort_key", top)

    def test_generator_started_before_profiling_is_counted_as_resumed(self):
        def produce():
            yield 1
            yield 2

        generator = produce()
        next(generator)
        profiler = Profiler()
        with profiler:
            next(generator)
        row = next(r for r in profiler.functions() if last_name(r.qualname) == "produce")
        self.assertEqual((row.calls, row.resumes), (0, 1))


if __name__ == "__main__":
    unittest.main()
