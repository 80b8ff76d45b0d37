"""Symbolic names for the value-stack slots: ``x``, ``x + 1``, ``len(items)``, ``<iterator of items>``...

Depths come from :mod:`.stack` and are exact; this module only names the slots.  One pass in offset order: an
instruction's input is what its already-visited predecessors left (slots on which they disagree are shown as
``a | b``), its rule pops and pushes names, and the result is trimmed or padded to the exact simulated depth, so
a rule can never make the symbolic stack disagree with the real one.  Opnames without a rule pop the right number
of slots and push ``<OPNAME>``.
"""

import ast
import re
from typing import Callable, Dict, List, Optional, Tuple

from .disassembly import FALLS_THROUGH

NULL = "<NULL>"
SELF_OR_NULL = "<self or NULL>"
_NULLS = (NULL, SELF_OR_NULL)
_MAX_LEN = 60
# The repr of a tuple of identifier-like strings, and one of its strings: exactly what literal_eval would read.
_NAMES_TUPLE = re.compile(r"\('\w+',\)|\('\w+'(?:, '\w+')+\)")
_QUOTED_NAME = re.compile(r"'(\w+)'")
# 3.10's SETUP_* handlers start with the previous and the new exception triples above the saved stack.
_EXC_TRIPLES = ("<prev traceback>", "<prev exception>", "<prev exc type>", "<traceback>", "<exception>", "<exc type>")
_SETUP = ("SETUP_FINALLY", "SETUP_WITH", "SETUP_ASYNC_WITH", "SETUP_CLEANUP")
_BINARY = {
    "ADD": "+", "SUBTRACT": "-", "MULTIPLY": "*", "TRUE_DIVIDE": "/", "FLOOR_DIVIDE": "//", "MODULO": "%",
    "POWER": "**", "MATRIX_MULTIPLY": "@", "LSHIFT": "<<", "RSHIFT": ">>", "AND": "&", "OR": "|", "XOR": "^",
}


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LEN else text[: _MAX_LEN - 1] + "…"


def _operand(text: str) -> str:
    """Parenthesise compound expressions used as an operand."""
    return f"({text})" if " " in text and not text.startswith(("<", "(", "[", "{")) else text


def _pop(s: List[str], k: int) -> List[str]:
    if k <= 0:
        return []
    popped = s[-k:]
    del s[-k:]
    return popped


def _call(s, op, k, ctx):
    popped = _pop(s, k)
    if ctx.pop("precalled", False):  # 3.11: PRECALL already rendered the call
        s.append(popped[-1] if popped else "?")
        return
    s.append(_render_call(popped, op.opname, ctx))


def _precall(s, op, k, ctx):
    """3.11 splits a call in two: PRECALL pops the arguments, CALL the callable; render it here."""
    rendered = _render_call(_pop(s, (op.arg or 0) + 2), op.opname, ctx)
    s.extend((NULL, rendered))
    ctx["precalled"] = True


def _render_call(popped, opname, ctx) -> str:
    kwnames: Tuple[str, ...] = ()
    if opname in ("CALL_KW", "CALL_FUNCTION_KW") and popped:
        kwnames = _literal_names(popped.pop())
    elif ctx.get("kwnames"):
        kwnames = ctx.pop("kwnames")
    values = [v for v in popped if v not in _NULLS]  # the callable, then its arguments
    if values:
        func, args = values[0], values[1:]
    else:
        func, args = popped[0] if popped else "<callable>", []
    if opname == "CALL_FUNCTION_EX":
        rendered = [f"*{args[0]}"] + [f"**{a}" for a in args[1:2]] if args else []
    elif kwnames:
        positional = args[: len(args) - len(kwnames)]
        rendered = positional + [f"{n}={v}" for n, v in zip(kwnames, args[len(positional):])]
    else:
        rendered = args
    return _short(f"{func}({', '.join(rendered)})")


