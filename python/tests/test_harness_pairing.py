"""Pairing base with head functions: same-named twins by order, aligned by content (``harness.pairing``)."""

import unittest

from bytescope.harness.pairing import pair, renamed


def entry(*functions, rows=()):
    """An entry with captured ``(name, hash)`` functions in a.py and profile rows named ``rows``."""
    return {
        "functions": [{"filename": "a.py", "qualname": name, "hash": digest} for name, digest in functions],
        "profile": {"functions": [{"filename": "a.py", "qualname": name} for name in rows]},
        "instructions": None,
    }


class PairTest(unittest.TestCase):
    def test_twins_pair_by_position_when_none_moved(self):
        base = entry(("f", "F"), ("f.<locals>.<lambda>", "A"), ("f.<locals>.<lambda>#2", "B"))
        head = entry(("f", "F"), ("f.<locals>.<lambda>", "A"), ("f.<locals>.<lambda>#2", "B2"))
        self.assertEqual(pair(base, head), {
            ("a.py", "f"): "f", ("a.py", "f.<locals>.<lambda>"): "f.<locals>.<lambda>",
            ("a.py", "f.<locals>.<lambda>#2"): "f.<locals>.<lambda>#2",
        })
        self.assertEqual(renamed(pair(base, head)), [])

    def test_a_twin_inserted_first_is_new_and_the_old_one_keeps_its_partner(self):
        base = entry(("g.<locals>.<listcomp>", "OLD"), ("g.<locals>.<genexpr>", "GEN"))
        head = entry(("g.<locals>.<listcomp>", "NEW"), ("g.<locals>.<listcomp>#2", "OLD"))
        self.assertEqual(renamed(pair(base, head)), [
            {"filename": "a.py", "base": "g.<locals>.<listcomp>", "head": "g.<locals>.<listcomp>#2"},
            {"filename": "a.py", "base": "g.<locals>.<genexpr>", "head": None},
        ])

    def test_a_twin_removed_from_the_middle(self):
        names = ["h.<locals>.<lambda>", "h.<locals>.<lambda>#2", "h.<locals>.<lambda>#3"]
        base = entry(*zip(names, "XYZ"))
        head = entry((names[0], "X"), (names[1], "Z2"))
        # X matches X; Y and Z stand against Z2: they pair by position, and the last one is gone.
        self.assertEqual(pair(base, head), {("a.py", names[0]): names[0], ("a.py", names[1]): names[1],
                                            ("a.py", names[2]): None})

    def test_rows_without_a_hash_pair_by_position(self):
        base = entry(rows=["k.<locals>.<lambda>", "k.<locals>.<lambda>#2", "os.path.join"])
        head = entry(rows=["k.<locals>.<lambda>", "os.path.join"])
        self.assertEqual(pair(base, head), {("a.py", "k.<locals>.<lambda>"): "k.<locals>.<lambda>",
                                            ("a.py", "k.<locals>.<lambda>#2"): None,
                                            ("a.py", "os.path.join"): "os.path.join"})


if __name__ == "__main__":
    unittest.main()
