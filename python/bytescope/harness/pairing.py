"""Which base function each head function is: the one place base and head functions are paired.

Results name a project function by its addressable qualname (``f.<locals>.<lambda>#2``: the second same-named
function in the file, see ``capture.SourceIndex``). Same-named twins are paired by their order in the code, aligned
by content: twins whose bytecode hash is equal pair first, and the ones between them pair by position. So a
comprehension inserted before an unchanged one is *added*, and the unchanged one keeps its partner, although its
``#n`` moved on by one; a function is never paired with the first of its twins for want of a better key.

``diff`` joins captured functions, profile rows and executed-instruction rows through :func:`pair`, and prints the
pairs whose names differ (``entries[].pairs``) so the action's report reads the same pairing instead of making one.
"""

from difflib import SequenceMatcher


def _split(name):
    """``("f.<locals>.<lambda>", 2)`` for ``f.<locals>.<lambda>#2``; ordinal 1 without a suffix."""
    qualname, _, ordinal = name.partition("#")
    return qualname, int(ordinal) if ordinal.isdigit() else 1


def _functions(entry):
    """{(filename, name): bytecode hash or None} for every function the entry names."""
    found = {}
    for function in entry.get("functions") or []:
        found[(function["filename"], function["qualname"])] = function["hash"]
    for section in ("profile", "instructions"):
        for row in (entry.get(section) or {}).get("functions") or []:
            found.setdefault((row["filename"], row["qualname"]), None)
    return found


def pair(base_entry, head_entry):
    """{(filename, base name): head name, or None when the base function has no partner}, for every base function."""
    groups = {}
    for side, functions in enumerate((_functions(base_entry), _functions(head_entry))):
        for (filename, name), digest in functions.items():
            qualname, ordinal = _split(name)
            groups.setdefault((filename, qualname), ([], []))[side].append((ordinal, name, digest))
    pairs = {}
    for (filename, _), (base, head) in groups.items():
        base.sort()
        head.sort()
        # An unknown hash (source gone) matches nothing; it can still pair by position.
        matcher = SequenceMatcher(
            None, [d or object() for _, _, d in base], [d or object() for _, _, d in head], autojunk=False
        )
        for _, b0, b1, h0, h1 in matcher.get_opcodes():
            for k in range(b0, b1):
                partner = h0 + (k - b0)
                pairs[(filename, base[k][1])] = head[partner][1] if partner < h1 else None
    return pairs


def renamed(pairs):
    """The pairs whose base and head names differ, as printed by ``diff --json``."""
    return [
        {"filename": filename, "base": name, "head": head}
        for (filename, name), head in pairs.items()
        if head != name
    ]
