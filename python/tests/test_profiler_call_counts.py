"""Call counts against cProfile as the oracle, and the call tree's invariants cProfile does not keep."""

import time
import unittest

from bytescope.profiling import Profiler
from bytescope.profiling.tree import function_rows
from tests.profiler_workloads import (
    Shape,
    all_nodes,
    bytescope_counts,
    catch_deep,
    cprofile_counts,
    decorated,
    fib,
    fib_calls,
    is_even,
    last_name,
    make_counter,
    mixed_workload,
    sort_key,
    with_generators,
)


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
        by_name = {last_name(node.function.qualname): node for node in root.children.values()}
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


if __name__ == "__main__":
    unittest.main()
