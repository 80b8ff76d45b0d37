"""bytescope.profiling: a call-tree profiler on ``sys.setprofile`` with ``tracemalloc`` memory.

collect (``collector``) -> process (``process``, ``tree``, ``memory``) -> render (``render``, ``exports``);
``Profiler`` ties them together. The unit formatters in ``units`` are shared by every bytescope report.
"""

from .profiler import Profiler
from .result import ProfileData, ProfileError
from .tree import CallNode, Function, FunctionRow
from .units import (
    format_bytes,
    format_change,
    format_count,
    format_delta_bytes,
    format_delta_ns,
    format_ns,
    format_percent,
)

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
