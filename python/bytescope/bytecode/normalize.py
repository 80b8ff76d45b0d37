"""Normalised instructions: what a function's bytecode *is*, independent of where it sits.

A normalised instruction is a plain dict ``{"opname", "argrepr", "category", "label", "line"}``: base (deoptimised)
opname, the argument as shown with jump targets as labels ``L1``, ``L2``... in offset order, its registry category,
its own label and its source line.  Offsets, inline caches, EXTENDED_ARG prefixes and const/name indices are gone,
so two compilations of the same function compare equal even when it moved in the file.  These dicts are what the
harness stores in results files, so everything here (and in :mod:`.diff`) works from the dicts alone.
"""

import hashlib
import json
from collections import Counter
from types import CodeType
from typing import Dict, Iterable, List

from . import disassembly
from .registry import category

EXTENDED_ARG = "EXTENDED_ARG"


_FIRST_LINE = "<first line>"  # what the class body's __firstlineno__ is set to, in place of the number
_LINE_LOADS = ("LOAD_CONST", "LOAD_SMALL_INT")


def _first_line_store(listing: disassembly.Listing):
    """Index of the load with which a 3.13+ class body stores its own line as ``__firstlineno__`` (``LOAD_CONST``, or
    3.14's ``LOAD_SMALL_INT`` below line 256); None in other code. The number is where the class sits, not what it
    is."""
    code = listing.code
    if code.co_flags & disassembly.CO_NEWLOCALS or code.co_name == "<module>":
        return None
    opnames, argreprs = listing.opnames, listing.argreprs
    # The compiler emits it in the prologue, after __module__ and __qualname__.
    for k in range(1, min(len(opnames), 12)):
        if opnames[k] == "STORE_NAME" and argreprs[k] == "__firstlineno__" and opnames[k - 1] in _LINE_LOADS:
            return k - 1
    return None


def normalize_listing(listing: disassembly.Listing) -> List[dict]:
    out = []
    carried_label = None  # a label on an EXTENDED_ARG prefix belongs to the instruction it extends
    argreprs = listing.argreprs
    first_line = _first_line_store(listing)
    if first_line is not None:
        argreprs = list(argreprs)
        argreprs[first_line] = _FIRST_LINE
    for opname, argrepr, label, line in zip(listing.opnames, argreprs, listing.own_labels, listing.lines):
        if opname == EXTENDED_ARG:
            carried_label = carried_label or label
            continue
        out.append(
            {
                "opname": opname,
                "argrepr": argrepr,
                "category": category(opname, argrepr),
                "label": label or carried_label,
                "line": line,
            }
        )
        carried_label = None
    return out


def normalize_code(code: CodeType) -> List[dict]:
    """The normalised instructions of one code object (not of the code objects nested in it)."""
    return normalize_listing(disassembly.read(code))


def _stable_const(value):
    if isinstance(value, CodeType):
        # A nested function is captured and compared on its own: changing a lambda does not change its parent.
        return ["code", value.co_name]
    if isinstance(value, (tuple, frozenset)):
        items = [_stable_const(v) for v in value]
        if isinstance(value, frozenset):
            items.sort(key=repr)
        return [type(value).__name__, items]
    return [type(value).__name__, repr(value)]


def code_hash(code: CodeType) -> str:
    """A hex SHA-256 of the code's normalised instructions, constants (nested code by its name) and names.

    Identical across runs and machines for the same code and Python minor version; unchanged when only line
    numbers or the filename move, or when only a nested function changed (that one is hashed on its own).
    """
    listing = disassembly.read(code)
    consts = [_stable_const(c) for c in code.co_consts]
    first_line = _first_line_store(listing)
    if first_line is not None and listing.opnames[first_line] == "LOAD_CONST":
        # The line's constant is left out unless other code loads it too (the compiler shares equal constants).
        index = listing.args[first_line]
        loaded = (k for k, opcode in enumerate(listing.opcodes) if opcode in disassembly.CONST_OPCODES)
        if all(listing.args[k] != index for k in loaded if k != first_line):
            del consts[index]
    payload = {
        "instructions": [[i["opname"], i["argrepr"], i["label"]] for i in normalize_listing(listing)],
        # In no order: instructions name what they load; the compiler's numbering of constants is not content.
        "consts": sorted(consts, key=json.dumps),
        "names": [code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars],
        "signature": [code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount],
    }
    blob = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def tally(categories: Iterable[str]) -> Dict[str, int]:
    """Category -> count, most frequent first (ties by name, so the order is stable)."""
    return dict(sorted(Counter(categories).items(), key=lambda kv: (-kv[1], kv[0])))


def count_categories(instructions: Iterable[dict]) -> Dict[str, int]:
    """How many normalised instructions fall in each category, most frequent first."""
    return tally(i["category"] for i in instructions)


def normalize_module(code: CodeType) -> Dict[str, List[dict]]:
    """Qualname -> normalised instructions for a module's code object and every code object nested in it."""
    return {qualname: normalize_code(c) for qualname, c in disassembly.walk_code(code)}
