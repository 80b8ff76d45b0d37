"""bytescope.profiling: a call-tree profiler on ``sys.setprofile`` with ``tracemalloc`` memory.

collect (``collector``) -> process (``process``, ``tree``, ``memory``) -> render (``render``, ``exports``);
``Profiler`` ties them together. The unit formatters in ``units`` are shared by every bytescope report.
"""

from ..lazy import lazy_exports

__all__ = [
    "CallNode",
    "Function",
    "FunctionRow",
    "ProfileData",
    "ProfileError",
    "Profiler",
    "format_bytes",
    "format_change",
    "format_count",
    "format_delta_bytes",
    "format_delta_ns",
    "format_ns",
    "format_percent",
]

# The harness's memory processes need only ``memory``; the profiler loads its renderers and exporters.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Profiler": "profiler",
        **dict.fromkeys(["ProfileData", "ProfileError"], "result"),
        **dict.fromkeys(["CallNode", "Function", "FunctionRow"], "tree"),
        **dict.fromkeys([name for name in __all__ if name.startswith("format_")], "units"),
    },
    globals(),
)
