"""Value-stack simulation over the control-flow graph of one code object.

Depths are exact: the depth before every instruction follows ``dis.stack_effect`` along every edge the compiler
counts (fall-through, jumps with the jump effect, exception-table handlers at ``depth + lasti + 1``, or pre-3.11
SETUP_* jumps), so the simulated maximum is the compiler's ``co_stacksize``.  On top of the depths, a single pass in
offset order names each stack slot symbolically (``x``, ``x + 1``, ``len(items)``, ``<iterator of items>`` ...);
the symbolic stack is always exactly as deep as the simulated depth.
"""

import bisect
import dis
from typing import List, NamedTuple, Optional, Tuple

from . import symbolic
from .disassembly import FALLS_THROUGH, Listing

_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR
# Where a generator's frame starts with the value sent by the first send() already on the stack (3.10: GEN_START
# pops it; 3.11-3.12: RETURN_GENERATOR's effect is 0 and the following POP_TOP pops it).
_GENERATORS_START_AT_1 = "GEN_START" in dis.opmap or (
    "RETURN_GENERATOR" in dis.opmap and dis.stack_effect(dis.opmap["RETURN_GENERATOR"]) == 0
)


def _probe_transient_peaks() -> dict:
    """Opcodes the compiler counts with a transient extra slot, detected on this interpreter.

    3.13 folds ``LOAD_CONST; RETURN_VALUE`` into RETURN_CONST after computing the stack size, so an empty function
    has ``co_stacksize`` 1 although RETURN_CONST's own effect is 0.
    """
    code = compile("def f(): pass", "<probe>", "exec").co_consts[0]
    last = list(dis.get_instructions(code))[-1]
    if last.opname == "RETURN_CONST" and code.co_stacksize == 1:
        return {last.opcode: 1}
    return {}


_TRANSIENT_PEAK = _probe_transient_peaks()
# 3.13 counts the implicit ``return None`` it appends to every body before removing it as unreachable, so a body
# ending in ``raise`` or an endless loop still has co_stacksize 1.
_COUNTS_REMOVED_RETURN = compile("def f(): raise", "<probe>", "exec").co_consts[0].co_stacksize == 1
_effects: dict = {}


def _effect(opcode: int, arg: Optional[int], opname: str) -> Tuple[int, int, int, bool]:
    """(fall-through effect, jump effect, transient peak above the input depth, falls through?), memoised."""
    key = (opcode, arg)
    e = _effects.get(key)
    if e is None:
        fall = dis.stack_effect(opcode, arg, jump=False)
        e = _effects[key] = (
            fall,
            dis.stack_effect(opcode, arg, jump=True),
            max(fall, _TRANSIENT_PEAK.get(opcode, 0)),
            FALLS_THROUGH[opname],
        )
    return e


class StackResult(NamedTuple):
    before: List[Optional[int]]  # depth before each instruction; None where unreachable
    after: List[Optional[int]]  # depth after it when it falls through (or, for an exit, as counted by the compiler)
    stacks: List[Optional[Tuple[str, ...]]]  # symbolic stack after each instruction, top last
    max_depth: int
    start_depth: int
    conflicts: List[int]  # offsets reached with two different depths (never expected; kept for the tests)
    dead_max_depth: Optional[int]  # the deepest the compiler may have counted in unreachable code; None if none


def start_depth(code) -> int:
    return 1 if code.co_flags & _GENERATOR_FLAGS and _GENERATORS_START_AT_1 else 0


