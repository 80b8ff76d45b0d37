"""``python -m bytescope profile`` and ``compare``, run as a user runs them: in a subprocess."""

import json
import os
import pstats
import subprocess
import sys
import tempfile
import textwrap
import unittest
from tests.capabilities import requires_processes

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent(
    """\
    import sys

    def square(value):
        return value * value

    def main():
        print("args:", sys.argv[1:])
        kept = [str(square(value)) for value in range(300)]
        print("sum:", sum(map(int, kept)))
        if "--fail" in sys.argv:
            raise RuntimeError("the program failed")
        if "--exit" in sys.argv:
            sys.exit(3)

    if __name__ == "__main__":
        main()
    """
)


def bytescope(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bytescope", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=120,
    )


@requires_processes
class ProfileCommand(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.script = self.path("program.py")
        with open(self.script, "w", encoding="utf-8") as file:
            file.write(SCRIPT)

    def path(self, name):
        return os.path.join(self.directory.name, name)

    def test_profiles_a_script_with_its_arguments_and_writes_every_export(self):
        outputs = {name: self.path(name) for name in ("p.json", "p.speedscope.json", "p.pstats", "p.collapsed")}
        result = bytescope(
            "profile", "--memory", "--sort", "own", "--tree",
            "--json", outputs["p.json"], "--speedscope", outputs["p.speedscope.json"],
            "--pstats", outputs["p.pstats"], "--collapsed", outputs["p.collapsed"],
            self.script, "--memory", "x",
        )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("args: ['--memory', 'x']", result.stdout)  # options after SCRIPT are the program's
        self.assertIn("sum: ", result.stdout)
        self.assertIn("bytescope profile: wall clock", result.stdout)
        self.assertIn("profiler overhead: ~", result.stdout)
        self.assertIn("memory: peak", result.stdout)
        self.assertIn("call tree", result.stdout)
        self.assertRegex(result.stdout, r"\n\s+300\s.*square  \(.*program\.py:3\)")
        self.assertNotIn("runpy", result.stdout)
        self.assertNotIn("bytescope/profiling", result.stdout.replace("\\", "/"))
        with open(outputs["p.json"], encoding="utf-8") as file:
            data = json.load(file)
        top = [child["name"] for child in data["tree"]["children"]]
        self.assertEqual(top, ["<module>"])
        rows = {row["qualname"]: row for row in data["functions"]}
        self.assertEqual(rows["square"]["calls"], 300)
        self.assertEqual(pstats.Stats(outputs["p.pstats"]).stats[(self.script, 3, "square")][1], 300)
        with open(outputs["p.speedscope.json"], encoding="utf-8") as file:
            self.assertEqual(json.load(file)["profiles"][0]["type"], "evented")
        with open(outputs["p.collapsed"], encoding="utf-8") as file:
            self.assertIn(";square (", file.read())

    def test_profiles_a_module_with_dash_m(self):
        result = bytescope("profile", "--limit", "3", "-m", "program", "a", "b", cwd=self.directory.name)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("args: ['a', 'b']", result.stdout)
        self.assertIn("... ", result.stdout)

    def test_the_programs_failure_is_shown_like_python_and_the_profile_still_printed(self):
        result = bytescope("profile", self.script, "--fail")
        self.assertEqual(result.returncode, 1)
        self.assertIn("RuntimeError: the program failed", result.stderr)
        self.assertIn('program.py", line 11, in main', result.stderr)
        self.assertNotIn("bytescope", result.stderr)
        self.assertIn("square", result.stdout)

    def test_the_programs_exit_status_is_kept(self):
        result = bytescope("profile", "-q", self.script, "--exit")
        self.assertEqual(result.returncode, 3)
        self.assertNotIn("bytescope profile:", result.stdout)

    def test_usage_errors_are_one_line_and_exit_2(self):
        cases = [
            ("profile",),
            ("profile", self.path("missing.py")),
            ("profile", "-m", "no_such_module_here"),
            ("profile", "--sort", "name", self.script),
            ("profile", "--json", self.path("no/such/dir/out.json"), self.script),
            ("profile", "-m"),
        ]
        for args in cases:
            with self.subTest(args=args):
                result = bytescope(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                lines = result.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertTrue(lines[0].startswith("python -m bytescope profile: error: "), lines[0])

    def test_syntax_errors_in_the_program_are_reported_without_our_frames(self):
        broken = self.path("broken.py")
        with open(broken, "w", encoding="utf-8") as file:
            file.write("def f(:\n")
        result = bytescope("profile", broken)
        self.assertEqual(result.returncode, 1)
        self.assertIn("SyntaxError", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


@requires_processes
class CompareCommand(unittest.TestCase):
    def test_compares_two_saved_profiles_and_rejects_bad_files(self):
        with tempfile.TemporaryDirectory() as directory:
            paths = []
            for name, size in (("before", 100), ("after", 400)):
                script = os.path.join(directory, f"{name}.py")
                with open(script, "w", encoding="utf-8") as file:
                    file.write(f"def work():\n    return sorted(range({size}), key=lambda v: -v)\n")
                    file.write("work()\n" if name == "before" else "work()\nwork()\n")
                out = os.path.join(directory, f"{name}.json")
                result = bytescope("profile", "-q", "--json", out, script)
                self.assertEqual(result.returncode, 0, result.stderr)
                paths.append(out)
            result = bytescope("compare", *paths)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("bytescope comparison", result.stdout)
            self.assertIn("builtins.sorted", result.stdout)
            self.assertIn("disappeared (only before)", result.stdout)  # work() lives in another file
            broken = os.path.join(directory, "broken.json")
            with open(broken, "w", encoding="utf-8") as file:
                file.write("{")
            for args in ((paths[0], broken), (paths[0],), (paths[0], os.path.join(directory, "none.json"))):
                with self.subTest(args=args):
                    result = bytescope("compare", *args)
                    self.assertEqual(result.returncode, 2)
                    self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
                    self.assertTrue(result.stderr.startswith("python -m bytescope compare: error: "))

    def test_one_script_by_relative_and_absolute_path_is_the_same_code(self):
        with tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "demo.py"), "w", encoding="utf-8") as file:
                file.write("def work():\n    return sorted(range(300), key=lambda v: -v)\n\nwork()\n")
            saved = []
            for name, script in (("relative", "demo.py"), ("absolute", os.path.join(directory, "demo.py"))):
                saved.append(os.path.join(directory, f"{name}.json"))
                result = bytescope("profile", "-q", "--json", saved[-1], script, cwd=directory)
                self.assertEqual(result.returncode, 0, result.stderr)
            with open(saved[0], encoding="utf-8") as file:
                files = {os.path.realpath(row["filename"]) for row in json.load(file)["functions"] if row["lineno"]}
            self.assertIn(os.path.realpath(os.path.join(directory, "demo.py")), files)  # named as Python names it
            result = bytescope("compare", *saved, cwd=directory)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertNotIn("appeared", result.stdout)
            self.assertNotIn("disappeared", result.stdout)
            self.assertIn("work", result.stdout)
            # A profile saved before scripts were named absolutely says "demo.py": resolved from here, it matches.
            with open(saved[0], encoding="utf-8") as file:
                older = file.read().replace(json.dumps(os.path.join(os.getcwd(), "demo.py"))[1:-1], "demo.py")
            older = older.replace(json.dumps(os.path.realpath(os.path.join(directory, "demo.py")))[1:-1], "demo.py")
            self.assertIn('"demo.py"', older)
            with open(saved[0], "w", encoding="utf-8") as file:
                file.write(older)
            result = bytescope("compare", *saved, cwd=directory)
            self.assertNotIn("appeared", result.stdout)


if __name__ == "__main__":
    unittest.main()
