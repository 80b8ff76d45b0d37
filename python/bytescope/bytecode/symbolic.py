"""Symbolic names for the value-stack slots: ``x``, ``x + 1``, ``len(items)``, ``<iterator of items>``...

Depths come from :mod:`.stack` and are exact; this module only names the slots.  One pass in offset order: an
instruction's input is what its already-visited predecessors left (slots on which they disagree are shown as
``a | b``), its rule pops and pushes names, and the result is trimmed or padded to the exact simulated depth, so
a rule can never make the symbolic stack disagree with the real one.  Opnames without a rule pop the right number
of slots and push ``<OPNAME>``.
"""

from typing import Dict, List, Optional, Tuple

from .disassembly import FALLS_THROUGH
from .slot_rules import MAX_LEN, RULES, TUPLE_RULES, push_argrepr, short

# 3.10's SETUP_* handlers start with the previous and the new exception triples above the saved stack.
_EXC_TRIPLES = ("<prev traceback>", "<prev exception>", "<prev exc type>", "<traceback>", "<exception>", "<exc type>")
_SETUP = ("SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH", "SETUP_CLEANUP")


def _fit(stack: Tuple[str, ...], depth: int, filler: str) -> Tuple[str, ...]:
    """``stack`` cut, or padded with ``filler``, to ``depth`` slots."""
    if len(stack) > depth:
        return stack[:depth]
    if len(stack) < depth:
        return stack + (filler,) * (depth - len(stack))
    return stack


def _join(incoming: List[Tuple[str, ...]]) -> Tuple[str, ...]:
    """The stack where control flows meet: slots on which the arriving stacks disagree list the alternatives."""
    first = incoming[0]
    if incoming.count(first) == len(incoming):
        return first
    return tuple(short(" | ".join(dict.fromkeys(values))) for values in zip(*incoming))


def _jump_stack(opname, stack_in: Tuple[str, ...], fallthrough: Tuple[str, ...], depth: int) -> Tuple[str, ...]:
    """The stack along a jump edge: the input or fall-through stack fitted to the jump depth."""
    if opname in _SETUP and depth >= len(_EXC_TRIPLES):
        return _fit(stack_in, depth - len(_EXC_TRIPLES), "?") + _EXC_TRIPLES
    if len(fallthrough) == depth:
        return fallthrough
    return _fit(stack_in, depth, f"<{opname}>")


def name_slots(listing, jump_to, before, after, jumps, handler, start) -> List[Optional[Tuple[str, ...]]]:
    opnames, argvals, argreprs, targets = listing.opnames, listing.argvals, listing.argreprs, listing.targets
    labelled = listing.own_labels  # only jump and handler targets have labels, so only they can have arrivals
    n = len(opnames)
    # Stacks arriving by jumps and exception edges, keyed by target; plain fall-through needs no bookkeeping.
    incoming: Dict[int, List[Tuple[str, ...]]] = {}
    stacks: List[Optional[Tuple[str, ...]]] = [None] * n
    handled = set()
    ctx: dict = {}
    rules, tuple_rules = RULES, TUPLE_RULES
    prev: Optional[Tuple[str, ...]] = ("<sent value>",) * start if n else None  # what falls into the next one
    for i in range(n):
        depth = before[i]
        if depth is None:
            prev = None
            continue
        # The input stack, as a tuple: what fell through, joined with what arrived by jumps and exceptions.
        arriving = incoming.pop(i, None) if labelled[i] is not None else None
        if arriving is not None:
            if prev is not None:
                arriving.append(prev)
            prev = _join(arriving)
            if len(prev) != depth:
                prev = _fit(prev, depth, "?")
        elif prev is None:
            prev = ("?",) * depth
        out_depth = after[i]
        h = handler[i]
        opname = opnames[i]
        rule = rules.get(opname)
        out = None
        if h is None or h[2] in handled:
            # Fast paths, on tuples, for the bulk of instructions: plain loads push their argument, instructions
            # without a rule (stores, pops, most jumps and exits) only drop slots, common expressions have a tuple
            # rule.
            if rule is push_argrepr:
                argrepr = argreprs[i]
                stacks[i] = prev = prev + (argrepr if len(argrepr) <= MAX_LEN else short(argrepr),)
                continue
            if rule is None:
                if out_depth <= depth:
                    stack_in, out = prev, prev[:out_depth]
            else:
                fast = tuple_rules.get(opname)
                if fast is not None and not ctx and depth >= fast[0]:
                    out = fast[1](prev, opname, argvals[i], argreprs[i], depth - out_depth + 1)
                    if len(out) == out_depth:
                        stacks[i] = prev = out  # no tuple rule is for a jump or an exit
                        continue
                    out = None
        if out is None:
            stack_in = prev if len(prev) == depth else _fit(prev, depth, "?")
            if h is not None and h[2] not in handled and h[0] > i:
                handled.add(h[2])
                entry = h[2]
                exc = stack_in[: entry.depth] + (("<lasti>",) if entry.lasti else ()) + ("<exception>",)
                incoming.setdefault(h[0], []).append(exc)
            s = list(stack_in)
            if rule is not None:
                # The third argument: slots consumed if one result is pushed.
                rule(s, listing.op(i), depth - out_depth + 1, ctx)
            elif out_depth < depth:
                del s[out_depth:]
            else:
                s.extend([f"<{opname}>"] * (out_depth - depth))
            out = tuple(s) if len(s) == out_depth else _fit(tuple(s), out_depth, f"<{opname}>")
        stacks[i] = out
        if targets[i] is not None:
            t = jump_to[i]
            if t > i:
                incoming.setdefault(t, []).append(_jump_stack(opname, stack_in, out, jumps[i]))
        prev = out if FALLS_THROUGH[opname] else None
    return stacks
