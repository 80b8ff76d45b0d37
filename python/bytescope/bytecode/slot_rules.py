"""The per-opcode rules that name value-stack slots: ``x``, ``x + 1``, ``len(items)``, ``<iterator of items>``...

Each rule pops and pushes names on a list of slot names; :mod:`.symbolic` runs them in offset order and fits
every result to the exact depth from :mod:`.stack`, so a rule only has to name slots well, not count them.
"""

import ast
import re
from typing import Callable, Dict, List, Optional, Tuple

NULL = "<NULL>"
SELF_OR_NULL = "<self or NULL>"
_NULLS = (NULL, SELF_OR_NULL)
MAX_LEN = 60
# The repr of a tuple of identifier-like strings, and one of its strings: exactly what literal_eval would read.
_NAMES_TUPLE = re.compile(r"\('\w+',\)|\('\w+'(?:, '\w+')+\)")
_QUOTED_NAME = re.compile(r"'(\w+)'")
_BINARY = {
    "ADD": "+", "SUBTRACT": "-", "MULTIPLY": "*", "TRUE_DIVIDE": "/", "FLOOR_DIVIDE": "//", "MODULO": "%",
    "POWER": "**", "MATRIX_MULTIPLY": "@", "LSHIFT": "<<", "RSHIFT": ">>", "AND": "&", "OR": "|", "XOR": "^",
}


def short(text: str) -> str:
    return text if len(text) <= MAX_LEN else text[: MAX_LEN - 1] + "…"


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
    return short(f"{func}({', '.join(rendered)})")


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
        return short(f"{_operand(a)}[{b}]")
    return short(f"{_operand(a)} {sym} {_operand(b)}")


def _binary(symbol: str):
    def rule(s, op, k, ctx):
        a, b = _pop(s, 2) if len(s) >= 2 else ("?", "?")
        s.append(_binary_text(a, b, symbol or op.argrepr))

    return rule


def _replace_top(fmt: str):
    def rule(s, op, k, ctx):
        top = s.pop() if s else "?"
        s.append(short(fmt.format(x=top, op=op)))

    return rule


def _push(fmt: str):
    return lambda s, op, k, ctx: s.append(short(fmt.format(op=op)))


def push_argrepr(s, op, k, ctx):
    s.append(short(op.argrepr))


def _reduce(render: Callable[[List[str], object], str]):
    """Pop as many slots as the depths say, push one rendered value."""
    return lambda s, op, k, ctx: s.append(short(render(_pop(s, k), op)))


def _load_global(s, op, k, ctx):
    s.extend(_global_slots(op.argval, op.argrepr))


def _attr_slots(obj: str, opname: str, argval, argrepr: str) -> Tuple[str, ...]:
    text = short(f"{_operand(obj)}.{argval}")
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
    s.extend((short(f"{_operand(owner)}.{op.argrepr}"), SELF_OR_NULL))


def _store_fast_load_fast(s, op, k, ctx):
    if s:
        s.pop()
    s.append(str(op.argval[1]) if isinstance(op.argval, tuple) else "?")


RULES: Dict[str, Callable] = {
    "LOAD_FAST": push_argrepr,
    "LOAD_FAST_CHECK": push_argrepr,
    "LOAD_FAST_AND_CLEAR": push_argrepr,
    "LOAD_FAST_BORROW": push_argrepr,
    "LOAD_COMMON_CONSTANT": push_argrepr,
    "LOAD_DEREF": push_argrepr,
    "LOAD_NAME": push_argrepr,
    "LOAD_CLASSDEREF": push_argrepr,
    "LOAD_CONST": push_argrepr,
    "LOAD_SMALL_INT": push_argrepr,
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
TUPLE_RULES: Dict[str, Tuple[int, Callable]] = {
    "LOAD_GLOBAL": (0, lambda t, opname, argval, argrepr, k: t + _global_slots(argval, argrepr)),
    "LOAD_ATTR": (1, lambda t, opname, argval, argrepr, k: t[:-1] + _attr_slots(t[-1], opname, argval, argrepr)),
    "LOAD_METHOD": (1, lambda t, opname, argval, argrepr, k: t[:-1] + _attr_slots(t[-1], opname, argval, argrepr)),
    "BINARY_OP": (2, lambda t, opname, argval, argrepr, k: t[:-2] + (_binary_text(t[-2], t[-1], argrepr),)),
    "COMPARE_OP": (2, lambda t, opname, argval, argrepr, k: t[:-2] + (_binary_text(t[-2], t[-1], argrepr),)),
    "GET_ITER": (1, lambda t, opname, argval, argrepr, k: t[:-1] + (short(f"<iterator of {t[-1]}>"),)),
    "BINARY_SUBSCR": (2, lambda t, opname, argval, argrepr, k: t[:-2] + (short(f"{_operand(t[-2])}[{t[-1]}]"),)),
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