def _literal_names(text: str) -> Tuple[str, ...]:
    if _NAMES_TUPLE.fullmatch(text):  # the usual keyword names: read them without the cost of parsing
        return tuple(_QUOTED_NAME.findall(text))
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return ()
    return tuple(value) if isinstance(value, tuple) else ()


def _binary_text(a: str, b: str, sym: str) -> str:
    if sym.endswith("=") and sym not in ("==", "!=", "<=", ">="):
        sym = sym[:-1]  # in-place operator: show the operation
    if sym.startswith("bool(") and sym.endswith(")"):
        sym = sym[5:-1]  # 3.13 COMPARE_OP that also converts to bool
    if sym == "[]":  # 3.14: subscript is BINARY_OP []
        return _short(f"{_operand(a)}[{b}]")
    return _short(f"{_operand(a)} {sym} {_operand(b)}")


def _binary(symbol: str):
    def rule(s, op, k, ctx):
        a, b = _pop(s, 2) if len(s) >= 2 else ("?", "?")
        s.append(_binary_text(a, b, symbol or op.argrepr))

    return rule


def _replace_top(fmt: str):
    def rule(s, op, k, ctx):
        top = s.pop() if s else "?"
        s.append(_short(fmt.format(x=top, op=op)))

    return rule


def _push(fmt: str):
    return lambda s, op, k, ctx: s.append(_short(fmt.format(op=op)))


def _push_argrepr(s, op, k, ctx):
    s.append(_short(op.argrepr))


def _reduce(render: Callable[[List[str], object], str]):
    """Pop as many slots as the depths say, push one rendered value."""
    return lambda s, op, k, ctx: s.append(_short(render(_pop(s, k), op)))


def _load_global(s, op, k, ctx):
    s.extend(_global_slots(op.argval, op.argrepr))


def _attr_slots(obj: str, opname: str, argval, argrepr: str) -> Tuple[str, ...]:
    text = _short(f"{_operand(obj)}.{argval}")
    return (text, SELF_OR_NULL) if "NULL|self" in argrepr or opname == "LOAD_METHOD" else (text,)


def _load_attr(s, op, k, ctx):
    s.extend(_attr_slots(s.pop() if s else "?", op.opname, op.argval, op.argrepr))


def _global_slots(argval, argrepr: str) -> Tuple[str, ...]:
    name, r = str(argval), argrepr
    return (NULL, name) if r.startswith("NULL + ") else (name, NULL) if r.endswith(" + NULL") else (name,)


def _load_super(s, op, k, ctx):
    _pop(s, 3)  # global super, class, self
    s.append(f"super().{op.argval}")
    if k == 2:  # popped three, pushed two: a method and self
        s.append(SELF_OR_NULL)


def _unpack(s, op, k, ctx):
    seq = s.pop() if s else "?"
    s.extend(f"{_operand(seq)}[{n}]" for n in reversed(range(op.arg or 0)))


def _for_iter(s, op, k, ctx):
    it = s[-1] if s else "?"
    inner = it[len("<iterator of "):-1] if it.startswith("<iterator of ") else it
    s.append(f"<item of {inner}>")


def _copy(s, op, k, ctx):
    s.append(s[-op.arg] if 0 < op.arg <= len(s) else "?")


def _swap(s, op, k, ctx):
    if 0 < op.arg <= len(s):
        s[-1], s[-op.arg] = s[-op.arg], s[-1]


def _rot(n: Optional[int]):
    def rule(s, op, k, ctx):
        depth = n or op.arg
        if 0 < depth <= len(s):
            s.insert(len(s) - depth, s.pop())

    return rule


def _dup(n: int):
    return lambda s, op, k, ctx: s.extend(s[-n:])


def _make_function(popped, op):
    code = next((v for v in reversed(popped) if v.startswith("<code ")), "<code ?>")
    return f"<function {code[6:-1]}>"


def _build_string(popped, op):
    parts = []
    for v in popped:
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
            parts.append(v[1:-1])
        elif v.startswith("format(") and v.endswith(")"):
            parts.append("{" + v[7:-1] + "}")
        else:
            parts.append("{" + v + "}")
    return "f'" + "".join(parts) + "'"


