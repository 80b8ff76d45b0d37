import dis
import json
import os
import unittest
from unittest import mock

from bytescope import BytecodeVisualizer, diff_sources
from bytescope.bytecode import SourceError
from bytescope.bytecode.records import Instruction

from .test_bytecode_support import ANSI, SAMPLE

HAS_EXCEPTION_TABLE = hasattr(dis.Bytecode(compile("pass", "", "exec")), "exception_entries")


class VisualizerTest(unittest.TestCase):
    def setUp(self):
        self.v = BytecodeVisualizer(SAMPLE, "sample.py")

    def test_every_code_object_is_analysed(self):
        names = [info.qualname for info in self.v.code_objects]
        for expected in ("<module>", "Accumulator", "Accumulator.total", "Accumulator.safe", "outer",
                         "outer.<locals>.inner", "outer.<locals>.<lambda>", "kind", "gen", "fetch"):
            self.assertIn(expected, names)

    def test_show_ast(self):
        text = self.v.show_ast()
        self.assertTrue(text.startswith("Module (mod)\n"))
        self.assertIn("body[1]: ClassDef (stmt) 4:0-", text)
        self.assertIn("FunctionDef (stmt) 7:4-8:26 name='__init__'", text)
        self.assertIn("Compare (expr) 13:15-13:29 ops=[Gt]", text)
        self.assertIn("Name (expr) 13:15-13:16 id='x' ctx=Load", text)
        self.assertIn("Match (stmt)", text)
        self.assertIn("AsyncWith (stmt)", text)
        self.assertLess(max(len(line) for line in text.splitlines()), 120)

    def test_show_bytecode_plain_and_colour(self):
        plain = self.v.show_bytecode(color=False)
        coloured = self.v.show_bytecode(color=True)
        self.assertNotIn("\x1b[", plain)
        self.assertIn("\x1b[", coloured)
        self.assertEqual(ANSI.sub("", coloured), plain)
        self.assertIn("push local variable `items`", plain)
        self.assertIn("Accumulator.total (line 10): co_stacksize", plain)
        self.assertRegex(plain, r"jump (back |forward )?to L\d+")
        if HAS_EXCEPTION_TABLE:
            self.assertIn("ExceptionTable:", plain)
            self.assertRegex(plain, r"\d+ to \d+ -> L\d+ \[\d+\]")

    def test_colour_follows_environment_and_terminal(self):
        with mock.patch.dict(os.environ, {"NO_COLOR": "1", "FORCE_COLOR": "1"}):
            self.assertNotIn("\x1b[", self.v.show_bytecode())
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        with mock.patch.dict(os.environ, dict(env, FORCE_COLOR="1"), clear=True):
            self.assertIn("\x1b[", self.v.show_bytecode())
        with mock.patch.dict(os.environ, env, clear=True):
            with mock.patch("sys.stdout") as stdout:
                stdout.isatty.return_value = False
                self.assertNotIn("\x1b[", self.v.show_bytecode())
                stdout.isatty.return_value = True
                self.assertIn("\x1b[", self.v.show_bytecode())

    def test_show_stack_trace(self):
        text = self.v.show_stack_trace(color=False)
        self.assertIn("<iterator of items>", text)
        self.assertIn("<exception>", text)
        self.assertRegex(text, r"\d+ -> \d+ \[")

    def test_instructions_are_immutable_records(self):
        ins = self.v.instructions
        self.assertTrue(all(isinstance(i, Instruction) for i in ins))
        with self.assertRaises(AttributeError):
            ins[0].opname = "NOP"
        load = next(i for i in ins if i.qualname == "Accumulator.total" and i.argrepr == "items")
        self.assertEqual(load.category, "load")
        self.assertEqual(load.depth_after, load.depth_before + 1)
        self.assertEqual(load.stack_after[-1], "items")
        jump = next(i for i in ins if i.jump_target is not None)
        self.assertRegex(jump.jump_label, r"^L\d+$")

    def test_category_counts(self):
        counts = self.v.category_counts()
        self.assertEqual(sum(counts.values()), len(self.v.instructions))
        for category in ("load", "store", "call", "control_flow", "iteration", "exception", "generator", "pattern"):
            self.assertIn(category, counts)

    def test_to_json(self):
        data = json.loads(self.v.to_json())
        self.assertEqual(data["schema_version"], 1)
        code = next(c for c in data["code_objects"] if c["qualname"] == "Accumulator.total")
        self.assertEqual(code["firstlineno"], 10)
        self.assertEqual(code["max_depth"], code["co_stacksize"])
        for key in ("offset", "opname", "category", "explanation", "depth_before", "depth_after", "stack_after"):
            self.assertIn(key, code["instructions"][0])
        self.assertEqual(sum(data["category_counts"].values()), sum(len(c["instructions"]) for c in data["code_objects"]))

    def test_compare(self):
        other = SAMPLE.replace("total += len(x) * scale", "total += len(x) * self.scale")
        text = self.v.compare(other)
        self.assertIn("Accumulator.total: changed", text)
        self.assertIn("attribute +1", text)
        self.assertIn("LOAD_ATTR scale", text)
        self.assertEqual(diff_sources(SAMPLE, other).summary()["changed"], 1)

    def test_function_selection(self):
        v = BytecodeVisualizer(SAMPLE, "sample.py", function="outer.<locals>.inner")
        self.assertEqual([i.qualname for i in v.code_objects], ["outer.<locals>.inner"])
        self.assertTrue(v.show_ast().startswith("FunctionDef (stmt) 29:4-"))
        with self.assertRaises(SourceError) as cm:
            BytecodeVisualizer(SAMPLE, "sample.py", function="nope")
        self.assertIn("available: <module>, Accumulator", str(cm.exception))

    def test_syntax_error_message(self):
        with self.assertRaises(SourceError) as cm:
            BytecodeVisualizer("x = 1\nif x\n    pass\n", "broken.py")
        lines = str(cm.exception).splitlines()
        self.assertRegex(lines[0], r"^broken\.py:2:5: SyntaxError: ")
        self.assertEqual(lines[1].strip(), "if x")
        self.assertEqual(lines[2].index("^") - lines[1].index("if"), 4)


class LongConstantTest(unittest.TestCase):
    def test_a_long_constant_is_cut_and_the_columns_after_it_stay_in_line(self):
        source = 'def f():\n    x = "' + "word " * 60 + '"\n    return x\n'
        lines = BytecodeVisualizer(source).show_bytecode(color=False).splitlines()[1:]
        load = next(line for line in lines if "LOAD_CONST" in line and "word" in line)
        self.assertIn("word word…", load)
        store = next(line for line in lines if "STORE_FAST" in line)
        self.assertEqual(load.index(" load "), store.index(" store "))


if __name__ == "__main__":
    unittest.main()
