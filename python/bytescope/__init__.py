"""bytescope: see why Python code got slower, down to its bytecode.

Two libraries and a runner, standard library only:

* ``bytescope.bytecode``  - the bytecode visualizer (``BytecodeVisualizer``, ``diff_sources``)
* ``bytescope.profiling`` - the call-tree profiler (``Profiler``)
* ``bytescope.harness``   - runs entry points and writes the results JSON the action gates on
"""

from .lazy import lazy_exports

__version__ = "0.1.0"

__all__ = ["BytecodeVisualizer", "Profiler", "diff_sources", "__version__"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {"BytecodeVisualizer": "bytecode", "diff_sources": "bytecode", "Profiler": "profiling"},
    globals(),
)
