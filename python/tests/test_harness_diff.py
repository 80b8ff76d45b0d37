"""``python -m bytescope diff BASE.json HEAD.json``: bytecode diffs of the functions whose hash changed, from two
real results files."""

import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr
from unittest import mock

from tests.test_harness_support import FIXTURES, bytescope, harness_run

from bytescope.harness import cli, diff, executed
from tests.capabilities import requires_processes

# What the head's `word.lower()` adds to the loop, by Python version.
_LOWER_CALL = {(3, 10): ["LOAD_METHOD", "CALL_METHOD"], (3, 11): ["LOAD_METHOD", "PRECALL", "CALL"]}.get(
    sys.version_info[:2], ["LOAD_ATTR", "CALL"]
)
DIFF_OPTIONS = ["--repeat", "1", "--warmup", "0", "--no-memory", "--instructions"]


def _run(side):
    done, results = harness_run(f"diff-{side}", ["shapes=shapes:main"], DIFF_OPTIONS,
                                project=os.path.join(FIXTURES, "diff", side))
    if results is None or done.returncode != 0:
        raise AssertionError(done.stderr)
    return results


def _captured(results, qualname):
    return next(f for f in results["entries"][0]["functions"] if f["qualname"] == qualname)


@requires_processes
class ResultsDiffTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="bytescope-test-")
        cls.base, cls.head = _run("base"), _run("head")
        cls.base_path = cls.save("base.json", cls.base)
        cls.head_path = cls.save("head.json", cls.head)

    @classmethod
    def save(cls, name, data):
        path = os.path.join(cls.directory, name)
        with open(path, "w") as handle:
            json.dump(data, handle)
        return path

    def diff(self, *args):
        done = bytescope(["diff", *args])
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    def test_hashes_ignore_line_moves(self):
        base = {f["qualname"]: f for f in self.base["entries"][0]["functions"]}
        head = {f["qualname"]: f for f in self.head["entries"][0]["functions"]}
        self.assertNotEqual(base["moved"]["firstlineno"], head["moved"]["firstlineno"])
        self.assertEqual(base["moved"]["hash"], head["moved"]["hash"])
        self.assertEqual(base["same"]["hash"], head["same"]["hash"])
        self.assertNotEqual(base["rewritten"]["hash"], head["rewritten"]["hash"])

    def test_json_lists_exactly_the_changed_functions(self):
        comparison = json.loads(self.diff(self.base_path, self.head_path, "--json"))
        self.assertTrue(comparison["same_python"])
        self.assertIsNone(comparison["notice"])
        (entry,) = comparison["entries"]
        statuses = {f["qualname"]: f["status"] for f in entry["functions"]}
        self.assertEqual(statuses["rewritten"], "changed")
        self.assertEqual(statuses["main"], "changed")
        self.assertEqual(statuses["added"], "added")
        self.assertNotIn("same", statuses)
        self.assertNotIn("moved", statuses)
        rewritten = next(f for f in entry["functions"] if f["qualname"] == "rewritten")
        tags = {op["tag"] for op in rewritten["diff"]["ops"]}
        self.assertTrue(tags - {"equal"}, rewritten["diff"])
        self.assertEqual(rewritten["filename"], "shapes.py")
        instructions = entry["instructions"]
        self.assertEqual(instructions["base_total"], self.base["entries"][0]["instructions"]["total"])
        self.assertEqual(instructions["head_total"], self.head["entries"][0]["instructions"]["total"])
        self.assertIn("rewritten", [row["qualname"] for row in entry["profile"]])
        base_median = self.base["entries"][0]["time"]["median_ns"]
        self.assertEqual(entry["median_ns"]["base"], base_median)
        self.assertIsNone(entry["peak_bytes"], "memory was not measured")

    def test_text_shows_the_aligned_diff(self):
        text = self.diff(self.base_path, self.head_path)
        self.assertTrue(text.startswith("bytescope diff: "), text[:200])
        self.assertIn("== shapes ==", text)
        self.assertIn("instructions executed: ", text)
        self.assertIn("median time: ", text)
        self.assertIn("rewritten: changed", text)
        self.assertIn("added: added", text)
        self.assertIn("category deltas:", text)
        self.assertNotIn("moved: ", text)
        self.assertNotIn("same: ", text)

    def test_each_instruction_says_how_often_it_ran_and_the_function_where_its_delta_comes_from(self):
        comparison = json.loads(self.diff(self.base_path, self.head_path, "--json"))
        keys = next(f for f in comparison["entries"][0]["functions"] if f["qualname"] == "keys")
        inserted = [i for op in keys["diff"]["ops"] if op["tag"] == "insert" for i in op["head"]]
        self.assertEqual([(i["opname"], i["executed"]) for i in inserted], [(name, 2420) for name in _LOWER_CALL])
        self.assertIn("lower", inserted[0]["argrepr"])
        delta = comparison["entries"][0]["instructions"]
        entry_delta = delta["head_total"] - delta["base_total"]
        changes = ", ".join(f"+1 `{(i['opname'] + ' ' + i['argrepr']).rstrip()}`" for i in inserted)
        self.assertEqual(
            keys["executed"],
            {
                "changes": [
                    {"count": 1, "opname": i["opname"], "argrepr": i["argrepr"], "executed": 2420} for i in inserted
                ],
                "omitted": 0,
                "delta": 2420 * len(inserted),
                "entry_delta": entry_delta,
            },
        )
        self.assertEqual(
            executed.describe(keys["executed"]),
            f"{changes} \u2014 each ran 2,420x per call: {2420 * len(inserted):+,} of this entry's {entry_delta:+,} "
            "executed instructions",
        )
        added = next(f for f in comparison["entries"][0]["functions"] if f["qualname"] == "added")
        self.assertEqual(added["executed"]["delta"], sum(n or 0 for n in _captured(self.head, "added")["executed"]))
        text = self.diff(self.base_path, self.head_path)
        self.assertIn(f"  executed: +1 `{_LOWER_CALL[0]} ", text)
        self.assertRegex(text, r"\+ +\| +LOAD_(ATTR|METHOD) .*lower.* 2,420x")
        wide = self.diff(self.base_path, self.head_path, "--context", "8")
        self.assertRegex(wide, r"\+ +\| +LOAD_(ATTR|METHOD) .*lower.* 2,420x(.|\n)*  cold +\|.*  cold\n")
        self.assertNotRegex(text, r"RESUME  (cold|\d)", "RESUME runs but no collector sees it: no count")

    def test_different_python_minor_is_said_first(self):
        other = json.loads(json.dumps(self.head))
        other["environment"]["python_version"] = "3.99.0"
        text = self.diff(self.base_path, self.save("other.json", other))
        self.assertTrue(text.startswith("note: base ran on Python"), text[:200])
        self.assertIn("head on Python 3.99", text.splitlines()[0])

    def test_a_bug_is_a_harness_failure_not_a_failed_entry(self):
        stderr = io.StringIO()
        with mock.patch.object(diff, "compare", side_effect=RuntimeError("boom")), redirect_stderr(stderr):
            status = cli.main("diff", [self.base_path, self.head_path])
        self.assertEqual(status, 3)
        self.assertIn("RuntimeError: boom", stderr.getvalue())
        self.assertIn("harness failure", stderr.getvalue())

    def test_bad_files_are_usage_errors(self):
        newer = dict(self.head, schema_version=2)
        cases = [
            (self.save("newer.json", newer), "has results schema_version 2"),
            (self.save("list.json", []), "is not a bytescope results file"),
            (self.save("entry.json", dict(self.head, entries=[{"name": 1}])), "entries[0] is not a results entry"),
            (os.path.join(self.directory, "missing.json"), "cannot read"),
        ]
        for path, message in cases:
            with self.subTest(message):
                done = bytescope(["diff", self.base_path, path])
                self.assertEqual(done.returncode, 2)
                self.assertIn(message, done.stderr)
                self.assertNotIn("Traceback", done.stderr)


