"""The AST pretty-printed as an indented tree: every node's type, its kind, its fields and source positions.

    FunctionDef (stmt) 1:0-2:16 name='f'
      args: arguments
        args[0]: arg 1:6-1:7 arg='x'

Scalar fields are shown inline as ``name=value``; child nodes and lists of nodes go on their own lines, labelled
with the field (and index); operators and contexts (``Add``, ``Load``) are inline too since they carry nothing.
"""

import ast
from typing import Iterator, List, Tuple


def node_kind(node: ast.AST) -> str:
    """The abstract grammar category of a node: mod, stmt, expr, operator, ... (or its own type for the rest)."""
    for cls in type(node).__mro__:
        if ast.AST in cls.__bases__:
            return cls.__name__
    return type(node).__name__


def _positions(node: ast.AST) -> str:
    line = getattr(node, "lineno", None)
    if line is None:
        return ""
    return f"{line}:{node.col_offset}-{getattr(node, 'end_lineno', line)}:{getattr(node, 'end_col_offset', '?')}"


def _is_leaf(value) -> bool:
    """Nodes with nothing to show (operators, contexts) print inline."""
    return isinstance(value, ast.AST) and not value._fields and not hasattr(value, "lineno")


def _inline(value) -> str:
    if _is_leaf(value):
        return type(value).__name__
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return repr(value)


def _title(node: ast.AST) -> str:
    name, kind = type(node).__name__, node_kind(node)
    parts = [name if kind == name else f"{name} ({kind})"]
    pos = _positions(node)
    if pos:
        parts.append(pos)
    for field in node._fields:
        value = getattr(node, field, None)
        if value is None or value == []:
            continue
        if not isinstance(value, (ast.AST, list)) or _is_leaf(value) or (
            isinstance(value, list) and all(not isinstance(v, ast.AST) or _is_leaf(v) for v in value)
        ):
            parts.append(f"{field}={_inline(value)}")
    return " ".join(parts)


def _walk(node: ast.AST, label: str, indent: int, out: List[str]) -> None:
    out.append(f"{'  ' * indent}{label}{_title(node)}")
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, ast.AST) and not _is_leaf(value):
            _walk(value, f"{field}: ", indent + 1, out)
        elif isinstance(value, list) and any(isinstance(v, ast.AST) and not _is_leaf(v) for v in value):
            for n, item in enumerate(value):
                if isinstance(item, ast.AST):
                    _walk(item, f"{field}[{n}]: ", indent + 1, out)
                else:
                    out.append(f"{'  ' * (indent + 1)}{field}[{n}]: {item!r}")


def render_ast(tree: ast.AST) -> str:
    out: List[str] = []
    _walk(tree, "", 0, out)
    return "\n".join(out) + "\n"


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def iter_definitions(tree: ast.AST) -> Iterator[Tuple[str, ast.AST]]:
    """``(qualname, node)`` for every def and class, with qualnames as the compiler makes them (``C.m``,
    ``f.<locals>.g``), in source order."""

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SCOPES):
                name = f"{prefix}{child.name}"
                yield name, child
                yield from visit(child, f"{name}." if isinstance(child, ast.ClassDef) else f"{name}.<locals>.")
            else:
                yield from visit(child, prefix)

    return visit(tree, "")
