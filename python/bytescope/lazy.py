"""Names a package exports, imported on first use (PEP 562): a harness worker that only times user code should not
load the visualizer or the profiler (tens of milliseconds in every measuring process)."""

import importlib


def lazy_exports(package, exports, namespace):
    """``__getattr__`` and ``__dir__`` for ``package`` whose ``exports`` map each name to the submodule defining it."""

    def __getattr__(name):
        if name in exports:
            return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(list(namespace) + list(exports))

    return __getattr__, __dir__