def _const_key_map(popped, op):
    keys = _literal_names(popped[-1]) if popped else ()
    values = popped[:-1]
    if len(keys) != len(values):
        return "<dict>"
    return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(keys, values)) + "}"


def _pairs(popped, op):
    return "{" + ", ".join(f"{popped[n]}: {popped[n + 1]}" for n in range(0, len(popped) - 1, 2)) + "}"


def _kw_names(s, op, k, ctx):
    ctx["kwnames"] = tuple(op.argval) if isinstance(op.argval, tuple) else ()


def _push_exc_info(s, op, k, ctx):
    exc = s.pop() if s else "<exception>"
    s.extend(("<previous exception>", exc))


def _before_with(exit_name: str, enter: str):
    def rule(s, op, k, ctx):
        mgr = s.pop() if s else "?"
        s.extend((f"<{exit_name} of {mgr}>", enter.format(mgr=_operand(mgr))))

    return rule


def _load_special(s, op, k, ctx):
    """3.14 ``with``: the manager's ``__enter__``/``__exit__`` (or async twins), then self."""
    owner = s.pop() if s else "?"
    s.extend((_short(f"{_operand(owner)}.{op.argrepr}"), SELF_OR_NULL))


def _store_fast_load_fast(s, op, k, ctx):
    if s:
        s.pop()
    s.append(str(op.argval[1]) if isinstance(op.argval, tuple) else "?")


