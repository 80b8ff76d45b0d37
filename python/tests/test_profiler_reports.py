"""The profiler's units and its text reports (table, tree, overhead, comparison)."""

import unittest

from bytescope.profiling import Profiler
from tests.profiler_workloads import HERE, all_nodes, fib, fib_calls, is_even, mixed_workload, sort_key


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
