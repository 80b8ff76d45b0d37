"""Which checkout an entry's code came from, when base and head are measured side by side.

Each side runs from its own tree; a project installed with ``pip install -e .`` (or installed at all) can still
resolve ``import mypkg`` to the other tree or to site-packages, and the comparison would then measure one side's
code twice.  These errors say where the code came from and how to fix it.
"""

import os

FIX = (
    "put the directory that holds the package first with the python-path setting (e.g. python-path: src), "
    "or do not install the project itself (pip install -e . / pip install .) in the job"
)


def _norm(path):
    return os.path.normcase(os.path.realpath(path))


def within(path, tree):
    path, tree = _norm(path), _norm(tree)
    return path == tree or path.startswith(tree.rstrip(os.sep) + os.sep)


def outside_error(module, where, tree, phase):
    origin = f"from {where}" if where else "without a source file"
    return {
        "type": "OutsideTree",
        "message": f"module {module!r} was imported {origin}, outside the checkout being measured ({tree}); {FIX}",
        "traceback": None,
        "phase": phase,
    }


def foreign_function_error(qualname, filename, tree, phase):
    return {
        "type": "OutsideTree",
        "message": f"{qualname} ran from {filename}, outside the checkout being measured ({tree}); {FIX}",
        "traceback": None,
        "phase": phase,
    }
