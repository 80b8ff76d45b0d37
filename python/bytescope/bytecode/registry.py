"""The one table of instruction categories and plain-English explanations.

Every opname of CPython 3.10-3.14 has an entry (the table is in :mod:`.opcodes`); an opname the table does not know
(3.15 and later) gets a generic entry derived from ``dis.stack_effect`` and the ``dis.has*`` tables, so nothing
downstream ever special-cases a version.  Renderers look up colours and titles here.
"""

import dis
from typing import Callable, NamedTuple, Optional, Union

from .opcodes import TABLE as _TABLE


class Category(NamedTuple):
    name: str
    title: str
    color: str  # ANSI SGR parameters
    singular: str  # one instruction of it, as a sentence counts them: "+1 attribute access"
    plural: str  # "+2 attribute accesses"


CATEGORIES = {
    c.name: c
    for c in (
        Category("load", "load a variable or constant", "32", "load", "loads"),
        Category("store", "store or delete a variable", "33", "store", "stores"),
        Category("attribute", "attribute access", "36", "attribute access", "attribute accesses"),
        Category("subscript", "subscript and slice", "36;2", "subscript", "subscripts"),
        Category(
            "arithmetic", "arithmetic, unary and binary operators", "35",
            "arithmetic operation", "arithmetic operations",
        ),
        Category("comparison", "comparison and identity tests", "35;1", "comparison", "comparisons"),
        Category("control_flow", "jumps and returns", "31;1", "jump or return", "jumps and returns"),
        Category("call", "calls", "34;1", "call", "calls"),
        Category(
            "function", "function and class construction", "34",
            "function construction", "function constructions",
        ),
        Category("container", "container building and unpacking", "93", "container operation", "container operations"),
        Category("format", "string formatting", "93;2", "string formatting step", "string formatting steps"),
        Category("iteration", "iteration", "96", "iteration step", "iteration steps"),
        Category(
            "exception", "exception handling", "91",
            "exception-handling instruction", "exception-handling instructions",
        ),
        Category(
            "context_manager", "context managers", "95",
            "context-manager instruction", "context-manager instructions",
        ),
        Category("generator", "generators and async", "94", "generator instruction", "generator instructions"),
        Category("import", "imports", "92", "import", "imports"),
        Category(
            "pattern", "pattern matching", "95;2",
            "pattern-matching instruction", "pattern-matching instructions",
        ),
        Category("stack", "stack manipulation", "37", "stack manipulation", "stack manipulations"),
        Category("internal", "internal bookkeeping and no-ops", "90", "internal instruction", "internal instructions"),
    )
}

Explainer = Union[str, Callable[[dict], str]]


class OpcodeInfo(NamedTuple):
    category: str
    explain: Explainer  # a str.format template over the fields of ``explanation_fields`` or a function of them
    known: bool = True


_INSTRUMENTED = "INSTRUMENTED_"


def _entry(opname: str) -> Optional[OpcodeInfo]:
    row = _TABLE.get(opname)
    if row is not None:
        return OpcodeInfo(*row)
    if opname.startswith(_INSTRUMENTED):
        base = _entry(opname[len(_INSTRUMENTED):])
        if base is not None:
            return OpcodeInfo(base.category, base.explain)
        return OpcodeInfo("internal", "instrumentation hook for sys.monitoring")
    return None


def _generic(opname: str) -> OpcodeInfo:
    """An entry for an opcode the table does not know, from the facts ``dis`` publishes about it."""
    opcode = dis.opmap.get(opname)
    tables = {
        "hasjump": "control_flow", "hasjrel": "control_flow", "hasjabs": "control_flow", "hasexc": "exception",
        "hascompare": "comparison", "haslocal": "load", "hasfree": "load", "hasname": "load", "hasconst": "load",
    }
    category = next((c for t, c in tables.items() if opcode in getattr(dis, t, ())), "internal")
    if category == "load" and opname.startswith(("STORE_", "DELETE_")):
        category = "store"

    def explain(f):
        try:
            effect = dis.stack_effect(opcode, f["arg"])
        except (ValueError, TypeError):
            effect = None
        parts = [f"`{opname}` (not in bytescope's registry)"]
        if f["argrepr"]:
            parts.append(f"argument {f['argrepr']}")
        if f["target"]:
            parts.append(f"may jump to {f['target']}")
        if effect is not None:
            parts.append(f"net stack effect {effect:+d}")
        return "; ".join(parts)

    return OpcodeInfo(category, explain, known=False)


class Memo(dict):
    """A dict that computes (once) the value of a missing key."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, opname):
        value = self[opname] = self.compute(opname)
        return value


_INFO = Memo(lambda opname: _entry(opname) or _generic(opname))
CATEGORY_OF = Memo(lambda opname: _INFO[opname].category)  # opname -> category name, for hot loops
# opname -> whether its explanation can depend on the raw argument (beyond argrepr and the jump label)
USES_ARG = Memo(lambda opname: not isinstance(_INFO[opname].explain, str) or "{arg}" in _INFO[opname].explain)


def lookup(opname: str) -> OpcodeInfo:
    return _INFO[opname]


# (opname, argrepr) whose category is not its opname's: 3.14 compiles ``a[b]`` to ``BINARY_OP []``.
_CATEGORY_BY_ARGUMENT = {("BINARY_OP", "[]"): "subscript"}


def category(opname: str, argrepr: str) -> str:
    """The category of one instruction: its opname's, unless its argument makes it another kind of operation."""
    return _CATEGORY_BY_ARGUMENT.get((opname, argrepr)) or CATEGORY_OF[opname]


def explain(opname: str, fields: dict) -> str:
    template = lookup(opname).explain
    if isinstance(template, str):
        return template.format_map(fields)
    return template(fields)
