"""Turn a Target into something the worker can call once per measured call, importing it exactly once.

A callable is called with no arguments.  A script is compiled once (that is its "import") and each call runs it
as ``__main__`` in a fresh module, as ``python script.py`` and ``runpy.run_path`` do; only executing its code is
measured, not reading and compiling the file again.
"""

import functools
import importlib
import importlib.util
import os
import sys
import types


def _resolve(obj, target, where):
    """``target.attr`` looked up on ``obj`` (described as ``where`` in errors), which must be callable."""
    found = []
    for part in target.attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            owner = f"'{target.text.rsplit(':', 1)[0]}:{'.'.join(found)}'" if found else where
            raise AttributeError(f"{owner} has no attribute {part!r}") from None
        found.append(part)
    if not callable(obj):
        raise TypeError(f"'{target.text}' is not callable (it is {type(obj).__name__!r})")
    return obj


def _script_path(target, cwd):
    path = os.path.abspath(os.path.join(cwd, target.path))
    if not os.path.isfile(path):
        raise FileNotFoundError(f"script {target.path!r} not found (looked for {path})")
    return path


class Invocation:
    """``prepare()`` returns a zero-argument callable for exactly one call; ``finish()`` undoes what it set up.

    The callable is the user's function itself, or ``functools.partial(exec, ...)`` for a script - C callables,
    so no harness frame sits between the measurement and the user's code in a profile or an instruction count.
    """

    def __init__(self, function=None, script_code=None, script_path=None):
        self._function = function
        self._code = script_code
        self._path = script_path
        self._saved_main = None

    def prepare(self):
        if self._code is None:
            return self._function
        module = types.ModuleType("__main__")
        module.__file__ = self._path
        module.__builtins__ = __builtins__
        self._saved_main = sys.modules.get("__main__")
        sys.modules["__main__"] = module
        return functools.partial(exec, self._code, module.__dict__)

    def finish(self):
        if self._code is not None:
            sys.modules["__main__"] = self._saved_main


def load(target, cwd):
    """Import or compile ``target``; set ``sys.argv`` and ``sys.path`` the way running it directly would."""
    if target.path is None:
        sys.argv = [target.text]
        module = importlib.import_module(target.module)
        return Invocation(function=_resolve(module, target, f"module {target.module!r}"))
    path = _script_path(target, cwd)
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
    if target.attr is None:
        with open(path, "rb") as handle:
            source = handle.read()
        return Invocation(script_code=compile(source, path, "exec", dont_inherit=True), script_path=path)
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem if stem.isidentifier() and stem not in sys.modules else "__bytescope_entry__"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses, pickle and friends look their module up here
    spec.loader.exec_module(module)
    return Invocation(function=_resolve(module, target, f"script {target.path!r}"))