_RULES: Dict[str, Callable] = {
    "LOAD_FAST": _push_argrepr,
    "LOAD_FAST_CHECK": _push_argrepr,
    "LOAD_FAST_AND_CLEAR": _push_argrepr,
    "LOAD_FAST_BORROW": _push_argrepr,
    "LOAD_COMMON_CONSTANT": _push_argrepr,
    "LOAD_DEREF": _push_argrepr,
    "LOAD_NAME": _push_argrepr,
    "LOAD_CLASSDEREF": _push_argrepr,
    "LOAD_CONST": _push_argrepr,
    "LOAD_SMALL_INT": _push_argrepr,
    "LOAD_CLOSURE": _push("<cell {op.argrepr}>"),
    "LOAD_FAST_LOAD_FAST": lambda s, op, k, ctx: s.extend(str(v) for v in op.argval),
    "LOAD_FAST_BORROW_LOAD_FAST_BORROW": lambda s, op, k, ctx: s.extend(str(v) for v in op.argval),
    "STORE_FAST_LOAD_FAST": _store_fast_load_fast,
    "LOAD_GLOBAL": _load_global,
    "LOAD_ATTR": _load_attr,
    "LOAD_METHOD": _load_attr,
    "LOAD_SUPER_ATTR": _load_super,
    "LOAD_ASSERTION_ERROR": _push("AssertionError"),
    "LOAD_SPECIAL": _load_special,
    "LOAD_BUILD_CLASS": _push("__build_class__"),
    "LOAD_LOCALS": _push("locals()"),
    "LOAD_FROM_DICT_OR_DEREF": _replace_top("{op.argval}"),
    "LOAD_FROM_DICT_OR_GLOBALS": _replace_top("{op.argval}"),
    "PUSH_NULL": _push(NULL),
    "BINARY_OP": _binary(""),
    "COMPARE_OP": _binary(""),
    "IS_OP": lambda s, op, k, ctx: _binary("is not" if op.arg else "is")(s, op, k, ctx),
    "CONTAINS_OP": lambda s, op, k, ctx: _binary("not in" if op.arg else "in")(s, op, k, ctx),
    "BINARY_SUBSCR": _reduce(lambda p, op: f"{_operand(p[0])}[{p[1]}]" if len(p) == 2 else "?"),
    "BINARY_SLICE": _reduce(lambda p, op: f"{_operand(p[0])}[{p[1]}:{p[2]}]" if len(p) == 3 else "?"),
    "BUILD_SLICE": _reduce(lambda p, op: ":".join(p).replace("None", "")),
    "UNARY_NEGATIVE": _replace_top("-{x}"),
    "UNARY_POSITIVE": _replace_top("+{x}"),
    "UNARY_INVERT": _replace_top("~{x}"),
    "UNARY_NOT": _replace_top("not {x}"),
    "TO_BOOL": _replace_top("bool({x})"),
    "CALL": _call,
    "CALL_KW": _call,
    "CALL_FUNCTION": _call,
    "CALL_METHOD": _call,
    "CALL_FUNCTION_KW": _call,
    "CALL_FUNCTION_EX": _call,
    "KW_NAMES": _kw_names,
    "PRECALL": _precall,
    "CALL_INTRINSIC_1": _replace_top("{op.argrepr}({x})"),
    "CALL_INTRINSIC_2": _reduce(lambda p, op: f"{op.argrepr}({', '.join(p)})"),
    "MAKE_FUNCTION": _reduce(_make_function),
    "SET_FUNCTION_ATTRIBUTE": _reduce(lambda p, op: p[-1]),
    "BUILD_TUPLE": _reduce(lambda p, op: f"({p[0]},)" if len(p) == 1 else f"({', '.join(p)})"),
    "BUILD_LIST": _reduce(lambda p, op: f"[{', '.join(p)}]"),
    "BUILD_SET": _reduce(lambda p, op: f"{{{', '.join(p)}}}" if p else "set()"),
    "BUILD_MAP": _reduce(_pairs),
    "BUILD_CONST_KEY_MAP": _reduce(_const_key_map),
    "BUILD_STRING": _reduce(_build_string),
    "BUILD_INTERPOLATION": _reduce(lambda p, op: f"<interpolation of {p[0]}>" if p else "?"),
    "BUILD_TEMPLATE": _reduce(lambda p, op: "<t-string template>"),
    "LIST_TO_TUPLE": _replace_top("tuple({x})"),
    "UNPACK_SEQUENCE": _unpack,
    "FORMAT_VALUE": _reduce(lambda p, op: f"format({p[0]}{', ' + p[1] if len(p) > 1 else ''})"),
    "FORMAT_SIMPLE": _replace_top("format({x})"),
    "FORMAT_WITH_SPEC": _reduce(lambda p, op: f"format({', '.join(p)})"),
    "CONVERT_VALUE": _replace_top("{op.argrepr}({x})"),
    "GET_ITER": _replace_top("<iterator of {x}>"),
    "GET_YIELD_FROM_ITER": _replace_top("<iterator of {x}>"),
    "GET_AITER": _replace_top("<async iterator of {x}>"),
    "GET_ANEXT": lambda s, op, k, ctx: s.append(f"<awaitable anext({s[-1] if s else '?'})>"),
    "GET_AWAITABLE": _replace_top("<awaitable {x}>"),
    "GET_LEN": lambda s, op, k, ctx: s.append(f"len({s[-1] if s else '?'})"),
    "FOR_ITER": _for_iter,
    "YIELD_VALUE": _replace_top("<sent value>"),
    "YIELD_FROM": _reduce(lambda p, op: "<result of yield from>"),
    "SEND": _replace_top("<sent result>"),
    "END_SEND": _reduce(lambda p, op: p[-1] if p else "?"),
    "RETURN_GENERATOR": _push("<sent value>"),
    "PUSH_EXC_INFO": _push_exc_info,
    "CHECK_EXC_MATCH": lambda s, op, k, ctx: s.append(f"<exception matches {s.pop() if s else '?'}>"),
    "CHECK_EG_MATCH": lambda s, op, k, ctx: (_pop(s, 2), s.extend(("<rest of group>", "<matched group>"))),
    "PREP_RERAISE_STAR": _reduce(lambda p, op: "<exception to re-raise>"),
    "WITH_EXCEPT_START": _push("<__exit__ result>"),
    "BEFORE_WITH": _before_with("__exit__", "{mgr}.__enter__()"),
    "SETUP_WITH": _before_with("__exit__", "{mgr}.__enter__()"),
    "BEFORE_ASYNC_WITH": _before_with("__aexit__", "<awaitable {mgr}.__aenter__()>"),
    "IMPORT_NAME": _reduce(lambda p, op: f"<module {op.argval}>"),
    "IMPORT_FROM": _push("{op.argval}"),
    "MATCH_MAPPING": lambda s, op, k, ctx: s.append(f"<{s[-1] if s else '?'} is a mapping>"),
    "MATCH_SEQUENCE": lambda s, op, k, ctx: s.append(f"<{s[-1] if s else '?'} is a sequence>"),
    "MATCH_KEYS": _push("<values for keys or None>"),
    "MATCH_CLASS": _reduce(lambda p, op: f"<attributes matched by {p[1] if len(p) > 1 else '?'}>"),
    "COPY_DICT_WITHOUT_KEYS": _replace_top("<rest of mapping>"),
    **{f"{kind}_{name}": _binary(symbol) for kind in ("BINARY", "INPLACE") for name, symbol in _BINARY.items()},
    "COPY": _copy,
    "SWAP": _swap,
    "DUP_TOP": _dup(1),
    "DUP_TOP_TWO": _dup(2),
    "ROT_TWO": _rot(2),
    "ROT_THREE": _rot(3),
    "ROT_FOUR": _rot(4),
    "ROT_N": _rot(None),
}


