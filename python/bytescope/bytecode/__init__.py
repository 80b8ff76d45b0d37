"""The bytecode visualizer: AST, explained colour disassembly, value-stack simulation and bytecode diff."""

from ..lazy import lazy_exports

__all__ = [
    "BytecodeVisualizer",
    "FunctionDiff", "SourceDiff", "SourceError",
    "code_hash", "count_categories", "diff_functions", "diff_instructions", "diff_sources", "normalize_code",
]

# The harness's capture needs only the disassembly and the normalisation, not the whole visualizer.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BytecodeVisualizer": "visualizer",
        **dict.fromkeys(["FunctionDiff", "SourceDiff", "diff_functions", "diff_instructions", "diff_sources"], "diff"),
        **dict.fromkeys(["code_hash", "count_categories", "normalize_code"], "normalize"),
        "SourceError": "source",
    },
    globals(),
)
