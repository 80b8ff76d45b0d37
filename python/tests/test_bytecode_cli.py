import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

from bytescope.bytecode import cli

from .test_bytecode_support import SAMPLE, run_cli
from tests.capabilities import requires_processes

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "bytecode", "%d.%d" % sys.version_info[:2])
UPDATE = os.environ.get("BYTESCOPE_UPDATE_GOLDEN") == "1"
HEAD = SAMPLE.replace("total += len(x) * scale", "total += len(x) * self.scale").replace("return None", "return ()")
# golden file -> (command line after ``python -m bytescope``, stdin). The sample comes in on stdin so no temporary
# path leaks into the golden output.
GOLDEN_COMMANDS = {
    "ast.txt": (("ast", "-"), SAMPLE),
    "dis.txt": (("dis", "-", "--color", "never"), SAMPLE),
    "stack.txt": (("stack", "-"), SAMPLE),
    "json.json": (("json", "-"), SAMPLE),
    "diff.txt": (("diff", "-c", SAMPLE, "-c", HEAD), ""),
}


def in_process(command, *argv, stdin=b"", env=None):
    """``cli.main`` in this process (same code, no interpreter start-up): (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin))
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), mock.patch("sys.stdin", fake_stdin):
        with mock.patch.dict(os.environ, env or {}):
            try:
                status = cli.main(command, list(argv))
            except SystemExit as exc:
                status = exc.code
    return status, out.getvalue(), err.getvalue()


def check_golden(test, outputs):
    json.loads(outputs["json.json"])
    for name, text in outputs.items():
        path = os.path.join(GOLDEN_DIR, name)
        if UPDATE:
            os.makedirs(GOLDEN_DIR, exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        with test.subTest(name):
            with open(path) as f:
                test.assertEqual(text, f.read(), f"{name} differs from {path}; BYTESCOPE_UPDATE_GOLDEN=1 rewrites it")


class GoldenOutputTest(unittest.TestCase):
    """Every command's output against its golden file, run in this process: so it is checked on every version,
    3.14 under Pyodide included, which cannot start the CLI as a subprocess."""

    def test_golden_output_of_each_command(self):
        outputs = {}
        for name, (argv, stdin) in GOLDEN_COMMANDS.items():
            status, out, err = in_process(*argv, stdin=stdin.encode())
            self.assertEqual((status, err), (0, ""), name)
            outputs[name] = out
        check_golden(self, outputs)


@requires_processes
class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.base = os.path.join(cls.tmp.name, "base.py")
        cls.head = os.path.join(cls.tmp.name, "head.py")
        with open(cls.base, "w") as f:
            f.write(SAMPLE)
        with open(cls.head, "w") as f:
            f.write(HEAD)
        cls.outputs = {
            name: cls.ok(None, *argv, stdin=stdin.encode() or None) for name, (argv, stdin) in GOLDEN_COMMANDS.items()
        }

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def ok(test, *args, **kw):
        """Run the real CLI in a subprocess; it must succeed silently on stderr."""
        proc = run_cli(*args, **kw)
        if proc.returncode != 0 or proc.stderr:
            raise AssertionError(f"{args[:3]}: exit {proc.returncode}: {proc.stderr.decode()}")
        return proc.stdout.decode()

    in_process = staticmethod(in_process)

    def fails(self, *args, **kw):
        """Run the real CLI in a subprocess; it must fail with status 2 and a message, not a traceback."""
        proc = run_cli(*args, **kw)
        self.assertEqual(proc.returncode, 2, proc.stdout.decode())
        self.assertNotIn("Traceback", proc.stderr.decode())
        return proc.stderr.decode()

    def test_the_real_cli_prints_the_golden_output(self):
        check_golden(self, self.outputs)

    def test_file_code_and_stdin_agree(self):
        # No --color: stdout is a pipe, so auto means plain text.
        self.assertEqual(self.ok(self, "dis", self.base), self.outputs["dis.txt"])
        status, out, _ = self.in_process("dis", "-c", SAMPLE, "--color", "never")
        self.assertEqual((status, out), (0, self.outputs["dis.txt"]))

    def test_colour_flag_and_environment(self):
        coloured = self.ok(self, "dis", self.base, "--color", "always")
        self.assertIn("\x1b[", coloured)
        self.assertIn("\x1b[", self.ok(self, "stack", self.base, env={"FORCE_COLOR": "1"}))
        _, out, _ = self.in_process("stack", self.base, "--color", "auto", env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
        self.assertNotIn("\x1b[", out)

    def test_function_selection(self):
        out = self.ok(self, "dis", self.base, "--function", "Accumulator.total", "--color", "never")
        self.assertTrue(out.startswith("Accumulator.total (line 10)"))
        self.assertEqual(out.count("co_stacksize"), 1)
        _, out, _ = self.in_process("ast", self.base, "--function", "gen")
        self.assertTrue(out.startswith("FunctionDef (stmt) 45:0-"))
        _, diff, _ = self.in_process("diff", self.base, self.head, "--function", "Accumulator.total")
        self.assertIn("Accumulator.total: changed", diff)
        self.assertNotIn("kind:", diff)
        err = self.fails("stack", self.base, "--function", "Accumulator.missing")
        self.assertIn("no function or code object named 'Accumulator.missing'", err)
        self.assertIn("Accumulator.total", err)
        self.assertIn("outer.<locals>.inner", err)

    def test_diff_text_and_json(self):
        text = self.outputs["diff.txt"]
        self.assertIn("bytecode diff: 2 changed", text)
        self.assertIn("attribute +1", text)
        data = json.loads(self.ok(self, "diff", self.base, self.head, "--json"))
        self.assertEqual(data["summary"]["changed"], 2)
        _, full, _ = self.in_process("diff", self.base, self.head, "--full")
        self.assertGreater(len(full.splitlines()), len(text.splitlines()))

    def test_syntax_error(self):
        err = self.fails("dis", "-c", "def f(:\n    pass\n")
        lines = err.splitlines()
        self.assertRegex(lines[0], r"^<string>:1:7: SyntaxError: ")
        self.assertEqual(lines[1].strip(), "def f(:")
        self.assertEqual(lines[2].index("^") - lines[1].index("def"), 6)
        path = os.path.join(self.tmp.name, "broken.py")
        with open(path, "w") as f:
            f.write("x = 1\nprint(x +)\n")
        status, _, err = self.in_process("ast", path)
        self.assertEqual(status, 2)
        self.assertTrue(err.startswith(f"{path}:2:"))

    def test_bad_input(self):
        binary = os.path.join(self.tmp.name, "image.py")
        with open(binary, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        self.assertIn("binary file", self.fails("dis", binary))
        latin = os.path.join(self.tmp.name, "latin.py")
        with open(latin, "wb") as f:
            f.write(b"x = 1\ny = '\xe9t\xe9'\n")
        status, _, err = self.in_process("dis", latin)
        self.assertEqual(status, 2)
        self.assertIn(f"{latin}:2: cannot decode as utf-8", err)
        self.assertIn("0xe9", err)
        for argv, message in (
            (("dis", os.path.join(self.tmp.name, "missing.py")), "No such file"),
            (("dis",), "expected one source"),
            (("diff", self.base), "expected two sources"),
            (("dis", self.base, "--color", "sometimes"), "invalid choice"),
            (("json", "--bogus"), "unrecognized arguments"),
            (("stack", "-", "-c", "x"), ""),
        ):
            status, _, err = self.in_process(*argv, stdin=b"y = 2\n")
            with self.subTest(argv):
                self.assertEqual(status, 2)
                self.assertIn(message, err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)


if __name__ == "__main__":
    unittest.main()
