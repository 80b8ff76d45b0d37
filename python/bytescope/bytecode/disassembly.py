"""Read one code object through ``dis.get_instructions`` into version-independent, stable records.

This is the only module that touches ``dis`` instruction objects.  Differences between CPython versions (line
numbers, jump-target labels, specialised opnames, exception tables) are absorbed here by feature detection, so
everything above it sees one shape.
"""

import dis
import functools
from itertools import compress, count
from types import CodeType
from typing import Any, Iterator, List, NamedTuple, Optional, Sequence

from .registry import Memo

JUMP_OPCODES = frozenset(getattr(dis, "hasjump", ())) | frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
CONST_OPCODES = frozenset(dis.hasconst)
# 3.14's LOAD_SMALL_INT carries its value in the argument and dis shows no argrepr: without one, ``x - 1`` and
# ``x - 2`` would normalise (and hash) alike.
_SMALL_INT = dis.opmap.get("LOAD_SMALL_INT")
_KW_NAMES = dis.opmap.get("KW_NAMES")
# Quickened (specialised) opnames back to the base instruction they stand for.
_DEOPT = {spec: base for base, specs in getattr(dis, "_specializations", {}).items() for spec in specs}
_HAS_LINE_NUMBER = "line_number" in dis.Instruction._fields
_HAS_POSITIONS = "positions" in dis.Instruction._fields
_FIELD = {name: k for k, name in enumerate(dis.Instruction._fields)}
CO_NEWLOCALS = 0x2  # set on function scopes; class bodies and modules lack it
_EXITS = frozenset(
    {"RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_ABSOLUTE",
     "JUMP_BACKWARD_NO_INTERRUPT", "JUMP", "JUMP_NO_INTERRUPT"}
)


def falls_through(opname: str) -> bool:
    """False for instructions after which control never reaches the next one (unconditional jumps, exits)."""
    if opname.startswith("INSTRUMENTED_"):
        opname = opname[len("INSTRUMENTED_"):]
    return opname not in _EXITS and not (opname.startswith("JUMP") and "_IF_" not in opname)


FALLS_THROUGH = Memo(falls_through)  # opname -> falls_through(opname), for hot loops


class Op(NamedTuple):
    """One instruction as read, row-wise: base opname, stable argrepr, its source line, jump target and label."""

    offset: int
    opname: str  # base (deoptimised) opname
    shown_opname: str  # as dis.get_instructions reported it
    opcode: int
    arg: Optional[int]
    argval: Any
    argrepr: str
    line: Optional[int]
    target: Optional[int]  # jump-target offset
    label: Optional[str]  # this instruction's own label, when something jumps (or unwinds) to it


_make_op = functools.partial(tuple.__new__, Op)  # builds an Op from a row without namedtuple's Python __new__


class ExceptionEntry(NamedTuple):
    start: int
    end: int
    target: int
    depth: int
    lasti: bool


class Listing(NamedTuple):
    """One code object's instructions as read, column-wise: item ``k`` of every column is about instruction ``k``.

    Columns, not one record per instruction: everything built on a listing runs over every instruction the tool
    ever shows, so its records are assembled from the columns by zip/map in C and its hot loops index them.
    """

    code: CodeType
    offsets: Sequence[int]
    opnames: Sequence[str]  # base (deoptimised) opnames
    shown_opnames: Sequence[str]  # as dis.get_instructions reported them
    opcodes: Sequence[int]
    args: Sequence[Optional[int]]
    argvals: Sequence[Any]
    argreprs: Sequence[str]  # stable: jump targets as labels, no memory addresses
    lines: Sequence[Optional[int]]
    targets: Sequence[Optional[int]]  # jump-target offsets
    own_labels: Sequence[Optional[str]]  # each instruction's own label, when something jumps (or unwinds) to it
    labels: dict  # offset -> "L1", "L2", ... in offset order
    exception_entries: List[ExceptionEntry]

    def op(self, k: int) -> Op:
        """Instruction ``k`` as one record, for code that needs all of one instruction rather than a column."""
        return _make_op((
            self.offsets[k], self.opnames[k], self.shown_opnames[k], self.opcodes[k], self.args[k], self.argvals[k],
            self.argreprs[k], self.lines[k], self.targets[k], self.own_labels[k],
        ))


_UNSTABLE_REPR = frozenset({CodeType, tuple, frozenset})  # types whose plain repr is not stable_repr