def _propagate(ops, index_of, handler, work, before, after, jumps, conflicts, max_depth) -> int:
    """Worklist over (index, depth) entry points; fills ``before``/``after``/``jumps``, returns the maximum."""
    n = len(ops)
    effects = _effects
    while work:
        i, depth = work.pop()
        if depth > max_depth:
            max_depth = depth
        while i < n:
            seen = before[i]
            if seen is not None:
                if seen != depth:
                    conflicts.append(ops[i].offset)
                break
            before[i] = depth
            op = ops[i]
            e = effects.get((op.opcode, op.arg)) or _effect(op.opcode, op.arg, op.opname)
            if op.target is not None:
                jd = jumps[i] = depth + e[1]
                if jd > max_depth:
                    max_depth = jd
                t = index_of[op.target]
                if before[t] is None:
                    work.append((t, jd))
                elif before[t] != jd:
                    conflicts.append(ops[t].offset)
            h = handler[i]
            if h is not None:
                if before[h[0]] is None:
                    work.append((h[0], h[1]))
                elif before[h[0]] != h[1]:
                    conflicts.append(ops[h[0]].offset)
            if depth + e[2] > max_depth:
                max_depth = depth + e[2]
            depth += e[0]
            after[i] = depth
            if not e[3]:
                break
            i += 1
    return max_depth


def _rejoin_seeds(ops, index_of, before) -> List[Tuple[int, int]]:
    """Entry depths for dead straight-line code that ends by rejoining code of known depth (a jump or fall-through
    into it): walk back from the rejoining point undoing each instruction's effect."""
    seeds = []
    i = len(ops) - 1
    while i >= 0:
        if before[i] is not None:
            i -= 1
            continue
        op = ops[i]
        fall, jump = _effect(op.opcode, op.arg, op.opname)[:2]
        depth = None
        if not FALLS_THROUGH[op.opname]:
            if op.target is not None and before[index_of[op.target]] is not None:
                depth = before[index_of[op.target]] - jump
        elif i + 1 < len(ops) and before[i + 1] is not None:
            depth = before[i + 1] - fall
        while depth is not None and depth >= 0:
            first = i
            i -= 1
            if i < 0 or before[i] is not None or not FALLS_THROUGH[ops[i].opname]:
                seeds.append((first, depth))
                break
            depth -= _effect(ops[i].opcode, ops[i].arg, ops[i].opname)[0]
        else:
            i -= 1
    return seeds


def simulate(listing: Listing, symbols: bool = True) -> StackResult:
    ops = listing.ops
    n = len(ops)
    offsets = [op.offset for op in ops]
    index_of = {off: i for i, off in enumerate(offsets)}
    handler = [None] * n  # index -> (handler index, depth at the handler, entry)
    for entry in listing.exception_entries:
        hdepth = entry.depth + entry.lasti + 1
        for i in range(bisect.bisect_left(offsets, entry.start), bisect.bisect_left(offsets, entry.end)):
            handler[i] = (index_of[entry.target], hdepth, entry)

    before: List[Optional[int]] = [None] * n
    after: List[Optional[int]] = [None] * n
    jumps: List[Optional[int]] = [None] * n
    conflicts: List[int] = []
    start = start_depth(listing.code)
    max_depth = _propagate(ops, index_of, handler, [(0, start)] if n else [], before, after, jumps, conflicts, start)
    # The compiler also counts dead code it kept (e.g. the handler of a ``try: pass``): estimate its depth
    # separately, so reachable depths stay exact.  Depths inferred back from where dead code rejoins live code are
    # exact, so they go first; an exception entry covering dead code only bounds its depth from below.
    has_dead = None in before
    dead_max = 0
    if has_dead:
        dead_before: List[Optional[int]] = list(before)
        seeds = [(i, handler[i][2].depth) for i in range(n) if before[i] is None and handler[i] is not None][::-1]
        seeds += _rejoin_seeds(ops, index_of, dead_before)
        dead_max = _propagate(ops, index_of, handler, seeds, dead_before, [None] * n, [None] * n, [], 0)
    if _COUNTS_REMOVED_RETURN and max_depth < 1:
        has_dead, dead_max = True, max(dead_max, 1)
    stacks = symbolic.name_slots(listing, index_of, before, after, jumps, handler, start) if symbols else [None] * n
    return StackResult(before, after, stacks, max_depth, start, conflicts, dead_max if has_dead else None)
