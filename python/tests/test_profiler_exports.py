"""What the profiler writes for other tools: results-schema JSON, pstats files, speedscope files, collapsed stacks."""

import json
import marshal
import os
import pstats
import re
import sys
import tempfile
import unittest

from bytescope.profiling import ProfileData, ProfileError, Profiler
from tests.schema_check import Validator
from tests.profiler_workloads import Shape, fib, fib_calls, is_even, mixed_workload, sort_key, with_generators

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "schema", "results.schema.json")

# speedscope's published file format (https://www.speedscope.app/file-format-schema.json), restated: the structure
# a file must have for speedscope to import it, for the evented profiles bytescope writes.
SPEEDSCOPE_UNITS = ["bytes", "microseconds", "milliseconds", "nanoseconds", "none", "seconds"]
SPEEDSCOPE_FILE = {
    "type": "object",
    "required": ["$schema", "profiles", "shared"],
    "properties": {
        "$schema": {"type": "string", "enum": ["https://www.speedscope.app/file-format-schema.json"]},
        "shared": {
            "type": "object",
            "required": ["frames"],
            "properties": {
                "frames": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "file": {"type": "string"},
                            "line": {"type": "number"},
                            "col": {"type": "number"},
                        },
                    },
                }
            },
        },
        "profiles": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["endValue", "events", "name", "startValue", "type", "unit"],
                "properties": {
                    "type": {"type": "string", "enum": ["evented"]},
                    "name": {"type": "string"},
                    "unit": {"type": "string", "enum": SPEEDSCOPE_UNITS},
                    "startValue": {"type": "number"},
                    "endValue": {"type": "number"},
                    "events": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["at", "frame", "type"],
                            "properties": {
                                "type": {"type": "string", "enum": ["O", "C"]},
                                "frame": {"type": "number"},
                                "at": {"type": "number"},
                            },
                        },
                    },
                },
            },
        },
        "name": {"type": "string"},
        "activeProfileIndex": {"type": "number"},
        "exporter": {"type": "string"},
    },
}

def schema_errors(value, schema, root=None):
    """Violations of ``schema`` (resolving ``$ref`` against ``root``, default the schema itself)."""
    return Validator(root if root is not None else schema).errors_at(schema, value, "")


def results_schema():
    with open(SCHEMA, encoding="utf-8") as file:
        return json.load(file)


def profiled(**options):
    profiler = Profiler(**options)
    kept = []
    with profiler:
        kept.append(mixed_workload())  # alive at stop: memory sites to report
        with_generators()
    return profiler


class ResultsSchema(unittest.TestCase):
    def assert_valid(self, value, definition):
        schema = results_schema()
        errors = schema_errors(value, {"$ref": f"#/definitions/{definition}"}, schema)
        self.assertEqual(errors, [])

    def test_to_dict_validates_against_the_results_schema(self):
        for options in ({}, {"memory": True}, {"threads": True, "clock": "cpu"}, {"builtins": False}):
            with self.subTest(options=options):
                data = json.loads(profiled(**options).to_json())
                self.assert_valid(data, "profile")
                self.assertEqual(data["schema_version"], 1)
                for row in data["functions"]:
                    self.assert_valid(row, "functionRow")
                if options.get("memory"):
                    self.assert_valid(data["memory"], "memory")
                    self.assertTrue(data["memory"]["top_sites"])
                else:
                    self.assertIsNone(data["memory"])
                if options.get("threads"):
                    self.assertTrue(data["threads"])
                    for thread in data["threads"]:
                        self.assert_valid(thread["tree"], "treeNode")
                        self.assertIsInstance(thread["thread_id"], int)

    def test_the_validator_rejects_what_the_schema_forbids(self):
        data = profiled().to_dict()
        data["functions"][0]["calls"] = -1
        del data["tree"]["children"][0]["own_ns"]
        data["clock"] = "sundial"
        schema = results_schema()
        errors = schema_errors(data, {"$ref": "#/definitions/profile"}, schema)
        self.assertEqual(len(errors), 3, errors)

    def test_json_round_trip_keeps_everything_reports_read(self):
        profiler = profiled(memory=True)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "profile.json")
            profiler.save(path)
            loaded = ProfileData.load(path)
        self.assertEqual(loaded.to_dict(), json.loads(profiler.to_json()))
        self.assertEqual(loaded.functions(), profiler.functions())
        self.assertIn("±0.0%", profiler.compare(loaded))

    def test_loading_bad_files_is_one_clear_error(self):
        with tempfile.TemporaryDirectory() as directory:
            cases = {
                "missing.json": None,
                "broken.json": "{not json",
                "other.json": json.dumps({"entries": []}),
                "future.json": json.dumps({"schema_version": 99, "tree": {}}),
                "malformed.json": json.dumps({"schema_version": 1, "clock": "wall", "tree": {"name": "x"}}),
            }
            for name, content in cases.items():
                path = os.path.join(directory, name)
                if content is not None:
                    with open(path, "w", encoding="utf-8") as file:
                        file.write(content)
                with self.subTest(name=name), self.assertRaises(ProfileError) as caught:
                    ProfileData.load(path)
                self.assertIn(name, str(caught.exception))
                self.assertNotIn("\n", str(caught.exception))


