"""Process: turn a collector's raw tree into named ``CallNode`` trees, leaving the profiler's own frames out."""

import functools
import os
from types import CodeType

from .collector import CALLS, KEY, RESUMES, TOTAL, raw_children
from .tree import BUILTIN_FILENAME, ROOT_FUNCTION, CallNode, Function

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_HAS_QUALNAME = hasattr(CodeType, "co_qualname")  # 3.11+


@functools.lru_cache(maxsize=4096)
def is_own_file(filename):
    """Whether ``filename`` is part of the profiler itself (its frames never appear in a profile)."""
    return os.path.dirname(filename) == PACKAGE_DIR


def c_function(key):
    """Name a C function from what its node stands for - a module-level function (``builtins.sorted``) or the
    (type, name) of a method (``list.append``)."""
    if not isinstance(key, tuple):
        module = key.__module__  # None for a function bound to nothing, such as str.maketrans
        return Function(f"{module}.{key.__name__}" if module else key.__qualname__, BUILTIN_FILENAME, 0)
    owner, name = key
    module = owner.__module__
    prefix = owner.__qualname__ if module in ("builtins", None) else f"{module}.{owner.__qualname__}"
    return Function(f"{prefix}.{name}", BUILTIN_FILENAME, 0)


class FunctionNamer:
    """Names code objects once each; 3.10 has no ``co_qualname``, so its qualified names are rebuilt from the
    class that owns the code (found through ``self`` or ``cls`` when the function was first seen)."""

    def __init__(self, owners=None):
        self._cache = {}
        self._owners = owners or {}

    def __call__(self, key):
        # Cached by id (the raw tree keeps every key alive meanwhile): hashing code objects is slow.
        function = self._cache.get(id(key))
        if function is None:
            if isinstance(key, CodeType):
                qualname = key.co_qualname if _HAS_QUALNAME else self._owners.get(key, key.co_name)
                function = Function(qualname, key.co_filename, key.co_firstlineno)
            else:
                function = c_function(key)
            self._cache[id(key)] = function
        return function


def build_tree(raw_root, name):
    """A ``CallNode`` tree from a raw collector tree.

    The profiler's own frames (``stop()``, ``__exit__``, decorator plumbing) are spliced out: their Python children
    move up to their parent, and C functions they call directly (``sys.setprofile``, ``generator.send``) are
    spliced out the same way, since those calls are the profiler's, not the program's.
    """
    root = CallNode(ROOT_FUNCTION)
    pending = [(raw_root, root, False)]
    while pending:
        raw, parent, inside_own = pending.pop()
        for raw_child in raw_children(raw):
            key = raw_child[KEY]
            is_code = isinstance(key, CodeType)
            own = (is_code and is_own_file(key.co_filename)) or (inside_own and not is_code)
            if own:
                pending.append((raw_child, parent, True))
                continue
            node = parent.child(name(key))
            node.calls += round(raw_child[CALLS])
            node.resumes += raw_child[RESUMES]
            node.total_ns += round(raw_child[TOTAL] * 1e9)
            pending.append((raw_child, node, False))
    root.total_ns = sum(child.total_ns for child in root.children.values())
    return root