def stable_repr(value) -> str:
    """``repr`` without memory addresses or hash-seed dependent ordering, so it is identical across runs."""
    if isinstance(value, CodeType):
        return f"<code {value.co_name}>"
    if isinstance(value, tuple):
        items = [stable_repr(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, frozenset):
        return f"frozenset({{{', '.join(sorted(stable_repr(v) for v in value))}}})" if value else "frozenset()"
    return repr(value)


def exception_entries(code: CodeType) -> List[ExceptionEntry]:
    """The exception table (3.11+); empty before 3.11, where handlers are SETUP_* jumps."""
    if not getattr(code, "co_exceptiontable", None):
        return []
    parse = getattr(dis, "_parse_exception_table", None)
    entries = parse(code) if parse else dis.Bytecode(code).exception_entries
    return [ExceptionEntry(e.start, e.end, e.target, e.depth, bool(e.lasti)) for e in entries]


def _lines(columns) -> Sequence[Optional[int]]:
    """The source line of every instruction, whichever way this version's dis reports it."""
    if _HAS_LINE_NUMBER:
        return columns[_FIELD["line_number"]]
    if _HAS_POSITIONS:
        return [p.lineno for p in columns[_FIELD["positions"]]]
    # 3.10: only the first instruction of a line has starts_line; carry it forward.
    line = None
    return [line := (line if start is None else start) for start in columns[_FIELD["starts_line"]]]


def _indices(predicate, values) -> Iterator[int]:
    """The indices of the values that satisfy ``predicate``, found by compress/map in C."""
    return compress(count(), map(predicate, values))


def read(code: CodeType) -> Listing:
    # Column-wise: this runs for every instruction the tool ever shows, so the per-instruction work is done by
    # zip/map in C wherever it can be, and only jumps and constants get a Python-level touch-up.
    raw = list(dis.get_instructions(code))
    entries = exception_entries(code)
    columns = list(zip(*raw)) or [()] * len(_FIELD)
    shown, offsets, args = columns[_FIELD["opname"]], columns[_FIELD["offset"]], columns[_FIELD["arg"]]
    opcodes = columns[_FIELD["opcode"]]
    argvals = list(columns[_FIELD["argval"]])
    argreprs = list(columns[_FIELD["argrepr"]])
    opnames = list(map(_DEOPT.get, shown, shown)) if _DEOPT else shown
    jumps = list(_indices(JUMP_OPCODES.__contains__, opcodes))
    # A "jump" whose argument says where control came *from* is no jump (3.14's END_ASYNC_FOR names the SEND of
    # its loop, for sys.monitoring): it falls through, and its argument is shown as a label like a target.
    references = [k for k in jumps if argreprs[k].startswith("from ")]
    if references:
        jumps = [k for k in jumps if not argreprs[k].startswith("from ")]
    jump_targets = set(map(argvals.__getitem__, jumps + references))
    if entries:
        jump_targets.update(e.target for e in entries)
    labels = dict(zip(sorted(jump_targets), map("L{}".format, count(1))))
    targets: List[Optional[int]] = [None] * len(raw)
    for k in jumps:
        targets[k] = argvals[k]
        argreprs[k] = f"to {labels[argvals[k]]}"
    for k in references:
        argreprs[k] = f"from {labels[argvals[k]]}"
    if _SMALL_INT is not None:
        for k in _indices(_SMALL_INT.__eq__, opcodes):
            argreprs[k] = repr(argvals[k])
    if _KW_NAMES is not None:
        for k in _indices(_KW_NAMES.__eq__, opcodes):
            # 3.11's dis does not resolve KW_NAMES' constant; without it keyword renames would be invisible.
            if args[k] is not None:
                argvals[k] = code.co_consts[args[k]]
                argreprs[k] = stable_repr(argvals[k])
    for k in _indices(CONST_OPCODES.__contains__, opcodes):
        if type(argvals[k]) in _UNSTABLE_REPR:
            argreprs[k] = stable_repr(argvals[k])
    if opnames is not shown:
        opcodes = [dis.opmap.get(name, opcode) for name, opcode in zip(opnames, opcodes)]
    own_labels = list(map(labels.get, offsets))
    return Listing(
        code, offsets, opnames, shown, opcodes, args, argvals, argreprs, _lines(columns), targets, own_labels, labels,
        entries,
    )


def walk_code(code: CodeType):
    """Yield ``(qualname, code)`` for ``code`` and every code object nested in it, depth first in source order.

    Qualnames come from ``co_qualname`` (3.11+) or are derived the same way the compiler does; a repeated qualname
    (two lambdas in one scope, a redefined function) gets a ``#2``, ``#3`` suffix so each is addressable.
    """
    seen: dict = {}

    def visit(c, parent_qualname, parent_is_class):
        own = getattr(c, "co_qualname", None)
        if own is None:
            if parent_qualname in (None, "<module>"):
                own = c.co_name
            elif parent_is_class:
                own = f"{parent_qualname}.{c.co_name}"
            else:
                own = f"{parent_qualname}.<locals>.{c.co_name}"
        n = seen[own] = seen.get(own, 0) + 1
        name = own if n == 1 else f"{own}#{n}"
        yield name, c
        is_class = not c.co_flags & CO_NEWLOCALS and parent_qualname is not None
        for const in c.co_consts:
            if isinstance(const, CodeType):
                yield from visit(const, own, is_class)

    yield from visit(code, None, False)
