"""Bytecode capture: the project's functions that ran, as normalised instructions and a content hash.

A function is located by compiling its source file and walking the code objects (the same bytecode the imported
module runs: same source, same Python), so closures, methods and a script's module code are all found without
holding on to the live objects.  Normalisation and hashing are the visualizer's (``bytescope.bytecode``).
"""

from ..bytecode.disassembly import walk_code
from ..bytecode.normalize import code_hash, count_categories, normalize_code


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


def capture_functions(locations, namer, index):
    """Captured-function records for ``(filename, lineno, qualname)`` locations of project code, in file order."""
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
    return [captured[key] for key in sorted(captured, key=lambda k: (captured[k]["filename"], k[1], k[2]))]
