import json
import unittest

from bytescope.bytecode import diff_instructions, diff_sources, normalize_code
from bytescope.bytecode.diff import diff_functions

from .test_bytecode_normalize import LOOP, function_code


def ops_of(fd, tag):
    return [op for op in fd.ops if op.tag == tag]


class DiffTest(unittest.TestCase):
    def test_identical_sources_are_unchanged_even_when_moved(self):
        diff = diff_sources(LOOP, "\n\n" + LOOP)
        self.assertEqual([f.status for f in diff.functions], ["unchanged", "unchanged"])
        self.assertEqual(diff.category_deltas, {})

    def test_added_attribute_load_in_loop_is_one_insert(self):
        head = LOOP.replace("def f(items, limit)", "def f(items, self)").replace("x > limit", "x > self.limit")
        fd = next(f for f in diff_sources(LOOP, head).functions if f.qualname == "f")
        self.assertEqual(fd.status, "changed")
        inserted = [i for op in ops_of(fd, "insert") for i in op.head]
        replaced = [(b, h) for op in ops_of(fd, "replace") for b, h in zip(op.base, op.head)]
        self.assertIn("LOAD_ATTR", [i["opname"] for i in inserted])
        self.assertLessEqual(len(inserted), 1)
        self.assertFalse(ops_of(fd, "delete"))
        # Only the operand changed (limit -> self, plus a fused load on 3.13): no cascade.
        self.assertLessEqual(len(replaced), 2, replaced)
        self.assertEqual(fd.category_deltas.get("attribute"), 1)
        self.assertEqual(fd.head_count - fd.base_count, len(inserted))

    def test_renumbered_labels_are_not_changes(self):
        head = LOOP.replace("    total = 0\n", "    if not items:\n        return 0\n    total = 0\n")
        base_f, head_f = normalize_code(function_code(LOOP)), normalize_code(function_code(head))
        self.assertNotEqual(
            [i["argrepr"] for i in base_f if i["argrepr"].startswith("to ")],
            [i["argrepr"] for i in head_f if i["argrepr"].startswith("to ")],
            "the insert must renumber labels for this test to mean anything",
        )
        fd = diff_instructions(base_f, head_f, "f")
        self.assertFalse(ops_of(fd, "replace"), [op.to_dict() for op in ops_of(fd, "replace")])
        self.assertFalse(ops_of(fd, "delete"))
        self.assertEqual(sum(len(op.head) for op in ops_of(fd, "insert")), len(head_f) - len(base_f))

    def test_moved_jump_target_is_a_change(self):
        base = [
            {"opname": "LOAD_FAST", "argrepr": "x", "category": "load", "label": None, "line": 1},
            {"opname": "POP_JUMP_IF_FALSE", "argrepr": "to L1", "category": "control_flow", "label": None, "line": 1},
            {"opname": "LOAD_CONST", "argrepr": "1", "category": "load", "label": None, "line": 2},
            {"opname": "RETURN_VALUE", "argrepr": "", "category": "control_flow", "label": "L1", "line": 2},
        ]
        head = [dict(i) for i in base]
        head[1]["argrepr"] = "to L1"
        head[2]["label"], head[3]["label"] = "L1", None  # same text, different target
        fd = diff_instructions(base, head, "f")
        self.assertEqual([op.tag for op in fd.ops], ["equal", "replace", "equal"])
        self.assertEqual(fd.ops[1].base[0]["opname"], "POP_JUMP_IF_FALSE")

    def test_added_removed_and_json(self):
        a = "def old():\n    return 1\n\ndef same():\n    return 2\n"
        b = "def same():\n    return 2\n\ndef new(x):\n    return x\n"
        diff = diff_sources(a, b)
        statuses = {f.qualname: f.status for f in diff.functions}
        self.assertEqual(statuses, {"<module>": "changed", "same": "unchanged", "new": "added", "old": "removed"})
        data = json.loads(diff.to_json())
        self.assertEqual(data["summary"], {"changed": 1, "added": 1, "removed": 1, "unchanged": 1})
        new = next(f for f in data["functions"] if f["qualname"] == "new")
        self.assertEqual({op["tag"] for op in new["ops"]}, {"insert"})
        self.assertEqual(new["base_count"], 0)
        self.assertTrue(all(set(op) == {"tag", "base", "head"} for f in data["functions"] for op in f["ops"]))

    def test_diff_from_stored_dicts_alone(self):
        # The harness diffs instructions read back from results JSON: no code objects involved.
        base = json.loads(json.dumps({"f": normalize_code(function_code(LOOP))}))
        head = json.loads(json.dumps({"f": normalize_code(function_code(LOOP.replace("-= 1", "-= 2")))}))
        diff = diff_functions(base, head)
        (fd,) = diff.functions
        self.assertEqual(fd.status, "changed")
        (rep,) = ops_of(fd, "replace")
        self.assertEqual((rep.base[0]["argrepr"], rep.head[0]["argrepr"]), ("1", "2"))

    def test_side_by_side_rendering(self):
        head = LOOP.replace("x > limit", "x > self.limit").replace("(items, limit)", "(items, self)")
        text = diff_sources(LOOP, head).render()
        self.assertIn("f: changed", text)
        self.assertIn("category deltas: attribute +1", text)
        rows = text.splitlines()
        insert = next(r for r in rows if r.startswith("  +"))
        self.assertIn("LOAD_ATTR limit", insert.split("|")[1])
        self.assertEqual(insert.split("|")[0].strip(), "+")
        self.assertIn("unchanged: <module>", text)
        self.assertTrue(any(" unchanged" in r and r.strip().startswith("...") for r in rows))

    def test_a_long_constant_is_cut_so_the_columns_stay_narrow(self):
        # A class docstring once padded every row of a diff to over 1,000 columns.
        base = 'class C:\n    """' + "A very long docstring. " * 50 + '"""\n    x = 1\n'
        text = diff_sources(base, base.replace("x = 1", "x = 2")).render()
        self.assertLess(max(len(line) for line in text.splitlines()), 160)
        self.assertIn("'A very long docstring. A very long docstring. …", text)
        self.assertRegex(text, r"~ +LOAD_(CONST|SMALL_INT) 1 +\| +LOAD_(CONST|SMALL_INT) 2")


if __name__ == "__main__":
    unittest.main()
