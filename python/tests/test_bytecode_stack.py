import dis
import unittest

from bytescope.bytecode import BytecodeVisualizer
from bytescope.bytecode.disassembly import FALLS_THROUGH, exception_entries
from bytescope.bytecode.records import build_code_info

from .test_bytecode_support import SAMPLE

HAS_EXCEPTION_TABLE = hasattr(dis.Bytecode(compile("pass", "", "exec")), "exception_entries")


def check_edges(test, info):
    """Every edge of the CFG agrees with dis.stack_effect, computed here independently of the simulator."""
    by_offset = {i.offset: i for i in info.instructions}
    ins = info.instructions
    for k, i in enumerate(ins):
        if not i.reachable:
            continue
        opcode = dis.opmap[i.baseopname]
        fall = dis.stack_effect(opcode, i.arg, jump=False)
        test.assertEqual(i.depth_after, i.depth_before + fall, (info.qualname, i.offset))
        if i.jump_target is not None:
            target = by_offset[i.jump_target]
            test.assertEqual(target.depth_before, i.depth_before + dis.stack_effect(opcode, i.arg, jump=True))
        if FALLS_THROUGH[i.baseopname] and k + 1 < len(ins):
            test.assertEqual(ins[k + 1].depth_before, i.depth_after, (info.qualname, ins[k + 1].offset))
        if i.stack_after is not None:
            test.assertEqual(len(i.stack_after), i.depth_after)
    for e in exception_entries(info.code):
        covered = [i for i in ins if e.start <= i.offset < e.end and i.reachable]
        if covered:
            test.assertEqual(by_offset[e.target].depth_before, e.depth + e.lasti + 1)


def stacks(v, qualname):
    return [i.stack_after for info in v.code_objects if info.qualname == qualname for i in info.instructions]


class StackSimulationTest(unittest.TestCase):
    def setUp(self):
        self.v = BytecodeVisualizer(SAMPLE, "sample.py")

    def test_every_edge_agrees_with_stack_effect(self):
        for info in self.v.code_objects:
            with self.subTest(info.qualname):
                check_edges(self, info)

    def test_max_depth_is_co_stacksize(self):
        for info in self.v.code_objects:
            self.assertEqual(info.max_depth, info.co_stacksize, info.qualname)

    def test_symbolic_values(self):
        v = BytecodeVisualizer("def f(items, x):\n    for i in items:\n        x = len(items) + x * 2\n    return x\n")
        seen = {value for stack in stacks(v, "f") if stack for value in stack}
        self.assertIn("<iterator of items>", seen)
        self.assertIn("<item of items>", seen)
        self.assertIn("len(items)", seen)
        self.assertIn("x * 2", seen)
        self.assertIn("len(items) + (x * 2)", seen)

    def test_calls_exceptions_and_nulls(self):
        seen = {value for stack in stacks(self.v, "Accumulator.safe") if stack for value in stack}
        self.assertIn("<exception>", seen)
        self.assertIn("print('done', sep='')", seen)
        self.assertIn("open(path)", seen)
        self.assertIn("open(path).__enter__()", seen)  # 3.14 looks the method up with LOAD_SPECIAL
        if dis.opmap.get("PUSH_NULL") is not None:
            self.assertIn("<NULL>", seen)

    def test_subscript_and_small_integers_on_every_version(self):
        # 3.14 compiles ``items[1]`` to ``BINARY_OP []`` and ``1`` to LOAD_SMALL_INT, whose dis argrepr is empty.
        v = BytecodeVisualizer("def f(items):\n    return items[1] - 300\n")
        f = next(i for i in v.code_objects if i.qualname == "f")
        seen = {value for i in f.instructions if i.stack_after for value in i.stack_after}
        self.assertIn("items[1] - 300", seen)
        subscript = next(i for i in f.instructions if i.baseopname in ("BINARY_SUBSCR", "BINARY_OP") and "-" not in i.argrepr)
        self.assertEqual(subscript.category, "subscript")
        self.assertIn("container[key]", subscript.explanation)

    def test_template_strings(self):
        source = 'def f(x, w):\n    return t"a{x!r:>{w}}"\n'
        try:
            compile(source, "<t>", "exec")
        except SyntaxError:
            self.skipTest("t-strings are 3.14+")
        v = BytecodeVisualizer(source)
        f = next(i for i in v.code_objects if i.qualname == "f")
        check_edges(self, f)
        self.assertEqual(f.max_depth, f.co_stacksize)
        build = next(i for i in f.instructions if i.baseopname == "BUILD_INTERPOLATION")
        self.assertIn("and its format spec", build.explanation)
        self.assertEqual(build.stack_after[-1], "<interpolation of x>")
        self.assertEqual(f.instructions[-2].stack_after[-1], "<t-string template>")

    def test_generators_start_where_the_version_does(self):
        gen = next(i for i in self.v.code_objects if i.qualname == "gen")
        first = gen.instructions[0]
        self.assertEqual(gen.start_depth, first.depth_before)
        self.assertEqual(gen.start_depth, 0 if dis.stack_effect(dis.opmap[first.baseopname], first.arg) > 0 else 1)

    def test_specialised_code_is_deoptimised_first(self):
        namespace = {}
        exec(compile("def hot(xs):\n    t = 0\n    for x in xs:\n        t += x.real\n    return t\n", "<hot>", "exec"),
             namespace)
        hot = namespace["hot"]
        for _ in range(200):  # long enough for the adaptive interpreter (3.11+) to specialise
            hot([1, 2, 3])
        info = build_code_info("hot", hot.__code__)
        self.assertTrue(all(i.baseopname in dis.opmap for i in info.instructions))
        self.assertEqual(info.max_depth, info.co_stacksize)
        check_edges(self, info)

    def test_unreachable_code_is_marked(self):
        # ``try: pass`` leaves a handler the compiler keeps but nothing reaches (3.11+).
        v = BytecodeVisualizer("def f():\n    try:\n        pass\n    except Exception:\n        return 1\n")
        f = next(i for i in v.code_objects if i.qualname == "f")
        unreachable = [i for i in f.instructions if not i.reachable]
        if HAS_EXCEPTION_TABLE:
            self.assertTrue(unreachable)
        for i in unreachable:
            self.assertIsNone(i.depth_after)
            self.assertIsNone(i.stack_after)
        self.assertLessEqual(f.max_depth, f.co_stacksize)
        if unreachable:
            self.assertIn("(unreachable)", v.show_bytecode(color=False))
            self.assertIn("unreachable", v.show_stack_trace(color=False))


if __name__ == "__main__":
    unittest.main()
