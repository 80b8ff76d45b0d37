"""The ``run`` command line and config file: usage errors name the problem and exit 2; settings arrive intact."""

import json
import os
import tempfile
import unittest

from tests.test_harness_support import PROJECT, bytescope, results_validator

from bytescope.harness.settings import SettingsError, read_config
from bytescope.harness.targets import TargetError, parse_entry, parse_target
from tests.capabilities import requires_processes


class TargetParsingTest(unittest.TestCase):
    def test_valid_targets(self):
        self.assertEqual(parse_target("pkg.mod:main")[1:], ("pkg.mod", None, "main"))
        self.assertEqual(parse_target("pkg.mod:Class.method")[1:], ("pkg.mod", None, "Class.method"))
        self.assertEqual(parse_target("tools/run.py")[1:], (None, "tools/run.py", None))
        self.assertEqual(parse_target("tools/run.py:main")[1:], (None, "tools/run.py", "main"))
        self.assertEqual(parse_target(r"C:\work\run.py:main")[1:], (None, r"C:\work\run.py", "main"))
        self.assertTrue(parse_target("tools/run.py").is_script)
        self.assertFalse(parse_target("tools/run.py:main").is_script)

    def test_names(self):
        self.assertEqual(parse_entry("fast=pkg.mod:main").name, "fast")
        self.assertEqual(parse_entry("pkg.mod:main").name, "pkg.mod:main")

    def test_malformed_targets_name_the_problem(self):
        cases = {
            "pkg.mod": "names a module but no callable",
            "pkg.mod:": "'' is not a callable name",
            "pkg.mod:1st": "'1st' is not a callable name",
            "pkg-mod:main": "'pkg-mod' is not a module name",
            "run.py:not-a-name": "'not-a-name' is not a callable name",
            "nothing at all": "neither package.module:callable nor a path",
            "": "empty TARGET",
            "=pkg.mod:main": "empty NAME",
            "two\nlines=pkg.mod:main": "must be one line",
        }
        for text, message in cases.items():
            with self.subTest(text):
                with self.assertRaisesRegex(TargetError, message.replace(".", r"\.")):
                    parse_entry(text)


class ConfigFileTest(unittest.TestCase):
    def write(self, data):
        handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        with handle:
            handle.write(data if isinstance(data, str) else json.dumps(data))
        self.addCleanup(os.remove, handle.name)
        return handle.name

    def test_errors_name_the_key(self):
        cases = [
            ({"entries": ["app.work:main"], "repeats": 3}, "unknown key 'repeats'"),
            ({"entries": ["app.work:main"], "repeat": 0}, "repeat must be an integer >= 1"),
            ({"entries": ["app.work:main"], "warmup": True}, "warmup must be an integer >= 0"),
            ({"entries": ["app.work:main"], "timeout": "soon"}, "timeout must be a number"),
            ({"entries": ["app.work:main"], "memory": "yes"}, "memory must be true or false"),
            ({"entries": "app.work:main"}, "entries must be a list"),
            ({"entries": [{"target": "app.work"}]}, "names a module but no callable"),
            ({"entries": [{"name": "x"}]}, r"entries\[0\] needs a string 'target'"),
            ({"entries": [{"target": "a:b", "when": 1}]}, r"entries\[0\] has unknown key 'when'"),
            ([], "must hold a JSON object"),
            ("{not json", "is not valid JSON"),
        ]
        for data, message in cases:
            with self.subTest(message):
                with self.assertRaisesRegex(SettingsError, message):
                    read_config(self.write(data))
        with self.assertRaisesRegex(SettingsError, "cannot read config"):
            read_config("/nonexistent/bytescope.json")


@requires_processes
class CommandLineTest(unittest.TestCase):
    def assertUsageError(self, args, message):
        out = os.path.join(tempfile.mkdtemp(prefix="bytescope-test-"), "results.json")
        done = bytescope(["run", *args] + (["--out", out] if "--out" not in args else []))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(message, done.stderr)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
        self.assertNotIn("Traceback", done.stderr)
        self.assertFalse(os.path.exists(out))

    def test_usage_errors(self):
        self.assertUsageError(["--entry", "app.work"], "TARGET 'app.work' names a module but no callable")
        self.assertUsageError(["--entry", "x=bad target"], "'bad target' is neither")
        self.assertUsageError(["--entry", "app.work:main", "--bogus"], "unrecognized arguments: --bogus")
        self.assertUsageError(["--entry", "app.work:main", "--repeat", "0"], "repeat must be an integer >= 1")
        self.assertUsageError(["--entry", "app.work:main", "--timeout", "-1"], "timeout must be a number")
        self.assertUsageError(["--entry", "a=app.work:main", "--entry", "a=app.work:noop"], "two entries are named 'a'")
        self.assertUsageError([], "no entries to measure")
        self.assertUsageError(["--entry", "app.work:main", "--cwd", "/nonexistent"], "'/nonexistent' does not exist")
        self.assertUsageError(["--config", "/nonexistent.json"], "cannot read config /nonexistent.json")
        done = bytescope(["run", "--entry", "app.work:main"])
        self.assertEqual(done.returncode, 2)
        self.assertIn("no output file", done.stderr)

    def test_help_documents_the_config_file_and_exit_statuses(self):
        done = bytescope(["run", "--help"])
        self.assertEqual(done.returncode, 0)
        for text in ('"entries"', '"timeout"', "exit status", "3 harness failure", "--instructions-method"):
            self.assertIn(text, done.stdout)

    def test_config_file_settings_and_option_precedence(self):
        directory = tempfile.mkdtemp(prefix="bytescope-test-")
        out = os.path.join(directory, "results.json")
        config = os.path.join(directory, "bytescope.json")
        with open(config, "w") as handle:
            json.dump(
                {
                    "entries": ["app.work:noop", {"name": "loop", "target": "app.work:loop_10"}],
                    "repeat": 4,
                    "warmup": 0,
                    "timeout": 60,
                    "memory": False,
                    "instructions": True,
                    "cwd": PROJECT,
                    "out": out,
                },
                handle,
            )
        done = bytescope(["run", "--config", config, "--repeat", "2"])
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(out) as handle:
            results = json.load(handle)
        self.assertEqual(results_validator().errors(results), [])
        self.assertEqual([e["name"] for e in results["entries"]], ["app.work:noop", "loop"])
        settings = results["settings"]
        self.assertEqual((settings["repeat"], settings["warmup"], settings["timeout"]), (2, 0, 60))
        self.assertEqual((settings["memory"], settings["instructions"]), (False, True))
        loop = results["entries"][1]
        self.assertEqual(len(loop["time"]["samples_ns"]), 2)
        self.assertIsNone(loop["memory"])
        self.assertGreater(loop["instructions"]["total"], 0)

    def test_unwritable_output_is_a_harness_failure(self):
        directory = tempfile.mkdtemp(prefix="bytescope-test-")  # a directory cannot be replaced by a file
        done = bytescope(
            ["run", "--entry", "app.work:noop", "--repeat", "1", "--warmup", "0", "--no-memory", "--cwd", PROJECT,
             "--out", directory]
        )
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertIn(f"cannot write {directory}", done.stderr)
        self.assertEqual(os.listdir(directory), [], "the temporary file is cleaned up")


if __name__ == "__main__":
    unittest.main()
