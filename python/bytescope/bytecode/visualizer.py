"""``BytecodeVisualizer``: one source, analysed once (collect -> records), rendered many ways."""

import json
import sys
from functools import cached_property
from typing import Dict, Optional, Tuple

from . import astview, render
from .disassembly import walk_code
from .diff import SourceDiff, diff_sources
from .normalize import code_hash, tally
from .records import CodeInfo, Instruction, analyse
from .source import SourceError, compile_source, parse

SCHEMA_VERSION = 1


class BytecodeVisualizer:
    """Analyse ``source``: its AST, explained disassembly, value-stack simulation, diff against another source.

    ``function`` restricts every view to one code object (by qualname, e.g. ``C.method`` or ``f.<locals>.g``).
    Raises :class:`SourceError` for a syntax error (``file:line:col``, the line and a caret) or bad ``function``.
    """

    def __init__(self, source: str, filename: str = "<string>", function: Optional[str] = None):
        self.source = source
        self.filename = filename
        self.code = compile_source(source, filename)
        self.function = function
        if function is not None and function not in self.qualnames:
            raise SourceError(
                f"{filename}: no function or code object named {function!r}; available: {', '.join(self.qualnames)}"
            )

    @cached_property
    def tree(self):
        return parse(self.source, self.filename)

    @cached_property
    def _all_code_objects(self) -> Tuple[CodeInfo, ...]:
        return analyse(self.code)

    @cached_property
    def qualnames(self) -> Tuple[str, ...]:
        return tuple(q for q, _ in walk_code(self.code))

    @property
    def code_objects(self) -> Tuple[CodeInfo, ...]:
        """The analysed code objects (just the selected one when ``function`` is set)."""
        infos = self._all_code_objects
        return tuple(i for i in infos if i.qualname == self.function) if self.function else infos

    @property
    def instructions(self) -> Tuple[Instruction, ...]:
        return tuple(ins for info in self.code_objects for ins in info.instructions)

    def show_ast(self) -> str:
        if self.function:
            node = next((n for q, n in astview.iter_definitions(self.tree) if q == self.function), None)
            if node is not None:
                return astview.render_ast(node)
        return astview.render_ast(self.tree)

    def show_bytecode(self, color: Optional[bool] = None) -> str:
        return render.render_disassembly(self.code_objects, render.Painter(render.use_color(color)))

    def show_stack_trace(self, color: Optional[bool] = None) -> str:
        return render.render_stack_trace(self.code_objects, render.Painter(render.use_color(color)))

    def diff(self, other_source: str, other_filename: str = "<other>") -> SourceDiff:
        return diff_sources(self.source, other_source, self.filename, other_filename)

    def compare(self, other_source: str, other_filename: str = "<other>", context: Optional[int] = 3) -> str:
        diff = self.diff(other_source, other_filename)
        if self.function:
            diff = SourceDiff(tuple(f for f in diff.functions if f.qualname == self.function))
        return diff.render(context)

    def category_counts(self) -> Dict[str, int]:
        return tally(ins.category for ins in self.instructions)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "filename": self.filename,
            "python": ".".join(map(str, sys.version_info[:2])),
            "category_counts": self.category_counts(),
            "code_objects": [_code_dict(info) for info in self.code_objects],
        }

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def _code_dict(info: CodeInfo) -> dict:
    return {
        "qualname": info.qualname,
        "name": info.code.co_name,
        "firstlineno": info.firstlineno,
        "co_stacksize": info.co_stacksize,
        "max_depth": info.max_depth,
        "start_depth": info.start_depth,
        "hash": code_hash(info.code),
        "exception_table": [
            {"start": e.start, "end": e.end, "target": e.target, "depth": e.depth, "lasti": e.lasti}
            for e in info.exception_entries
        ],
        "instructions": [
            {
                "offset": i.offset,
                "opname": i.opname,
                "baseopname": i.baseopname,
                "arg": i.arg,
                "argrepr": i.argrepr,
                "line": i.line,
                "label": i.label,
                "jump_target": i.jump_label,
                "category": i.category,
                "explanation": i.explanation,
                "depth_before": i.depth_before,
                "depth_after": i.depth_after,
                "stack_after": list(i.stack_after) if i.stack_after is not None else None,
            }
            for i in info.instructions
        ],
    }
