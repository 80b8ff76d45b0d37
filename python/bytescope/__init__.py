"""bytescope: see why Python code got slower, down to its bytecode.

Two libraries and a runner, standard library only:

* ``bytescope.bytecode``  - the bytecode visualizer (``BytecodeVisualizer``, ``diff_sources``)
* ``bytescope.profiling`` - the call-tree profiler (``Profiler``)
* ``bytescope.harness``   - runs entry points and writes the results JSON the action gates on
"""

__version__ = "0.1.0"

__all__ = ["BytecodeVisualizer", "Profiler", "diff_sources", "__version__"]

# Imported on first use (PEP 562): a harness worker that only times user code should not pay for the visualizer.
_EXPORTS = {"BytecodeVisualizer": "bytecode", "diff_sources": "bytecode", "Profiler": "profiling"}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