# The same rules on tuples, for the common straight-line case: opname -> (slots the rule reads, rule), where
# rule(stack before, opname, argval, argrepr, k) -> stack after.  They take the instruction's fields rather than an
# Op so that the fast path never builds one.
_TUPLE_RULES: Dict[str, Tuple[int, Callable]] = {
    "LOAD_GLOBAL": (0, lambda t, opname, argval, argrepr, k: t + _global_slots(argval, argrepr)),
    "LOAD_ATTR": (1, lambda t, opname, argval, argrepr, k: t[:-1] + _attr_slots(t[-1], opname, argval, argrepr)),
    "LOAD_METHOD": (1, lambda t, opname, argval, argrepr, k: t[:-1] + _attr_slots(t[-1], opname, argval, argrepr)),
    "BINARY_OP": (2, lambda t, opname, argval, argrepr, k: t[:-2] + (_binary_text(t[-2], t[-1], argrepr),)),
    "COMPARE_OP": (2, lambda t, opname, argval, argrepr, k: t[:-2] + (_binary_text(t[-2], t[-1], argrepr),)),
    "GET_ITER": (1, lambda t, opname, argval, argrepr, k: t[:-1] + (_short(f"<iterator of {t[-1]}>"),)),
    "BINARY_SUBSCR": (2, lambda t, opname, argval, argrepr, k: t[:-2] + (_short(f"{_operand(t[-2])}[{t[-1]}]"),)),
    **{
        call: (1, lambda t, opname, argval, argrepr, k: t[:-k] + (_render_call(list(t[-k:]), opname, {}),))
        for call in ("CALL", "CALL_FUNCTION", "CALL_METHOD", "CALL_FUNCTION_KW", "CALL_KW")
    },
    **{
        f"{kind}_{name}": (2, lambda t, opname, argval, argrepr, k, s=sym: t[:-2] + (_binary_text(t[-2], t[-1], s),))
        for kind in ("BINARY", "INPLACE")
        for name, sym in _BINARY.items()
    },
}


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
    return tuple(_short(" | ".join(dict.fromkeys(values))) for values in zip(*incoming))


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
    rules, tuple_rules = _RULES, _TUPLE_RULES
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
            if rule is _push_argrepr:
                argrepr = argreprs[i]
                stacks[i] = prev = prev + (argrepr if len(argrepr) <= _MAX_LEN else _short(argrepr),)
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
