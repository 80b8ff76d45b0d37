"""Bytecode capture: the project's functions that ran, as normalised instructions and a content hash.

A function is located by compiling its source file and walking the code objects (the same bytecode the imported
module runs: same source, same Python), so closures, methods and a script's module code are all found without
holding on to the live objects.  Normalisation and hashing are the visualizer's (``bytescope.bytecode``).
"""

from ..bytecode.disassembly import read, walk_code
from ..bytecode.normalize import EXTENDED_ARG, code_hash, count_categories, normalize_code


def _last_line(code):
    lines = [line for _, _, line in code.co_lines() if line is not None]
    return max(lines, default=code.co_firstlineno)


class SourceIndex:
    """Code objects of each source file, compiled once, by (first line, name)."""

    def __init__(self):
        self._files = {}

    def _index(self, filename):
        if filename not in self._files:
            index = {}
            try:
                with open(filename, "rb") as handle:
                    module = compile(handle.read(), filename, "exec", dont_inherit=True)
            except (OSError, SyntaxError, ValueError):
                module = None  # the file changed or vanished since it ran: nothing to capture from it
            if module is not None:
                for qualname, code in walk_code(module):
                    index.setdefault((code.co_firstlineno, code.co_name), []).append((qualname, code))
            self._files[filename] = index
        return self._files[filename]

    def find(self, filename, lineno, qualname):
        candidates = self._index(filename).get((lineno, qualname.rsplit(".", 1)[-1]), [])
        for found in candidates:
            if found[0] == qualname:
                return found
        return candidates[0] if candidates else None

    def qualname(self, code):
        """``co_qualname``; on 3.10, which lacks it, the qualname the compiler would give, found from the source."""
        qualname = getattr(code, "co_qualname", None)
        if qualname is None:
            candidates = self._index(code.co_filename).get((code.co_firstlineno, code.co_name))
            qualname = candidates[0][0] if candidates else code.co_name
        return qualname


def _executed_per_instruction(code, offsets):
    """How often each normalised instruction ran: the count at its own offset (EXTENDED_ARG prefixes are dropped
    by the normalisation as they are here).  None for what 3.11+ never report to any collector: RESUME and the
    prologue before the first one (they run, uncounted)."""
    listing = read(code)
    kept = [(offset, opname) for offset, opname in zip(listing.offsets, listing.opnames) if opname != EXTENDED_ARG]
    names = [opname for _, opname in kept]
    prologue = names.index("RESUME") if "RESUME" in names else -1
    return [
        None if index <= prologue or (prologue >= 0 and opname == "RESUME") else offsets.get(offset, 0)
        for index, (offset, opname) in enumerate(kept)
    ]


def capture_functions(locations, namer, index, executed=None):
    """Captured-function records for ``(filename, lineno, qualname)`` locations of project code, in file order;
    with ``executed`` ({location: {offset: executions}}, from the instruction pass) each record also says how often
    each of its instructions ran (0 for those that did not)."""
    captured = {}
    for filename, lineno, qualname in locations:
        if not namer.is_project(filename):
            continue
        found = index.find(filename, lineno, qualname)
        if found is None:
            continue
        name, code = found
        key = (filename, code.co_firstlineno, name)
        if key in captured:
            continue
        instructions = normalize_code(code)
        captured[key] = {
            "qualname": name,
            "filename": namer.name(filename),
            "firstlineno": code.co_firstlineno,
            "lastlineno": _last_line(code),
            "hash": code_hash(code),
            "instructions": instructions,
            "category_counts": count_categories(instructions),
        }
        if executed is not None:
            offsets = executed.get((filename, code.co_firstlineno, name), {})
            captured[key]["executed"] = _executed_per_instruction(code, offsets)
    return [captured[key] for key in sorted(captured, key=lambda k: (captured[k]["filename"], k[1], k[2]))]
