"""The bytecode visualizer: AST, explained colour disassembly, value-stack simulation and bytecode diff."""

from .visualizer import BytecodeVisualizer
from .diff import SourceDiff, FunctionDiff, diff_functions, diff_instructions, diff_sources
from .normalize import code_hash, count_categories, normalize_code
from .source import SourceError

__all__ = [
    "BytecodeVisualizer",
    "FunctionDiff", "SourceDiff", "SourceError",
    "code_hash", "count_categories", "diff_functions", "diff_instructions", "diff_sources", "normalize_code",
]
