"""The package surface: lazy top-level exports and the ``python -m bytescope`` command dispatch."""

import os
import subprocess
import sys
import tempfile
import unittest
from tests.capabilities import requires_processes

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bytescope(*args):
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "bytescope", *args], capture_output=True, text=True, env=env)


class Exports(unittest.TestCase):
    @requires_processes
    def test_import_is_lazy_and_names_resolve(self):
        code = (
            "import sys, bytescope\n"
            "assert 'bytescope.bytecode' not in sys.modules and 'bytescope.profiling' not in sys.modules\n"
            "from bytescope import BytecodeVisualizer, Profiler, diff_sources\n"
            "print(BytecodeVisualizer.__module__, Profiler.__module__, diff_sources.__module__)\n"
            "print(sorted(set(bytescope.__all__) - set(dir(bytescope))))\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=dict(os.environ, PYTHONPATH=PYTHON_DIR))
        self.assertEqual(done.returncode, 0, done.stderr)
        modules, missing = done.stdout.splitlines()
        self.assertTrue(modules.startswith("bytescope.bytecode"), modules)
        self.assertIn("bytescope.profiling", modules)
        self.assertEqual(missing, "[]")

    def test_unknown_attribute(self):
        import bytescope

        with self.assertRaises(AttributeError):
            bytescope.NoSuchThing  # noqa: B018


@requires_processes
class Dispatch(unittest.TestCase):
    def test_help_and_version(self):
        done = bytescope("--help")
        self.assertEqual(done.returncode, 0)
        for command in ("ast", "dis", "stack", "diff", "json", "profile", "compare", "run"):
            self.assertIn(f"  {command} ", done.stdout)
        import bytescope as package

        self.assertEqual(bytescope("--version").stdout.strip(), f"bytescope {package.__version__}")

    def test_no_command_and_unknown_command_are_usage_errors(self):
        self.assertEqual(bytescope().returncode, 2)
        done = bytescope("frobnicate")
        self.assertEqual(done.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", done.stderr)
        self.assertNotIn("Traceback", done.stderr)

    def test_diff_of_sources_goes_to_the_visualizer_and_of_results_to_the_harness(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.py"), os.path.join(tmp, "b.py")
            with open(a, "w") as f:
                f.write("def f(x):\n    return x + 1\n")
            with open(b, "w") as f:
                f.write("def f(x):\n    return x + 2\n")
            sources = bytescope("diff", a, b)
            self.assertEqual(sources.returncode, 0, sources.stderr)
            self.assertIn("f: changed", sources.stdout)
            self.assertRegex(sources.stdout, r"~\s+LOAD_CONST 1\s+\|\s+LOAD_CONST 2")
            # Two .json files are results files: not valid ones here, so the harness says so (usage error).
            for name in ("a.json", "b.json"):
                with open(os.path.join(tmp, name), "w") as f:
                    f.write("{}")
            results = bytescope("diff", os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json"))
            self.assertNotEqual(results.returncode, 0)
            self.assertIn("not a bytescope results file", results.stderr)
            self.assertNotIn("Traceback", results.stderr)


if __name__ == "__main__":
    unittest.main()