class DeepRecursion(unittest.TestCase):
    def test_exports_of_a_deep_call_tree(self):
        def down(n):
            return 0 if n == 0 else down(n - 1)

        profiler = Profiler()
        with profiler:
            down(800)
        # json.dumps would hit the recursion limit here
        self.assertEqual(len(re.findall(r'"name": "[^"]*down"', profiler.to_json())), 801)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "deep.json")
            profiler.save(path)
            if sys.version_info[:2] == (3, 12):  # its JSON parser has a fixed nesting limit
                with self.assertRaisesRegex(ProfileError, "nests deeper"):
                    ProfileData.load(path)
            else:
                self.assertEqual(ProfileData.load(path).functions(), profiler.functions())
            profiler.dump_stats(os.path.join(directory, "deep.pstats"))
            self.assertEqual(pstats.Stats(os.path.join(directory, "deep.pstats")).total_calls, 801)
        self.assertEqual(len(profiler.to_collapsed().splitlines()), 801)
        SpeedscopeExport.check(self, profiler.to_speedscope())
        self.assertIn("down", profiler.report(tree=True))


class PstatsExport(unittest.TestCase):
    def test_pstats_loads_the_file_with_our_counts_and_times(self):
        profiler = profiled()
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "out.pstats")
            profiler.dump_stats(path)
            stats = pstats.Stats(path)
            with open(os.devnull, "w") as sink:
                stats.stream = sink
                stats.sort_stats("cumulative").print_stats(5)
                stats.print_callers(5)
        rows = {(row.filename, row.lineno, row.qualname): row for row in profiler.functions()}
        fib_key = (fib.__code__.co_filename, fib.__code__.co_firstlineno, "fib")
        cc, nc, tt, ct, callers = stats.stats[fib_key]
        self.assertEqual((nc, cc), (fib_calls(10), 1))
        self.assertAlmostEqual(tt, rows[fib_key].own_ns / 1e9, places=9)
        self.assertAlmostEqual(ct, rows[fib_key].total_ns / 1e9, places=9)
        caller_names = {label[2] for label in callers}
        self.assertEqual(caller_names, {"mixed_workload", "fib"})
        self.assertEqual(callers[next(k for k in callers if k[2] == "fib")][1], fib_calls(10) - 1)
        self.assertIn(("~", 0, "<built-in method builtins.sorted>"), stats.stats)
        self.assertEqual(stats.total_calls, sum(row.calls for row in profiler.functions()))
        self.assertAlmostEqual(stats.total_tt, sum(row.own_ns for row in profiler.functions()) / 1e9, places=6)

    def test_raw_file_is_marshalled_pstats_table(self):
        profiler = Profiler()
        with profiler:
            is_even(6)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "out.prof")
            profiler.dump_stats(path)
            with open(path, "rb") as file:
                table = marshal.load(file)
        for label, (cc, nc, tt, ct, callers) in table.items():
            self.assertEqual(len(label), 3)
            self.assertLessEqual(cc, nc)
            self.assertLessEqual(tt, ct + 1e-9)
            self.assertIsInstance(callers, dict)


class SpeedscopeExport(unittest.TestCase):
    def check(self, document):
        self.assertEqual(schema_errors(document, SPEEDSCOPE_FILE), [])
        frames = document["shared"]["frames"]
        for profile in document["profiles"]:
            stack, last = [], profile["startValue"]
            for event in profile["events"]:
                self.assertLess(event["frame"], len(frames))
                self.assertGreaterEqual(event["at"], last)  # events are ordered
                last = event["at"]
                if event["type"] == "O":
                    stack.append(event["frame"])
                else:
                    self.assertEqual(stack.pop(), event["frame"])  # balanced, properly nested
            self.assertEqual(stack, [])
            self.assertEqual(profile["endValue"], last)

    def test_speedscope_file_is_valid_and_lays_out_the_tree(self):
        profiler = profiled()
        document = profiler.to_speedscope("workload")
        self.check(document)
        self.assertEqual(len(document["profiles"]), 1)
        profile = document["profiles"][0]
        self.assertEqual(profile["unit"], "nanoseconds")
        children_total = sum(node.total_ns for node in profiler.data.tree.children.values())
        self.assertEqual(profile["endValue"], children_total)
        opened = [event for event in profile["events"] if event["type"] == "O"]
        self.assertEqual(len(opened), sum(1 for _ in profiler.data.tree.walk()) - 1)
        names = {frame["name"] for frame in document["shared"]["frames"]}
        self.assertIn("fib", names)
        self.assertIn("builtins.sorted", names)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "out.speedscope.json")
            profiler.save_speedscope(path)
            with open(path, encoding="utf-8") as file:
                self.check(json.load(file))

    def test_one_profile_per_thread(self):
        document = profiled(threads=True).to_speedscope()
        self.check(document)
        self.assertGreaterEqual(len(document["profiles"]), 1)

    def test_the_check_catches_unbalanced_events(self):
        document = profiled().to_speedscope()
        document["profiles"][0]["events"].pop()
        with self.assertRaises(AssertionError):
            self.check(document)


class CollapsedExport(unittest.TestCase):
    def test_collapsed_stacks_sum_to_own_times(self):
        profiler = Profiler()
        with profiler:
            fib(6)
            sorted([Shape(2), Shape(1)])
            sort_key(1)
        text = profiler.to_collapsed()
        lines = text.splitlines()
        self.assertTrue(text.endswith("\n"))
        total = 0
        for line in lines:
            stack, _, value = line.rpartition(" ")
            self.assertRegex(value, r"^\d+$")
            self.assertTrue(stack)
            total += int(value)
        nodes = list(profiler.data.tree.walk())[1:]
        self.assertEqual(total, sum(node.own_ns for node in nodes))
        fib_line = f"fib ({fib.__code__.co_filename}:{fib.__code__.co_firstlineno})"
        self.assertTrue(any(line.startswith(f"{fib_line};{fib_line} ") for line in lines))
        self.assertTrue(any(";Shape.__lt__ (" in line or ";__lt__ (" in line for line in lines))
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "out.collapsed")
            profiler.save_collapsed(path)
            with open(path, encoding="utf-8") as file:
                self.assertEqual(file.read(), text)


if __name__ == "__main__":
    unittest.main()
