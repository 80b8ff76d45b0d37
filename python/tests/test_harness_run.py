"""``python -m bytescope run`` on well-behaved entries: what each section of the results holds, checked against the
code it measured."""

import dis
import importlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from tests.test_harness_support import BASIC_ENTRIES, PROJECT, RUN_OPTIONS, basic_run, harness_run, results_validator

from bytescope.bytecode.normalize import code_hash, normalize_code
from bytescope.bytecode.registry import CATEGORIES
from bytescope.harness import instructions as instruction_methods
from bytescope.harness import results as results_module
from tests.capabilities import requires_processes

LOOP_ENTRIES = ["loop10=app.work:loop_10", "loop20=app.work:loop_20"]


def _project_module(name):
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    return importlib.import_module(name)


def _instructions_of(entry, qualname):
    return {f["qualname"]: f["count"] for f in entry["instructions"]["functions"]}[qualname]


@requires_processes
class BasicRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.done, cls.results = basic_run()
        if cls.results is None:
            raise AssertionError(f"no results written:\n{cls.done.stderr}")
        cls.entries = {entry["name"]: entry for entry in cls.results["entries"]}

    def test_exit_status_progress_and_schema(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertEqual(results_validator().errors(self.results), [])
        self.assertEqual(self.done.stdout, "", "the harness writes nothing to stdout; progress goes to stderr")
        self.assertIn("[1/3] work: timing 3 calls\u2026", self.done.stderr)
        self.assertIn("[3/3] tools: ok, median", self.done.stderr)

    def test_header_environment_and_settings(self):
        env = self.results["environment"]
        self.assertEqual(env["python_version"], platform.python_version())
        self.assertEqual(env["implementation"], platform.python_implementation())
        self.assertEqual(env["executable"], sys.executable)
        self.assertEqual(env["cpu_count"], os.cpu_count())
        self.assertEqual(self.results["schema_version"], 1)
        settings = self.results["settings"]
        self.assertEqual((settings["repeat"], settings["warmup"]), (3, 1))
        # The registry's words travel with the results, for reports written in another language.
        self.assertEqual(set(self.results["categories"]), set(CATEGORIES))
        self.assertEqual(self.results["categories"]["attribute"],
                         {"title": "attribute access", "singular": "attribute access", "plural": "attribute accesses"})
        self.assertEqual((settings["memory"], settings["instructions"]), (True, True))
        self.assertEqual(settings["cwd"], PROJECT)

    def test_timing(self):
        for entry in self.results["entries"]:
            time = entry["time"]
            self.assertEqual(len(time["samples_ns"]), 3)
            self.assertEqual(len(time["cpu_samples_ns"]), 3)
            self.assertEqual(time["median_ns"], sorted(time["samples_ns"])[1])
            self.assertEqual(time["min_ns"], min(time["samples_ns"]))
            self.assertGreater(entry["import_ns"], 0)

    def test_profile_rows_and_tree_are_the_users_code(self):
        profile = self.entries["work"]["profile"]
        rows = {(r["filename"], r["qualname"]): r for r in profile["functions"]}
        self.assertIn(("app/work.py", "main"), rows)
        self.assertIn(("app/work.py", "Report.render"), rows)
        self.assertEqual(rows[("app/work.py", "squares")]["calls"], 1)
        self.assertTrue(any(f.startswith("<stdlib>/json/") for f, _ in rows), rows.keys())
        self.assertFalse([f for f, _ in rows if "bytescope" in f or "harness" in f])
        tree = profile["tree"]
        self.assertEqual([(c["name"], c["filename"]) for c in tree["children"]], [("main", "app/work.py")])

    def test_script_runs_as_main_each_call(self):
        entry = self.entries["report"]
        # warmup, timing, profile, instructions; the memory processes' output is not kept
        self.assertEqual(entry["output"]["stdout"].count("fib 610\n"), 1 + 3 + 1 + 1)
        names = {(f["filename"], f["qualname"]) for f in entry["functions"]}
        self.assertEqual(names, {("scripts/report.py", "<module>"), ("scripts/report.py", "fib")})
        self.assertEqual([c["name"] for c in entry["profile"]["tree"]["children"]], ["<module>"])

    def test_script_callable_is_loaded_as_a_module(self):
        entry = self.entries["tools"]
        self.assertEqual(entry["status"], "ok", entry["error"])
        names = {f["qualname"] for f in entry["functions"]}
        self.assertEqual(names, {"measure", "measure.<locals>.<lambda>"})

    def test_bytecode_capture_matches_the_code_that_ran(self):
        work = _project_module("app.work")
        captured = {f["qualname"]: f for f in self.entries["work"]["functions"]}
        expected = {"main", "squares", "Report.__init__", "Report.render"}
        self.assertTrue(expected <= set(captured), captured.keys())
        self.assertEqual({f["filename"] for f in captured.values()}, {"app/work.py"})
        for qualname, function in (("squares", work.squares), ("Report.render", work.Report.render)):
            record = captured[qualname]
            self.assertEqual(record["hash"], code_hash(function.__code__))
            self.assertEqual(record["firstlineno"], function.__code__.co_firstlineno)
            self.assertEqual(record["instructions"], normalize_code(function.__code__))
            self.assertEqual(sum(record["category_counts"].values()), len(record["instructions"]))
        self.assertEqual(captured["main"]["lastlineno"], captured["main"]["firstlineno"] + 2)

    def test_memory(self):
        memory = self.entries["work"]["memory"]
        # 3000 ints and the list holding them, at the least, were alive at once
        self.assertGreater(memory["peak_bytes"], 3000 * 8)
        # one peak per fresh process (3 by default), each after the warm-up calls
        self.assertEqual(len(memory["peaks_bytes"]), 3)
        self.assertEqual(memory["peak_bytes"], max(memory["peaks_bytes"]))
        self.assertGreater(memory["allocations"], 0)
        frames = [f["filename"] for site in memory["top_sites"] for f in site["traceback"]]
        self.assertIn("app/work.py", frames)
        self.assertFalse([f for f in frames if "bytescope" in f or f == "<string>"], frames)

    def test_instruction_counts(self):
        for entry in self.results["entries"]:
            counts = entry["instructions"]
            self.assertEqual(counts["method"], instruction_methods.available_methods()[0])
            listed = sum(f["count"] for f in counts["functions"])
            self.assertEqual(counts["total"], listed + counts["omitted_count"])
            self.assertGreater(counts["total"], 0)
        work = {f["qualname"] for f in self.entries["work"]["instructions"]["functions"] if f["filename"] == "app/work.py"}
        # the same qualified names as the profile and the capture, 3.10 (no co_qualname) included
        self.assertTrue({"main", "squares", "Report.__init__", "Report.render"} <= work, work)
        self.assertTrue({f["qualname"] for f in self.entries["work"]["functions"]} <= work)

    def test_output_is_kept_apart_from_the_results(self):
        output = self.entries["work"]["output"]
        self.assertEqual(output["stdout"].count("app.work.main ran\n"), 1 + 3 + 1 + 1)
        self.assertEqual(output["stdout_bytes"], len(output["stdout"].encode()))
        self.assertFalse(output["truncated"])


@requires_processes
class InstructionExactnessTest(unittest.TestCase):
    """Ten more loop iterations execute exactly ten more copies of the loop body that ``dis`` shows."""

    def test_count_grows_by_the_loop_body(self):
        done, results = harness_run("loops", LOOP_ENTRIES, ["--repeat", "1", "--warmup", "0", "--instructions"])
        self.assertEqual(done.returncode, 0, done.stderr)
        loop10, loop20 = results["entries"]
        body = _loop_body_length(_project_module("app.work").loop.__code__)
        self.assertEqual(_instructions_of(loop20, "loop") - _instructions_of(loop10, "loop"), 10 * body)
        self.assertEqual(loop20["instructions"]["total"] - loop10["instructions"]["total"], 10 * body)

    def test_every_captured_instruction_says_how_often_it_ran(self):
        _, results = harness_run("loops", LOOP_ENTRIES, ["--repeat", "1", "--warmup", "0", "--instructions"])
        for entry, n in zip(results["entries"], (10, 20)):
            loop = next(f for f in entry["functions"] if f["qualname"] == "loop")
            self.assertEqual(len(loop["executed"]), len(loop["instructions"]))
            self.assertEqual(sum(n for n in loop["executed"] if n), _instructions_of(entry, "loop"))
            ran = dict(zip((i["opname"] for i in loop["instructions"]), loop["executed"]))
            self.assertEqual((ran["FOR_ITER"], ran["JUMP_BACKWARD" if "JUMP_BACKWARD" in ran else "JUMP_ABSOLUTE"]),
                             (n + 1, n))
            self.assertEqual(ran["RETURN_VALUE"], 1)
            resume = [c for i, c in zip(loop["instructions"], loop["executed"]) if i["opname"] == "RESUME"]
            self.assertEqual(resume, [None] * len(resume), "RESUME runs uncounted: no count, not cold")

    def test_without_the_instruction_pass_nothing_claims_executions(self):
        done, results = harness_run("loops-uncounted", LOOP_ENTRIES[:1], ["--repeat", "1", "--warmup", "0", "--no-instructions"])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(results["entries"][0]["functions"])
        self.assertFalse([f for f in results["entries"][0]["functions"] if "executed" in f])


def _loop_body_length(code):
    """Instructions from the loop's FOR_ITER to the jump back to it, both included."""
    instructions = [i for i in dis.get_instructions(code) if i.opname != "EXTENDED_ARG"]
    start = next(n for n, i in enumerate(instructions) if i.opname == "FOR_ITER")
    back = next(
        n
        for n, i in enumerate(instructions)
        if n > start and "JUMP" in i.opname and i.argval == instructions[start].offset
    )
    return back - start + 1


@requires_processes
class DeterminismTest(unittest.TestCase):
    """A second run of the same entries: identical instruction counts and hashes, memory peaks within 1%."""

    def test_two_runs_agree(self):
        _, first = basic_run()
        done, second = harness_run("basic-again", BASIC_ENTRIES, RUN_OPTIONS)
        self.assertEqual(done.returncode, 0, done.stderr)
        for a, b in zip(first["entries"], second["entries"]):
            with self.subTest(a["name"]):
                self.assertEqual(a["instructions"], b["instructions"])
                self.assertEqual([(f["qualname"], f["hash"]) for f in a["functions"]],
                                 [(f["qualname"], f["hash"]) for f in b["functions"]])
                peak_a, peak_b = a["memory"]["peak_bytes"], b["memory"]["peak_bytes"]
                self.assertLessEqual(abs(peak_a - peak_b), 0.01 * max(peak_a, peak_b))


@requires_processes
@unittest.skipUnless(len(instruction_methods.available_methods()) > 1, "sys.monitoring needs Python 3.12+")
class InstructionMethodsAgreeTest(unittest.TestCase):
    """Every collector counts the same thing: the whole harness, once with each."""

    def test_same_counts_with_every_method(self):
        default, *others = instruction_methods.available_methods()
        _, reference = basic_run()
        for method in others:
            done, counted = harness_run(f"basic-{method}", BASIC_ENTRIES, RUN_OPTIONS + ["--instructions-method", method])
            self.assertEqual(done.returncode, 0, done.stderr)
            for a, b in zip(reference["entries"], counted["entries"]):
                with self.subTest(method=method, entry=a["name"]):
                    self.assertEqual((a["instructions"]["method"], b["instructions"]["method"]), (default, method))
                    self.assertEqual(a["instructions"]["total"], b["instructions"]["total"])
                    self.assertEqual(a["instructions"]["functions"], b["instructions"]["functions"])
                    self.assertEqual([f.get("executed") for f in a["functions"]],
                                     [f.get("executed") for f in b["functions"]])


class InProcessTest(unittest.TestCase):
    def test_counter_restores_tracing_state(self):
        def work():
            return sum(range(10))

        for method in instruction_methods.available_methods():
            with self.subTest(method):
                counter = instruction_methods.InstructionCounter(method)
                counter.run(work)
                self.assertEqual(counter.total, counter.counts[work.__code__])
                self.assertIsNone(sys.gettrace())
                if hasattr(sys, "monitoring"):
                    self.assertNotIn("bytescope instructions", [sys.monitoring.get_tool(t) for t in range(6)])

    def test_counter_keeps_counts_when_the_call_raises(self):
        def fails():
            x = 1
            raise KeyError(x)

        counter = instruction_methods.InstructionCounter()
        with self.assertRaises(KeyError):
            counter.run(fails)
        self.assertGreater(counter.counts[fails.__code__], 2)
        self.assertIsNone(sys.gettrace())

    def test_commit_from_github_sha_or_none(self):
        with mock.patch.dict(os.environ, {"GITHUB_SHA": "0123abc"}):
            self.assertEqual(results_module.environment(PROJECT)["commit"], "0123abc")
        with mock.patch.dict(os.environ, {"GITHUB_SHA": ""}):
            self.assertIsNone(results_module.environment(tempfile.gettempdir())["commit"])

    @unittest.skipUnless(shutil.which("git"), "git is not installed")
    def test_commit_from_git_when_there_is_no_github_sha(self):
        repo = tempfile.mkdtemp(prefix="bytescope-test-")
        git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(git + ["init", "-q"], check=True)
        subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "x"], check=True)
        head = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
        with mock.patch.dict(os.environ, {"GITHUB_SHA": ""}):
            self.assertEqual(results_module.environment(repo)["commit"], head)


if __name__ == "__main__":
    unittest.main()
