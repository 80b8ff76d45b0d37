"""The data model: one immutable record per instruction and per code object, built once, rendered many ways."""

import contextlib
import dis
import functools
import gc
from itertools import repeat
from types import CodeType
from typing import Any, List, NamedTuple, Optional, Tuple

from . import disassembly, stack
from .registry import USES_ARG, category, lookup


class Instruction(NamedTuple):
    """One instruction of one code object, with everything the renderers show."""

    qualname: str  # of the code object it belongs to
    code: CodeType
    offset: int
    opname: str  # as dis.get_instructions reports it
    baseopname: str  # deoptimised
    arg: Optional[int]
    argval: Any
    argrepr: str  # stable: jump targets as labels, no memory addresses
    line: Optional[int]
    jump_target: Optional[int]  # offset
    jump_label: Optional[str]
    label: Optional[str]  # this instruction's own label
    category: str
    explanation: str
    depth_before: Optional[int]  # None where unreachable
    depth_after: Optional[int]
    stack_after: Optional[Tuple[str, ...]]  # symbolic, top last

    @property
    def reachable(self) -> bool:
        return self.depth_before is not None


_make_instruction = functools.partial(tuple.__new__, Instruction)


class CodeInfo(NamedTuple):
    """One code object: module, class body, function, lambda or comprehension."""

    qualname: str
    code: CodeType
    firstlineno: int
    co_stacksize: int
    max_depth: int
    start_depth: int
    dead_max_depth: Optional[int]
    exception_entries: Tuple[disassembly.ExceptionEntry, ...]
    labels: dict  # offset -> label
    instructions: Tuple[Instruction, ...]


# (opname, arg if the explanation uses it, argrepr, jump label, keyword names) -> text: most instructions repeat
_explanations: dict = {}
_EXPLANATION_CACHE_SIZE = 300_000  # about the distinct instructions of the whole top-level stdlib; tens of MB at most
_KW_NAMES = "KW_NAMES"


def _explain(opname, arg, argval, argrepr, target_label, kwnames) -> str:
    info = lookup(opname)
    if isinstance(info.explain, str):
        text = info.explain.format(argrepr=argrepr, arg=arg, argval=argval, target=target_label)
    else:
        fields = {"opname": opname, "arg": arg, "argval": argval, "argrepr": argrepr, "target": target_label,
                  "kwnames": kwnames}
        text = info.explain(fields)
    if len(_explanations) < _EXPLANATION_CACHE_SIZE:
        _explanations[(opname, arg if USES_ARG[opname] else None, argrepr, target_label, kwnames)] = text
    return text


def _keyword_names(opnames, argvals) -> List[Tuple[str, ...]]:
    """3.11-3.12 name a call's keyword arguments in a KW_NAMES just before the call."""
    kwnames: List[Tuple[str, ...]] = [()] * len(opnames)
    for k in range(len(opnames) - 1):
        if opnames[k] == _KW_NAMES and isinstance(argvals[k], tuple):
            kwnames[k + 1] = argvals[k]
    return kwnames


def build_code_info(qualname: str, code: CodeType) -> CodeInfo:
    listing = disassembly.read(code)
    sim = stack.simulate(listing)
    # Column-wise, like disassembly.read: the records are assembled by zip/map in C.
    opnames, args, argvals, argreprs, labels = (
        listing.opnames, listing.args, listing.argvals, listing.argreprs, listing.labels
    )
    n = len(opnames)
    target_labels = list(map(labels.get, listing.targets))
    kwnames = _keyword_names(opnames, argvals) if _KW_NAMES in dis.opmap else [()] * n
    arg_keys = [a if USES_ARG[o] else None for o, a in zip(opnames, args)]
    explanations = list(map(_explanations.get, zip(opnames, arg_keys, argreprs, target_labels, kwnames)))
    if None in explanations:
        for k, text in enumerate(explanations):
            if text is None:
                explanations[k] = _explain(opnames[k], args[k], argvals[k], argreprs[k], target_labels[k], kwnames[k])
    rows = zip(
        repeat(qualname, n), repeat(code, n), listing.offsets, listing.shown_opnames, opnames, args, argvals,
        argreprs, listing.lines, listing.targets, target_labels, listing.own_labels,
        map(category, opnames, argreprs), explanations, sim.before, sim.after, sim.stacks,
    )
    return CodeInfo(
        qualname, code, code.co_firstlineno, code.co_stacksize, sim.max_depth, sim.start_depth, sim.dead_max_depth,
        tuple(listing.exception_entries), labels, tuple(map(_make_instruction, rows)),
    )


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while building records.

    The analysis allocates several small tuples per instruction, all acyclic (freed by reference counting alone);
    each allocation burst would otherwise trigger collections that traverse every long-lived object of the host
    program, which measured as the largest single cost on big inputs.  The previous state is always restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyse(code: CodeType) -> Tuple[CodeInfo, ...]:
    """Every code object in ``code`` (itself included), in source order."""
    with _gc_paused():
        return tuple(build_code_info(q, c) for q, c in disassembly.walk_code(code))
