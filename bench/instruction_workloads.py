"""Three workloads for bench/instructions_speed.py, written for it: a parser, a renderer and stdlib-style decoding."""

import json.decoder
import json.scanner
import re

_TOKEN = re.compile(r"\s*(?:(\d+\.\d*|\d+)|(\w+)|(.))")


class _Parser:
    """A recursive-descent parser for arithmetic with variables, calls and comparisons, evaluating as it goes."""

    def __init__(self, text, names):
        self.tokens = [(m.group(1), m.group(2), m.group(3)) for m in _TOKEN.finditer(text)]
        self.position = 0
        self.names = names

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None, None)

    def take(self, symbol=None):
        token = self.peek()
        if symbol is not None and token[2] != symbol:
            raise SyntaxError(f"expected {symbol!r}, got {token!r}")
        self.position += 1
        return token

    def comparison(self):
        left = self.sum()
        while self.peek()[2] in ("<", ">"):
            op = self.take()[2]
            right = self.sum()
            left = float(left < right if op == "<" else left > right)
        return left

    def sum(self):
        value = self.product()
        while self.peek()[2] in ("+", "-"):
            op = self.take()[2]
            value = value + self.product() if op == "+" else value - self.product()
        return value

    def product(self):
        value = self.atom()
        while self.peek()[2] in ("*", "/", "%"):
            op = self.take()[2]
            right = self.atom()
            if op == "*":
                value *= right
            elif op == "/":
                try:
                    value /= right
                except ZeroDivisionError:
                    value = float("inf")
            else:
                value %= right or 1
        return value

    def atom(self):
        number, name, symbol = self.take()
        if number is not None:
            return float(number)
        if symbol == "(":
            value = self.comparison()
            self.take(")")
            return value
        if symbol == "-":
            return -self.atom()
        if self.peek()[2] == "(":
            self.take("(")
            args = [self.comparison()]
            while self.peek()[2] == ",":
                self.take(",")
                args.append(self.comparison())
            self.take(")")
            return {"max": max, "min": min, "abs": lambda v: abs(v)}[name](*args)
        return self.names.get(name, 0.0)


_EXPRESSIONS = [
    f"max(a{i % 7} * (b + {i}) / (c - {i % 5}), {i}) % 17 + min(a1, -b, {i}.5) * abs(c - a{i % 3}) < {i * 3}"
    for i in range(300)
]
_NAMES = {"b": 2.0, "c": 3.0, **{f"a{i}": float(i) for i in range(7)}}


def parser():
    return sum(_Parser(text, _NAMES).comparison() for text in _EXPRESSIONS)


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None, children=()):
        self.tag, self.attrs, self.children = tag, attrs or {}, list(children)


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _render(node, out, depth):
    if isinstance(node, str):
        out.append(_escape(node))
        return
    attrs = "".join(f' {key}="{_escape(str(value))}"' for key, value in sorted(node.attrs.items()))
    out.append(f"{'  ' * depth}<{node.tag}{attrs}>")
    for child in node.children:
        _render(child, out, depth + 1)
    out.append(f"</{node.tag}>\n")


def _document():
    rows = []
    for i in range(120):
        cells = [_Node("td", {"class": "num" if j % 2 else "text"}, [f"cell {i}:{j} <{j * i}>"]) for j in range(6)]
        rows.append(_Node("tr", {"id": f"row-{i}", "data-odd": i % 2 == 1}, cells))
    return _Node("html", {}, [_Node("body", {}, [_Node("table", {"border": 1}, rows)])])


_DOCUMENT = _document()


def renderer():
    out = []
    _render(_DOCUMENT, out, 0)
    return len("".join(out))


def _pure_python_decoder():
    decoder = json.decoder.JSONDecoder()
    decoder.parse_string = json.decoder.py_scanstring
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder


_DECODER = _pure_python_decoder()
_JSON = json.dumps(
    [
        {"id": i, "name": f"item \u00e9\t{i}", "tags": ["a", "b", str(i)], "price": i * 1.25, "ok": i % 3 == 0}
        for i in range(400)
    ]
)


def decoding():
    return len(_DECODER.decode(_JSON))


WORKLOADS = {"parser": parser, "renderer": renderer, "json decoding": decoding}
