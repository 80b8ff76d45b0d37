"""Which checkout an entry's code came from, when base and head are measured side by side.

Each side runs from its own tree; a project installed with ``pip install -e .`` (or installed at all) can still
resolve ``import mypkg`` to the other tree or to site-packages, and the comparison would then measure one side's
code twice.  These errors say where the code came from and how to fix it.
"""

import os
import sys

FIX = (
    "put the directory that holds the package first with the python-path setting (e.g. python-path: src), "
    "or do not install the project itself (pip install -e . / pip install .) in the job"
)


OUTSIDE_TREE = "OutsideTree"


def _norm(path):
    return os.path.normcase(os.path.realpath(path))


def within(path, tree):
    path, tree = _norm(path), _norm(tree)
    return path == tree or path.startswith(tree.rstrip(os.sep) + os.sep)


def _outside(what, tree, phase):
    """The error record of code that came from outside the checkout being measured, with the fix."""
    message = f"{what}, outside the checkout being measured ({tree}); {FIX}"
    return {"type": OUTSIDE_TREE, "message": message, "traceback": None, "phase": phase}


def outside_error(module, where, tree, phase):
    origin = f"from {where}" if where else "without a source file"
    return _outside(f"module {module!r} was imported {origin}", tree, phase)


def module_of(filename):
    """The name of the loaded module whose file ``filename`` is, or None."""
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        if isinstance(where, str) and _norm(where) == _norm(filename):
            return name
    return None


def foreign_function_error(qualname, filename, tree, phase):
    module = module_of(filename)
    of = f" (module {module!r})" if module else ""
    return _outside(f"{qualname}{of} ran from {filename}", tree, phase)
