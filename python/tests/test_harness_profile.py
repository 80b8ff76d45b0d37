"""Shrinking a profile for the results file: names relocated, size bounded, and nothing kept is ever altered."""

import copy
import os
import sysconfig
import unittest

from tests.test_harness_support import PROJECT

from bytescope.harness import profile_data
from bytescope.harness.paths import BYTESCOPE_DIR, PathNamer


def _row(qualname, filename, own, total):
    return {"qualname": qualname, "filename": filename, "lineno": 1, "calls": 1, "primitive_calls": 1,
            "own_ns": own, "total_ns": total}


def _node(name, total, children=()):
    return {"name": name, "filename": "~", "lineno": 0, "calls": 1, "own_ns": 0, "total_ns": total,
            "children": list(children)}


class PathNamerTest(unittest.TestCase):
    def test_names(self):
        namer = PathNamer(PROJECT)
        stdlib = os.path.join(sysconfig.get_paths()["stdlib"], "json", "encoder.py")
        self.assertEqual(namer.name(os.path.join(PROJECT, "app", "work.py")), "app/work.py")
        self.assertTrue(namer.is_project(os.path.join(PROJECT, "app", "work.py")))
        self.assertEqual(namer.name(stdlib), "<stdlib>/json/encoder.py")
        self.assertFalse(namer.is_project(stdlib))
        site = os.path.join(sysconfig.get_paths()["purelib"], "pkg", "mod.py")
        self.assertEqual(namer.name(site), "<site-packages>/pkg/mod.py")
        harness = os.path.join(BYTESCOPE_DIR, "harness", "worker.py")
        self.assertTrue(namer.is_harness(harness))
        self.assertFalse(namer.is_project(harness))
        self.assertEqual(namer.name("<frozen importlib._bootstrap>"), "<frozen importlib._bootstrap>")
        self.assertEqual(namer.name("~"), "~")


class ShrinkTest(unittest.TestCase):
    def test_rows_keep_both_top_rankings_and_every_project_row_unaltered(self):
        project_file = os.path.join(PROJECT, "app", "work.py")
        rows = [_row(f"lib{i}", "~", own=i, total=1000 - i) for i in range(400)]
        rows.append(_row("tiny_project_function", project_file, own=0, total=0))
        profile = {"functions": copy.deepcopy(rows), "tree": _node("<root>", 1000)}
        profile_data.shrink(profile, PathNamer(PROJECT))
        kept = {row["qualname"]: row for row in profile["functions"]}
        top_own = {f"lib{i}" for i in range(400 - profile_data.TOP_ROWS, 400)}
        top_total = {f"lib{i}" for i in range(profile_data.TOP_ROWS)}
        self.assertEqual(set(kept), top_own | top_total | {"tiny_project_function"})
        self.assertEqual(profile["omitted_functions"], len(rows) - len(kept))
        self.assertEqual(kept["tiny_project_function"]["filename"], "app/work.py")
        for row in rows[:-1]:
            if row["qualname"] in kept:
                self.assertEqual(kept[row["qualname"]], row)

    def test_tree_drops_small_subtrees_and_says_how_much(self):
        small = _node("small", 5, [_node("smaller", 4)])
        big = _node("big", 990, [_node("leaf", 900)])
        root = _node("<root>", 1000, [big, small, _node("tiny", 0.5)])
        profile_data.prune_tree(root)  # the floor is 0.1% of 1000 = 1 ns: only "tiny" goes
        self.assertEqual([c["name"] for c in root["children"]], ["big", "small"])
        self.assertEqual((root["pruned_nodes"], root["pruned_ns"]), (1, 0.5))
        self.assertEqual(big["children"][0]["total_ns"], 900)

    def test_tree_node_budget_keeps_the_heaviest_first(self):
        children = [_node(f"c{i}", 10 + i) for i in range(profile_data.MAX_NODES + 50)]
        root = _node("<root>", 10_000, children)  # floor 10 ns: every child passes it
        profile_data.prune_tree(root)
        self.assertEqual(len(root["children"]), profile_data.MAX_NODES - 1)
        self.assertEqual(root["children"][0]["name"], f"c{profile_data.MAX_NODES + 49}")
        self.assertEqual(root["pruned_nodes"], 51)
        self.assertEqual(root["pruned_ns"], sum(10 + i for i in range(51)))


if __name__ == "__main__":
    unittest.main()
