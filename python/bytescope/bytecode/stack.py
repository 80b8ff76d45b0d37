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
from .registry import Memo

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


def _effect(key: Tuple[int, Optional[int]]) -> Tuple[int, int, int, bool]:
    """(fall-through effect, jump effect, transient peak above the input depth, falls through?) of (opcode, arg)."""
    opcode, arg = key
    fall = dis.stack_effect(opcode, arg, jump=False)
    jump = dis.stack_effect(opcode, arg, jump=True)
    return fall, jump, max(fall, _TRANSIENT_PEAK.get(opcode, 0)), FALLS_THROUGH[dis.opname[opcode]]


_EFFECTS = Memo(_effect)  # (base opcode, arg) -> _effect, for hot loops


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


def _effects_of(listing: Listing) -> List[Tuple[int, int, int, bool]]:
    """Every instruction's ``_effect``, looked up by map in C (the listing's opcodes are base opcodes)."""
    return list(map(_EFFECTS.__getitem__, zip(listing.opcodes, listing.args)))


def _propagate(effects, jump_to, handler, work, before, after, jumps, conflicts, max_depth) -> int:
    """Worklist over (index, depth) entry points; fills ``before``/``after``/``jumps``, returns the maximum.

    ``conflicts`` collects the indices reached with two different depths.
    """
    n = len(effects)
    while work:
        i, depth = work.pop()
        if depth > max_depth:
            max_depth = depth
        while i < n:
            seen = before[i]
            if seen is not None:
                if seen != depth:
                    conflicts.append(i)
                break
            before[i] = depth
            e = effects[i]
            t = jump_to[i]
            if t is not None:
                jd = jumps[i] = depth + e[1]
                if jd > max_depth:
                    max_depth = jd
                if before[t] is None:
                    work.append((t, jd))
                elif before[t] != jd:
                    conflicts.append(t)
            h = handler[i]
            if h is not None:
                if before[h[0]] is None:
                    work.append((h[0], h[1]))
                elif before[h[0]] != h[1]:
                    conflicts.append(h[0])
            if depth + e[2] > max_depth:
                max_depth = depth + e[2]
            depth += e[0]
            after[i] = depth
            if not e[3]:
                break
            i += 1
    return max_depth


def _rejoin_seeds(effects, jump_to, before) -> List[Tuple[int, int]]:
    """Entry depths for dead straight-line code that ends by rejoining code of known depth (a jump or fall-through
    into it): walk back from the rejoining point undoing each instruction's effect."""
    seeds = []
    i = len(effects) - 1
    while i >= 0:
        if before[i] is not None:
            i -= 1
            continue
        fall, jump, _, falls_through = effects[i]
        t = jump_to[i]
        depth = None
        if not falls_through:
            if t is not None and before[t] is not None:
                depth = before[t] - jump
        elif i + 1 < len(effects) and before[i + 1] is not None:
            depth = before[i + 1] - fall
        while depth is not None and depth >= 0:
            first = i
            i -= 1
            if i < 0 or before[i] is not None or not effects[i][3]:
                seeds.append((first, depth))
                break
            depth -= effects[i][0]
        else:
            i -= 1
    return seeds


def simulate(listing: Listing, symbols: bool = True) -> StackResult:
    offsets = listing.offsets  # ascending, so bisect finds the index of an offset
    n = len(offsets)
    jump_to = [None if t is None else bisect.bisect_left(offsets, t) for t in listing.targets]  # target indices
    handler = [None] * n  # index -> (handler index, depth at the handler, entry)
    for entry in listing.exception_entries:
        hdepth = entry.depth + entry.lasti + 1
        target = bisect.bisect_left(offsets, entry.target)
        for i in range(bisect.bisect_left(offsets, entry.start), bisect.bisect_left(offsets, entry.end)):
            handler[i] = (target, hdepth, entry)

    effects = _effects_of(listing)
    before: List[Optional[int]] = [None] * n
    after: List[Optional[int]] = [None] * n
    jumps: List[Optional[int]] = [None] * n
    conflicts: List[int] = []
    start = start_depth(listing.code)
    max_depth = _propagate(effects, jump_to, handler, [(0, start)] if n else [], before, after, jumps, conflicts, start)
    # The compiler also counts dead code it kept (e.g. the handler of a ``try: pass``): estimate its depth
    # separately, so reachable depths stay exact.  Depths inferred back from where dead code rejoins live code are
    # exact, so they go first; an exception entry covering dead code only bounds its depth from below.
    has_dead = None in before
    dead_max = 0
    if has_dead:
        dead_before: List[Optional[int]] = list(before)
        seeds = [(i, handler[i][2].depth) for i in range(n) if before[i] is None and handler[i] is not None][::-1]
        seeds += _rejoin_seeds(effects, jump_to, dead_before)
        dead_max = _propagate(effects, jump_to, handler, seeds, dead_before, [None] * n, [None] * n, [], 0)
    if _COUNTS_REMOVED_RETURN and max_depth < 1:
        has_dead, dead_max = True, max(dead_max, 1)
    stacks = symbolic.name_slots(listing, jump_to, before, after, jumps, handler, start) if symbols else [None] * n
    conflict_offsets = list(map(offsets.__getitem__, conflicts))
    return StackResult(before, after, stacks, max_depth, start, conflict_offsets, dead_max if has_dead else None)
