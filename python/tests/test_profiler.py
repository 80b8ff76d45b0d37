"""The profiler's correctness: cProfile as the oracle for call counts, and the invariants cProfile does not keep."""

import asyncio
import cProfile
import functools
import inspect
import pstats
import sys
import threading
import time
import tracemalloc
import unittest

from bytescope.profiling import Profiler
from bytescope.profiling.tree import function_rows
from tests.capabilities import requires_cpu_clock, requires_threads

HERE = __file__


# ------------------------------------------------------------------------------------------------------- workloads


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


class Shape:
    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size

    @property
    def double(self):
        return self.area() * 2

    @classmethod
    def unit(cls):
        return cls(1)

    @staticmethod
    def describe(value):
        return f"shape {value}"

    def __eq__(self, other):
        return isinstance(other, Shape) and self.size == other.size

    def __hash__(self):
        return hash(self.size)

    def __lt__(self, other):
        return self.size < other.size


def make_counter():
    count = 0

    def increment(step=1):
        nonlocal count
        count += step
        return count

    return increment


def deep_raise(depth):
    if depth == 0:
        raise ValueError("bottom")
    return deep_raise(depth - 1)


def catch_deep():
    caught = 0
    for depth in range(5):
        try:
            deep_raise(depth)
        except ValueError:
            caught += 1
    return caught


