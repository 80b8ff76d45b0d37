"""The data model: one immutable record per instruction and per code object, built once, rendered many ways."""

from types import CodeType
from typing import Any, List, NamedTuple, Optional, Tuple

from . import disassembly, stack
from .registry import CATEGORY_OF, lookup


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


_explanations: dict = {}


def _explain(op, target_label, kwnames) -> str:
    """Explanations depend only on these fields; most instructions repeat (``LOAD_FAST self``), so memoise."""
    info = lookup(op.opname)
    if isinstance(info.explain, str):
        text = info.explain.format(argrepr=op.argrepr, arg=op.arg, argval=op.argval, target=target_label)
    else:
        fields = {"opname": op.opname, "arg": op.arg, "argval": op.argval, "argrepr": op.argrepr,
                  "target": target_label, "kwnames": kwnames}
        text = info.explain(fields)
    if len(_explanations) < 100_000:
        _explanations[(op.opname, op.arg, op.argrepr, target_label, kwnames)] = text
    return text


def build_code_info(qualname: str, code: CodeType) -> CodeInfo:
    listing = disassembly.read(code)
    sim = stack.simulate(listing)
    labels = listing.labels
    records: List[Instruction] = []
    append = records.append
    make = tuple.__new__  # skips namedtuple's Python-level __new__: this loop runs once per instruction
    kwnames: Tuple[str, ...] = ()
    explanations = _explanations
    for op, before, after, stack_after in zip(listing.ops, sim.before, sim.after, sim.stacks):
        target_label = labels.get(op.target) if op.target is not None else None
        explanation = explanations.get((op.opname, op.arg, op.argrepr, target_label, kwnames))
        if explanation is None:
            explanation = _explain(op, target_label, kwnames)
        # 3.11-3.12 name a call's keyword arguments in a KW_NAMES just before it.
        kwnames = op.argval if op.opname == "KW_NAMES" and isinstance(op.argval, tuple) else ()
        append(
            make(
                Instruction,
                (qualname, code, op.offset, op.shown_opname, op.opname, op.arg, op.argval, op.argrepr, op.line,
                 op.target, target_label, op.label, CATEGORY_OF[op.opname], explanation, before,
                 after if before is not None else None, stack_after),
            )
        )
    return CodeInfo(
        qualname, code, code.co_firstlineno, code.co_stacksize, sim.max_depth, sim.start_depth, sim.dead_max_depth,
        tuple(listing.exception_entries), labels, tuple(records),
    )


def analyse(code: CodeType) -> Tuple[CodeInfo, ...]:
    """Every code object in ``code`` (itself included), in source order."""
    return tuple(build_code_info(q, c) for q, c in disassembly.walk_code(code))
