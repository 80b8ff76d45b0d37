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


if __name__ == "__main__":
    unittest.main()