def traced(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@traced
def decorated(x):
    return x + 1


def sort_key(value):
    return -value


def mixed_workload():
    fib(10)
    is_even(12)
    shapes = [Shape(size) for size in range(20)]
    total = sum(shape.area() for shape in shapes[:0]) + sum(map(Shape.area, shapes))
    doubles = [shape.double for shape in shapes]
    sorted(shapes)  # __lt__ called back from C
    sorted(range(50), key=sort_key)
    sorted(range(50), key=lambda value: value % 7)
    unique = {Shape(size % 5) for size in range(30)}  # __hash__ / __eq__ from C
    counter = make_counter()
    for step in range(10):
        counter(step)
    Shape.unit()
    Shape.describe(3)
    catch_deep()
    for value in range(5):
        decorated(value)
    return total, doubles, unique


def with_generators():
    def numbers(limit):
        for value in range(limit):
            yield value

    return sum(numbers(10)) + sum(x * 2 for x in range(10))


# --------------------------------------------------------------------------------------------------------- helpers


def _last_name(qualname):
    return qualname.rsplit(".", 1)[-1]


def cprofile_counts(workload):
    """{(filename, lineno, name): (calls, primitive calls)} of this file's functions, from cProfile."""
    profiler = cProfile.Profile()
    profiler.enable()
    workload()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    return {
        (filename, lineno, name): (nc, cc)
        for (filename, lineno, name), (cc, nc, _, _, _) in stats.items()
        if filename == HERE
    }


def bytescope_counts(workload, **options):
    profiler = Profiler(**options)
    with profiler:
        workload()
    return {
        (row.filename, row.lineno, _last_name(row.qualname)): (row.calls, row.primitive_calls)
        for row in profiler.functions()
        if row.filename == HERE
    }, profiler


def all_nodes(root):
    return list(root.walk())


# ----------------------------------------------------------------------------------------------------------- tests


class CallCountsMatchCProfile(unittest.TestCase):
    def assert_matches_cprofile(self, workload):
        expected = cprofile_counts(workload)
        actual, _ = bytescope_counts(workload)
        self.assertTrue(expected)
        self.assertEqual(expected, actual)

    def test_recursion(self):
        self.assert_matches_cprofile(lambda: fib(15))

    def test_mutual_recursion(self):
        self.assert_matches_cprofile(lambda: is_even(25))

    def test_methods_properties_classmethods_and_dunder_callbacks_from_c(self):
        def workload():
            shapes = [Shape(size) for size in range(10)]
            [shape.double for shape in shapes]
            sorted(shapes, reverse=True)
            {Shape(size % 3) for size in range(9)}
            Shape.unit().area()
            Shape.describe(1)

        self.assert_matches_cprofile(workload)

    def test_closures_and_decorators(self):
        def workload():
            counter = make_counter()
            for step in range(7):
                counter(step)
            for value in range(4):
                decorated(value)

        self.assert_matches_cprofile(workload)

    def test_exceptions_raised_through_several_frames(self):
        self.assert_matches_cprofile(catch_deep)

    def test_c_functions_calling_back_into_python(self):
        self.assert_matches_cprofile(lambda: (sorted(range(40), key=sort_key), list(map(sort_key, range(9)))))

    def test_mixed_workload_with_and_without_builtins(self):
        expected = cprofile_counts(mixed_workload)
        for builtins in (True, False):
            with self.subTest(builtins=builtins):
                actual, _ = bytescope_counts(mixed_workload, builtins=builtins)
                self.assertEqual(expected, actual)


class TreeAndTimes(unittest.TestCase):
    def test_own_times_add_up_to_the_root_total_and_none_is_negative(self):
        profiler = Profiler()
        with profiler:
            mixed_workload()
            with_generators()
        root = profiler.data.tree
        nodes = all_nodes(root)
        self.assertGreater(root.total_ns, 0)
        for node in nodes:
            self.assertGreaterEqual(node.own_ns, 0, node)
            self.assertGreaterEqual(node.total_ns, node.own_ns, node)
        own = sum(node.own_ns for node in nodes)
        self.assertLessEqual(abs(own - root.total_ns), root.total_ns * 0.01)
        rows = profiler.functions()
        # the root is the profiled block: its own time is the block's code outside any call
        self.assertLessEqual(abs(sum(row.own_ns for row in rows) + root.own_ns - root.total_ns), root.total_ns * 0.01)
        self.assertLess(root.own_ns, root.total_ns * 0.5)
        for row in rows:
            self.assertGreaterEqual(row.own_ns, 0)
            self.assertGreaterEqual(row.total_ns, row.own_ns)

    def test_one_node_per_call_path(self):
        def left():
            return sort_key(1)

        def right():
            return sort_key(2) + sort_key(3)

        profiler = Profiler(builtins=False)
        with profiler:
            left()
            right()
        root = profiler.data.tree
        by_name = {_last_name(node.function.qualname): node for node in root.children.values()}
        left_keys = [child for child in by_name["left"].children.values()]
        right_keys = [child for child in by_name["right"].children.values()]
        self.assertEqual([n.function.qualname for n in left_keys], ["sort_key"])
        self.assertEqual([(n.calls, n.function.qualname) for n in right_keys], [(2, "sort_key")])
        self.assertIsNot(left_keys[0], right_keys[0])
        row = next(r for r in profiler.functions() if r.qualname == "sort_key")
        self.assertEqual(row.calls, 3)

    def test_recursive_total_counts_each_outermost_call_once(self):
        profiler = Profiler()
        with profiler:
            fib(12)
            fib(8)
        root = profiler.data.tree
        top = [node for node in root.children.values() if node.function.qualname == "fib"]
        self.assertEqual(len(top), 1)
        row = next(r for r in profiler.functions() if r.qualname == "fib")
        self.assertEqual(row.total_ns, top[0].total_ns)
        self.assertEqual(row.primitive_calls, 2)
        self.assertEqual(row.calls, fib_calls(12) + fib_calls(8))
        # the tree is the call path: depth 12 for fib(12)
        depth, node = 0, top[0]
        while node.children:
            (node,) = node.children.values()
            depth += 1
        self.assertEqual(depth, 11)

    def test_function_rows_are_derived_from_the_tree(self):
        profiler = Profiler()
        with profiler:
            mixed_workload()
        self.assertEqual(sorted(function_rows(profiler.data.tree)), sorted(profiler.functions()))

    def test_c_functions_are_named_by_module_or_type_on_the_builtin_file(self):
        profiler = Profiler()
        with profiler:
            sorted([3, 1, 2], key=sort_key)
            values = []
            values.append(1)
            {}.get(1)
            bytearray(b"x").append(1)
            dict.fromkeys("ab")
            time.perf_counter()
            # Bound to nothing and sharing a name: two functions, not one.
            str.maketrans("a", "b")
            bytes.maketrans(b"a", b"b")
        names = {row.qualname: row for row in profiler.functions() if row.filename == "~"}
        for name in ("builtins.sorted", "list.append", "dict.get", "bytearray.append", "dict.fromkeys",
                     "time.perf_counter", "str.maketrans", "bytes.maketrans"):
            self.assertIn(name, names)
            self.assertEqual(names[name].lineno, 0)
            self.assertEqual(names[name].calls, 1)
        without = Profiler(builtins=False)
        with without:
            sorted([3, 1, 2], key=sort_key)
        self.assertEqual([row.qualname for row in without.functions()], ["sort_key"])

    def test_the_profiler_never_appears_in_its_own_profile(self):
        profiler = Profiler(memory=True, threads=True)
        with profiler:
            fib(5)
        profiler.start()
        fib(3)
        profiler.stop()
        for row in profiler.functions():
            self.assertNotIn("profiling", row.filename)
            self.assertNotIn("setprofile", row.qualname)
        self.assertEqual({row.qualname for row in profiler.functions()}, {"fib"})
        self.assertEqual(profiler.data.activations, 2)


def fib_calls(n):
    return 1 if n < 2 else 1 + fib_calls(n - 1) + fib_calls(n - 2)


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
        row = next(r for r in profiler.functions() if _last_name(r.qualname) == "produce")
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
        rows = {_last_name(r.qualname): r for r in profiler.functions()}
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
        row = next(r for r in profiler.functions() if _last_name(r.qualname) == "wait")
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
        rows = {_last_name(r.qualname): r for r in profiler.functions()}
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
        row = next(r for r in profiler.functions() if _last_name(r.qualname) == "produce")
        self.assertEqual((row.calls, row.resumes), (0, 1))


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
        self.assertEqual({_last_name(name) for name in names}, {"sort_key"})
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
        rows = {_last_name(r.qualname): r for r in profiler.functions()}
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

        rows = {_last_name(r.qualname): r for r in profiler.functions()}
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
        row = next(r for r in profiler.functions() if _last_name(r.qualname) == "down")
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
        self.assertEqual(top.traceback[0][0], HERE)
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


class Units(unittest.TestCase):
    def test_units_scale_and_round_at_the_boundaries(self):
        from bytescope.profiling import units

        cases = [
            (units.format_ns, 0, "0 ns"),
            (units.format_ns, 999, "999 ns"),
            (units.format_ns, 1_000, "1.00 µs"),
            (units.format_ns, 12_345, "12.3 µs"),
            (units.format_ns, 999_499, "999 µs"),
            (units.format_ns, 999_999, "1.00 ms"),
            (units.format_ns, 1_234_567_890, "1.23 s"),
            (units.format_bytes, 1023, "1023 B"),
            (units.format_bytes, 1536, "1.50 KiB"),
            (units.format_bytes, (1 << 20) - 1, "1.00 MiB"),
            (units.format_bytes, 3 << 30, "3.00 GiB"),
            (units.format_count, 1234567, "1,234,567"),
            (units.format_percent, 0.1234, "12.3%"),
            (units.format_delta_ns, -1500, "-1.50 µs"),
            (units.format_delta_bytes, 2048, "+2.00 KiB"),
            (units.format_delta_ns, 0, "±0 ns"),
        ]
        for formatter, value, expected in cases:
            with self.subTest(formatter=formatter.__name__, value=value):
                self.assertEqual(formatter(value), expected)
        self.assertEqual(units.format_change(10, 12.5), "+25.0%")
        self.assertEqual(units.format_change(0, 5), "new")
        self.assertEqual(units.format_change(0, 0), "±0.0%")
        self.assertEqual(units.format_change(8, 6), "-25.0%")


class Reports(unittest.TestCase):
    def test_report_table_tree_and_overhead(self):
        profiler = Profiler()
        with profiler:
            mixed_workload()
        text = profiler.report(limit=5, tree=True)
        lines = text.splitlines()
        self.assertRegex(lines[0], r"^bytescope profile: wall clock, [\d.]+ (ns|µs|ms|s) profiled in 1 activation")
        self.assertRegex(lines[1], r"^profiler overhead: ~[\d.]+ (ns|µs|ms|s) \([\d.]+% of the profiled time\)")
        header = lines[3]
        self.assertEqual(header.split(), ["calls", "own", "own%", "total", "total%", "function"])
        table = lines[5:10]
        self.assertEqual(len(table), 5)
        self.assertTrue(all(line.endswith(")") for line in table))
        self.assertIn("more functions (sorted by total)", lines[10])
        self.assertIn("call tree", text)
        self.assertIn("└─ ", text)
        self.assertEqual(str(profiler), profiler.report())
        by_calls = profiler.report(sort="calls", limit=3).splitlines()[5]
        self.assertIn("/", by_calls.split()[0])  # fib: total/primitive
        overhead = profiler.to_dict()["overhead"]
        self.assertEqual(overhead["events"], 2 * sum(n.calls + n.resumes for n in all_nodes(profiler.data.tree)[1:]))
        self.assertGreater(overhead["per_event_ns"], 0)

    def test_compare_shows_deltas_new_and_gone_functions_and_memory(self):
        before, after = Profiler(memory=True), Profiler(memory=True)
        with before:
            fib(10)
            is_even(4)
        with after:
            fib(14)
            sorted(range(10), key=sort_key)
        text = before.compare(after)
        self.assertIn("bytescope comparison", text)
        location = f"fib  ({HERE}:{fib.__code__.co_firstlineno})"
        fib_line = next(line for line in text.splitlines() if line.rstrip().endswith(location))
        self.assertIn(f"{fib_calls(10):,}", fib_line)
        self.assertIn(f"{fib_calls(14):,}", fib_line)
        self.assertIn("+", fib_line)
        appeared = text.split("appeared (only after):")[1].split("disappeared")[0]
        self.assertIn("sort_key", appeared)
        disappeared = text.split("disappeared (only before):")[1]
        self.assertIn("is_even", disappeared)
        self.assertIn("memory", text.split("disappeared")[1])


if __name__ == "__main__":
    unittest.main()
