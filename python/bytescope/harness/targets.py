"""Entry points: ``[NAME=]TARGET`` parsed into records, without importing anything.

TARGET is ``package.module:callable`` (the callable may be dotted: ``mod:Class.method``), ``path/to/script.py``
(run as ``__main__``) or ``path/to/script.py:callable`` (the file loaded as a module, then the callable called).
"""

from typing import NamedTuple, Optional

from .table import GRAMMAR

# Entry names become file names, artifact names and table cells; the action checks them by the same rule, with the
# same length from the table, and both test suites read the same parity cases.
MAX_NAME_LENGTH = GRAMMAR["entryNameMaxLength"]


class TargetError(ValueError):
    """A malformed TARGET or entry; the message names the problem."""


class Target(NamedTuple):
    text: str
    module: Optional[str]  # package.module for a module target
    path: Optional[str]  # script path, as given (relative to the working directory)
    attr: Optional[str]  # dotted callable name; None runs the script as __main__

    @property
    def is_script(self):
        return self.path is not None and self.attr is None


class Entry(NamedTuple):
    name: str
    target: Target


def _dotted(text):
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def parse_target(text):
    text = text.strip()
    if not text:
        raise TargetError("empty TARGET; expected package.module:callable, path/to/script.py or script.py:callable")
    path, sep, attr = text.rpartition(":")
    if sep and path.endswith(".py"):
        if not _dotted(attr):
            raise TargetError(f"TARGET {text!r}: {attr!r} is not a callable name (expected script.py:function)")
        return Target(text, None, path, attr)
    if text.endswith(".py"):
        return Target(text, None, text, None)
    if not sep:
        if _dotted(text):
            raise TargetError(
                f"TARGET {text!r} names a module but no callable; use {text}:function, or a path ending in .py"
            )
        raise TargetError(
            f"TARGET {text!r} is neither package.module:callable nor a path to a .py script"
        )
    if not _dotted(path):
        raise TargetError(f"TARGET {text!r}: {path!r} is not a module name (expected package.module:callable)")
    if not _dotted(attr):
        raise TargetError(f"TARGET {text!r}: {attr!r} is not a callable name (expected package.module:callable)")
    return Target(text, path, None, attr)


def parse_entry(spec, name=None):
    """``[NAME=]TARGET`` (or a TARGET and a separate ``name``) -> Entry; NAME defaults to TARGET."""
    if name is None and "=" in spec:
        name, spec = spec.split("=", 1)
        if not name.strip():
            raise TargetError(f"entry {name + '=' + spec!r} has an empty NAME before '='")
    target = parse_target(spec)
    name = target.text if name is None else name.strip()
    if not name:
        raise TargetError(f"entry for {target.text!r} has an empty name")
    return Entry(check_entry_name(name), target)


def check_entry_name(name):
    """The one rule for entry names, in both languages: after ``str.strip()``, 1 to 100 characters (code points),
    every one printable (``str.isprintable()``: no control, format such as U+200B, separator or unassigned
    characters). Returns the stripped name."""
    name = name.strip()
    if not name:
        raise TargetError("an entry name must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise TargetError(f"entry name {name[:40]!r}... is {len(name)} characters long; at most {MAX_NAME_LENGTH}")
    if not name.isprintable():
        raise TargetError(f"entry name {name!r} must be one line of printable characters (str.isprintable())")
    return name


def check_unique(entries):
    seen = set()
    for entry in entries:
        if entry.name in seen:
            raise TargetError(f"two entries are named {entry.name!r}; give one of them NAME=TARGET")
        seen.add(entry.name)
    return entries