@requires_processes
class TwinsDiffTest(unittest.TestCase):
    """Same-named functions (two lambdas, two comprehensions of one kind) pair by their place in the code: only the
    second of each pair changed, and the class above them moved down a line (3.13 stores that line)."""

    @classmethod
    def setUpClass(cls):
        runs = {}
        for side in ("base", "head"):
            done, results = harness_run(f"twins-{side}", ["twins=twins.py"], DIFF_OPTIONS,
                                        project=os.path.join(FIXTURES, "twins", side))
            if results is None or done.returncode != 0:
                raise AssertionError(done.stderr)
            runs[side] = results
        cls.base, cls.head = runs["base"], runs["head"]
        (cls.entry,) = diff.compare("base.json", cls.base, "head.json", cls.head)["entries"]

    def test_only_the_second_twins_changed(self):
        statuses = {f["qualname"]: f["status"] for f in self.entry["functions"]}
        changed = {f["qualname"]: f for f in self.entry["functions"] if f["status"] == "changed"}
        expected = {"pick.<locals>.<lambda>#2", "SearchIndex.search.<locals>.<genexpr>#2", "rank"}
        # 3.12+ inline list comprehensions into their function (PEP 709).
        expected.add("SearchIndex.search" if sys.version_info >= (3, 12) else "SearchIndex.search.<locals>.<listcomp>#2")
        self.assertEqual(set(changed), expected)
        # rank's new generator expression comes first: it is the added one, and the old one keeps its partner.
        self.assertEqual(set(statuses) - expected, {"rank.<locals>.<genexpr>"})
        self.assertEqual(statuses["rank.<locals>.<genexpr>"], "added")
        self.assertEqual(self.entry["pairs"], [
            {"filename": "twins.py", "base": "rank.<locals>.<genexpr>", "head": "rank.<locals>.<genexpr>#2"}
        ])
        for change in changed.values():
            self.assertTrue({op["tag"] for op in change["diff"].to_dict()["ops"]} - {"equal"}, change["qualname"])
        lambda_ops = changed["pick.<locals>.<lambda>#2"]["diff"].to_dict()["ops"]
        inserted = [i["argrepr"] for op in lambda_ops if op["tag"] != "equal" for i in op["head"]]
        self.assertIn("lower", " ".join(inserted))

    def test_profile_and_instruction_rows_name_each_twin(self):
        for side in (self.base, self.head):
            (entry,) = side["entries"]
            names = [(f["qualname"], f["filename"]) for f in entry["functions"]]
            self.assertIn(("SearchIndex", "twins.py"), names, "the class body ran and was captured")
            for rows in (entry["profile"]["functions"], entry["instructions"]["functions"]):
                project = [(r["qualname"], r["filename"]) for r in rows if r["filename"] == "twins.py"]
                self.assertEqual(len(project), len(set(project)), project)
                self.assertLessEqual({("pick.<locals>.<lambda>", "twins.py"), ("pick.<locals>.<lambda>#2", "twins.py")},
                                     set(project))
        executed = {f["qualname"]: f for f in self.entry["instructions"]["functions"]}
        self.assertNotIn("pick.<locals>.<lambda>", executed, "the first lambda runs the same instructions")
        self.assertNotIn("rank.<locals>.<genexpr>#2", executed, "the old generator expression, paired, is the same")
        self.assertIsNone(executed["rank.<locals>.<genexpr>"]["base"])
        second = executed["pick.<locals>.<lambda>#2"]
        self.assertGreater(second["head"], second["base"])
        lines = {f["qualname"]: f["lineno"] for f in self.head["entries"][0]["instructions"]["functions"]}
        self.assertEqual(lines["pick.<locals>.<lambda>#2"], 7)


if __name__ == "__main__":
    unittest.main()
