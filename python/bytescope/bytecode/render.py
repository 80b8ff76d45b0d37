"""Text renderers for the records: explained disassembly and the value-stack trace.

Colour is added around already-padded cells, so the plain text is exactly the coloured text minus escapes.
Category colours come from the registry; nothing here knows which categories exist.
"""

import os
import sys
from typing import Iterable, List, Optional

from .records import CodeInfo, Instruction
from .registry import CATEGORIES

_RESET = "\x1b[0m"
_DIM = "2"
_BOLD = "1"


def use_color(color: Optional[bool], stream=None) -> bool:
    """``color=None`` means auto: NO_COLOR disables, FORCE_COLOR enables, otherwise colour only on a terminal."""
    if color is not None:
        return bool(color)
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Painter:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, text: str, sgr: Optional[str]) -> str:
        if not self.enabled or not sgr or not text:
            return text
        return f"\x1b[{sgr}m{text}{_RESET}"

    def category(self, text: str, category: str) -> str:
        c = CATEGORIES.get(category)
        return self(text, c.color if c else None)


def _header(info: CodeInfo, extra: str = "") -> str:
    return (
        f"{info.qualname} (line {info.firstlineno}): co_stacksize {info.co_stacksize}, "
        f"simulated max depth {info.max_depth}{extra}"
    )


def _widths(rows: List[List[str]], caps: List[int]) -> List[int]:
    return [min(max((len(r[k]) for r in rows), default=0), cap) for k, cap in enumerate(caps)]


def fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, a longer one cut with an ellipsis: a long constant (a docstring)
    must not push the columns after it out of line."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _pad(text: str, width: int) -> str:
    return fit(text, width).ljust(width)


def _line_cells(instructions: Iterable[Instruction]) -> List[str]:
    """The line number on the first instruction of each line, like dis."""
    out, last = [], object()
    for ins in instructions:
        out.append(str(ins.line) if ins.line != last and ins.line is not None else "")
        last = ins.line
    return out


def render_disassembly(infos: Iterable[CodeInfo], paint: Painter) -> str:
    blocks = []
    for info in infos:
        ins_list = info.instructions
        lines = _line_cells(ins_list)
        rows = [
            [
                lines[k],
                f"{i.label}:" if i.label else "",
                str(i.offset),
                i.opname,
                "" if i.arg is None else str(i.arg),
                i.argrepr,
                i.category,
            ]
            for k, i in enumerate(ins_list)
        ]
        w = _widths(rows, [6, 5, 6, 28, 6, 36, 15])
        out = [paint(_header(info), _BOLD)]
        for row, ins in zip(rows, ins_list):
            line, label, offset, opname, arg, argrepr, category = row
            explanation = ins.explanation if ins.reachable else f"{ins.explanation} (unreachable)"
            cells = [
                line.rjust(w[0]),
                paint(label.rjust(w[1]), _BOLD),
                offset.rjust(w[2]),
                paint.category(opname.ljust(w[3]), ins.category),  # an opname is never cut
                arg.rjust(w[4]),
                _pad(argrepr, w[5]),
                paint.category(_pad(category, w[6]), ins.category),
                paint(explanation, None if ins.reachable else _DIM),
            ]
            out.append("  " + " ".join(cells).rstrip())
        if info.exception_entries:
            out.append("  ExceptionTable:")
            for e in info.exception_entries:
                lasti = " lasti" if e.lasti else ""
                out.append(
                    f"    {e.start} to {e.end} -> {info.labels.get(e.target, e.target)} [{e.depth}]{lasti}"
                    f"  (handler starts at depth {e.depth + e.lasti + 1})"
                )
        blocks.append("\n".join(out))
    return "\n\n".join(blocks) + "\n"


def format_stack(stack) -> str:
    return "[" + ", ".join(stack) + "]"


def render_stack_trace(infos: Iterable[CodeInfo], paint: Painter) -> str:
    blocks = []
    for info in infos:
        rows = []
        for i in info.instructions:
            depth = f"{i.depth_before} -> {i.depth_after}" if i.reachable else "unreachable"
            rows.append([f"{i.label}:" if i.label else "", str(i.offset), i.opname, i.argrepr, depth])
        w = _widths(rows, [5, 6, 28, 30, 12])
        start = f", starts at depth {info.start_depth}" if info.start_depth else ""
        out = [paint(_header(info, start), _BOLD)]
        for row, ins in zip(rows, info.instructions):
            label, offset, opname, argrepr, depth = row
            stack_text = format_stack(ins.stack_after) if ins.reachable else ""
            cells = [
                paint(label.rjust(w[0]), _BOLD),
                offset.rjust(w[1]),
                paint.category(opname.ljust(w[2]), ins.category),
                _pad(argrepr, w[3]),
                paint(depth.rjust(w[4]), None if ins.reachable else _DIM),
                stack_text,
            ]
            out.append("  " + " ".join(cells).rstrip())
        blocks.append("\n".join(out))
    return "\n\n".join(blocks) + "\n"
