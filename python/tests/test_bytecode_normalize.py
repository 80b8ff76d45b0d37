import json
import os
import subprocess
import sys
import unittest

from bytescope.bytecode import code_hash, count_categories, normalize_code
from bytescope.bytecode.registry import CATEGORIES

from .test_bytecode_support import PYTHON_DIR, SAMPLE
from tests.capabilities import requires_processes

LOOP = """\
def f(items, limit):
    total = 0
    for x in items:
        if x > limit:
            total += x
        else:
            total -= 1
    return total
"""


def function_code(source, name="f", filename="<t>"):
    module = compile(source, filename, "exec")
    return next(c for c in module.co_consts if getattr(c, "co_name", None) == name)


class NormalizeTest(unittest.TestCase):
    def test_instruction_shape(self):
        instrs = normalize_code(function_code(LOOP))
        for i in instrs:
            self.assertEqual(set(i), {"opname", "argrepr", "category", "label", "line"})
            self.assertIn(i["category"], CATEGORIES)
            self.assertNotIn(i["opname"], ("CACHE", "EXTENDED_ARG"))
        self.assertLessEqual({2, 3, 4, 5, 7, 8}, {i["line"] for i in instrs})

    def test_labels_in_order_of_appearance_and_jumps_use_them(self):
        instrs = normalize_code(function_code(LOOP))
        labels = [i["label"] for i in instrs if i["label"]]
        self.assertEqual(labels, [f"L{n}" for n in range(1, len(labels) + 1)])
        jumps = [i["argrepr"] for i in instrs if i["argrepr"].startswith("to ")]
        self.assertTrue(jumps)
        for j in jumps:
            self.assertIn(j[3:], labels)

    def test_nested_code_argrepr_has_no_address(self):
        module = compile(SAMPLE, "sample.py", "exec")
        outer = next(c for c in module.co_consts if getattr(c, "co_name", None) == "outer")
        reprs = [i["argrepr"] for i in normalize_code(outer)]
        self.assertIn("<code inner>", reprs)
        self.assertFalse(any("0x" in r for r in reprs), reprs)

    def test_hash_ignores_lines_and_filename_but_not_content(self):
        a = compile(LOOP, "a.py", "exec")
        moved = compile("\n\n# comment\n" + LOOP, "b/other.py", "exec")
        self.assertEqual(code_hash(a), code_hash(moved))
        self.assertEqual(code_hash(function_code(LOOP)), code_hash(function_code("\n" + LOOP, filename="x.py")))
        f = code_hash(function_code(LOOP))
        self.assertNotEqual(f, code_hash(function_code(LOOP.replace("total -= 1", "total -= 2"))))
        self.assertNotEqual(f, code_hash(function_code(LOOP.replace("x > limit", "x >= limit"))))
        self.assertRegex(code_hash(a), r"^[0-9a-f]{64}$")

    def test_a_class_moved_down_keeps_its_hash(self):
        # 3.13+ class bodies store their own line as __firstlineno__: a position, not content. The class's constant
        # may coincide with one the body loads (x = 3 in a class on line 3), which must stay in the hash.
        for body in ("    x = 1\n    def f(self):\n        return 1\n", "    x = 3\n", '    """Doc."""\n    x = 3\n'):
            source = "class C:\n" + body
            with self.subTest(body=body):
                hashes = {code_hash(function_code("\n" * n + source, "C")) for n in range(4)}
                self.assertEqual(len(hashes), 1)
                self.assertNotEqual(code_hash(function_code(source, "C")),
                                    code_hash(function_code(source.replace("x = ", "y = "), "C")))
                self.assertNotEqual(code_hash(function_code(source, "C")),
                                    code_hash(function_code(source.replace("= 3", "= 4").replace("= 1", "= 2"), "C")))

    def test_a_class_moved_down_shows_no_instruction_change(self):
        argreprs = [[i["argrepr"] for i in normalize_code(function_code("\n" * n + "class C:\n    x = 1\n", "C"))]
                    for n in range(2)]
        self.assertEqual(argreprs[0], argreprs[1])

    def test_a_parent_keeps_its_hash_when_only_a_nested_function_changed(self):
        # The lambda is captured and compared on its own; its parent's bytecode did not change.
        base = "def f(xs):\n    a = sorted(xs, key=lambda s: len(s))\n    return sorted(a, key=lambda s: s[-1])\n"
        head = base.replace("s[-1])", "s[-1].lower())")
        self.assertEqual(code_hash(function_code(base)), code_hash(function_code(head)))
        reversed_first = base.replace("key=", "reverse=True, key=", 1)
        self.assertNotEqual(code_hash(function_code(base)), code_hash(function_code(reversed_first)))

    def test_keyword_names_are_part_of_the_instructions(self):
        a = function_code("def f(g):\n    return g(1, sep=2)\n")
        b = function_code("def f(g):\n    return g(1, end=2)\n")
        self.assertNotEqual(normalize_code(a), normalize_code(b))
        self.assertNotEqual(code_hash(a), code_hash(b))

    @requires_processes
    def test_stable_across_processes_and_hash_seeds(self):
        # frozenset constants iterate in hash-seed order; code objects repr with addresses: neither may leak.
        source = 'def f(x):\n    return x in {"alpha", "beta", "gamma", "delta"}\n' + SAMPLE
        script = (
            "import json, sys\n"
            "from bytescope.bytecode import code_hash, normalize_code\n"
            "c = compile(sys.stdin.read(), 's.py', 'exec')\n"
            "f = [k for k in c.co_consts if hasattr(k, 'co_code')][0]\n"
            "print(json.dumps([code_hash(c), normalize_code(f)]))\n"
        )
        outputs = set()
        for seed in ("0", "1", "12345"):
            env = dict(os.environ, PYTHONPATH=PYTHON_DIR, PYTHONHASHSEED=seed)
            proc = subprocess.run(
                [sys.executable, "-c", script], input=source, capture_output=True, text=True, env=env, check=True
            )
            outputs.add(proc.stdout)
        self.assertEqual(len(outputs), 1, outputs)
        digest, instrs = json.loads(outputs.pop())
        self.assertTrue(any("frozenset({'alpha', 'beta', 'delta', 'gamma'})" == i["argrepr"] for i in instrs))

    def test_count_categories(self):
        instrs = normalize_code(function_code(LOOP))
        counts = count_categories(instrs)
        self.assertEqual(sum(counts.values()), len(instrs))
        self.assertEqual(counts["control_flow"], sum(1 for i in instrs if i["category"] == "control_flow"))
        self.assertEqual(list(counts.values()), sorted(counts.values(), reverse=True))


if __name__ == "__main__":
    unittest.main()
