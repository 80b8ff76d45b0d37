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


def _unsuffixed(name):
    """The compiler's qualname of an addressable name: ``f.<locals>.<lambda>#2`` -> ``f.<locals>.<lambda>``."""
    return name.split("#", 1)[0]


class SourceIndex:
    """Code objects of each source file, compiled once, by (first line, name).

    It also gives every function of a file its identity in results: the addressable name of
    :func:`~bytescope.bytecode.disassembly.walk_code` (the qualname, ``#2``, ``#3``... for a later same-named twin
    such as a second lambda or comprehension in one scope). Base and head pair by that name, so a function is
    paired by its place in the code, not by its line and never with the first of its twins.
    """

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
                for name, code in walk_code(module):
                    index.setdefault((code.co_firstlineno, code.co_name), []).append((name, code))
            self._files[filename] = index
        return self._files[filename]

    def find(self, filename, lineno, qualname, code=None):
        """``(addressable name, code)`` of the function named ``qualname`` (as the compiler or the 3.10 profiler
        names it, or already addressable) that starts at ``lineno``; None when the source has no such function.
        With the live ``code``, twins on one line (two lambdas) are told apart by their bytecode."""
        candidates = self._index(filename).get((lineno, _unsuffixed(qualname).rsplit(".", 1)[-1]), [])
        if code is not None:
            candidates = [c for c in candidates if _same_code(c[1], code)] or candidates
        for wanted in (lambda name: name == qualname, lambda name: _unsuffixed(name) == qualname):
            for found in candidates:
                if wanted(found[0]):
                    return found
        # 3.10's profiler names some code objects differently (no co_qualname); one candidate is still certain.
        return candidates[0] if len(candidates) == 1 else None

    def name(self, filename, lineno, qualname):
        """The identity results give a function of a project file: its addressable name (``qualname`` itself when
        the source no longer has it)."""
        found = self.find(filename, lineno, qualname)
        return found[0] if found else qualname

    def qualname(self, code):
        """The addressable name of a live code object of a project file."""
        qualname = getattr(code, "co_qualname", None) or code.co_name
        found = self.find(code.co_filename, code.co_firstlineno, qualname, code)
        return found[0] if found else qualname


def _same_code(compiled, live):
    return compiled.co_code == live.co_code and compiled.co_consts == live.co_consts


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
