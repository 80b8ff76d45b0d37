"""Error records of what the entry did, built without trusting it: an exception whose ``__str__`` raises or returns
a non-string, a 32 MB message, or a clock the entry replaced must end as that entry's error, never as the harness's.
"""

import importlib
import math
import os
import traceback

MAX_MESSAGE_CHARS = 4000
MAX_TRACEBACK_CHARS = 20000
MAX_NOTES = 20

_HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
_MACHINERY_DIRS = (_HARNESS_DIR, os.path.dirname(os.path.abspath(importlib.__file__)))


def cap(text, limit=MAX_MESSAGE_CHARS):
    """``text`` cut to ``limit`` characters, with a marker saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n[... cut: {len(text):,} characters in all, the first {limit:,} kept ...]"


def safe_text(value):
    """``str(value)`` as a plain ``str``, or a fallback naming what went wrong: the value is the entry's, and its
    ``__str__`` may raise anything, return a non-string, or return a ``str`` subclass with its own slicing."""
    try:
        text = str(value)
    except BaseException as error:  # noqa: B036 - the entry's __str__ may raise anything
        return f"<str() of the {type_name(type(value))} failed with {type_name(type(error))}>"
    return "".join([text])  # an exact str, whatever subclass __str__ returned


def type_name(kind):
    module = getattr(kind, "__module__", None)  # a class body may set __module__ to anything
    if module == "builtins" or not isinstance(module, str):
        return kind.__qualname__
    return f"{module}.{kind.__qualname__}"


def _exit_message(code):
    if code is None:
        return "the entry called sys.exit()"
    if type(code) in (int, bool, str):
        return f"the entry called sys.exit({code!r})"
    return f"the entry called sys.exit() with a {type_name(type(code))}"


def is_exit_zero(error):
    """``sys.exit()`` or ``sys.exit(0)``, judged without calling the exit code's own ``__eq__``."""
    return error.code is None or (type(error.code) in (int, bool) and error.code == 0)


def _is_machinery(filename):
    """The harness's own frames, and the import system's (``importlib.import_module``, ``<frozen importlib._bootstrap>``)
    that load the entry."""
    return filename.startswith("<frozen importlib") or os.path.dirname(os.path.abspath(filename)) in _MACHINERY_DIRS


def _user_frames(tb):
    """Skip the leading harness and import-system frames so a traceback starts in the user's code (a misspelled
    module then reads as its one-line error, with no frames of ours)."""
    while tb is not None and _is_machinery(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return tb


def _cap_messages(formatted, seen=None):
    """Cap the message and notes of each exception in a ``TracebackException`` chain before it is formatted, so a
    huge message is never copied into the text (``_str`` is the formatted message on 3.10-3.14)."""
    seen = set() if seen is None else seen
    if formatted is None or id(formatted) in seen:
        return
    seen.add(id(formatted))
    if isinstance(getattr(formatted, "_str", None), str):
        formatted._str = cap(formatted._str)
    notes = getattr(formatted, "__notes__", None)
    if isinstance(notes, list):
        kept = [cap(note) if isinstance(note, str) else note for note in notes[:MAX_NOTES]]
        if len(notes) > MAX_NOTES:
            kept.append(f"[... {len(notes) - MAX_NOTES:,} more notes ...]")
        formatted.__notes__ = kept
    for linked in (formatted.__cause__, formatted.__context__, *(getattr(formatted, "exceptions", None) or ())):
        _cap_messages(linked, seen)


def _traceback_text(kind, error, tb):
    try:
        formatted = traceback.TracebackException(kind, error, tb, compact=True)
        _cap_messages(formatted)
        text = "".join(formatted.format())
    except Exception as failure:  # the entry's exception defeated the formatter: say so, keep the run going
        text = f"<the traceback could not be formatted: {type_name(type(failure))}>\n"
    if len(text) > MAX_TRACEBACK_CHARS:
        text = "[... traceback shortened ...]\n" + text[-MAX_TRACEBACK_CHARS:]
    return text


def error_record(error, phase, user_code=True):
    """The record of an exception: its type, a message (capped, never failing), the traceback and the phase."""
    kind = type(error)
    name = type_name(kind)
    if isinstance(error, SystemExit):
        message = _exit_message(error.code)
    else:
        message = cap(safe_text(error)) or name
    tb = _user_frames(error.__traceback__) if user_code else error.__traceback__
    return {"type": name, "message": message, "traceback": _traceback_text(kind, error, tb), "phase": phase}


def _is_count(value):
    return type(value) is int and value >= 0


def _finite(value):
    """True when no float anywhere in ``value`` is NaN or infinite (JSON holds neither)."""
    if type(value) is float:
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(item) for item in value)
    return True


def _time_problem(time):
    for key in ("samples_ns", "cpu_samples_ns"):
        samples = time.get(key)
        if not isinstance(samples, list) or not samples or not all(_is_count(s) for s in samples):
            return f"time.{key} holds a value that is not a non-negative integer of nanoseconds"
    return None


# (record key, phase that measured it): what a bad value is blamed on.
_MEASURED = (("import_ns", "import"), ("time", "timing"), ("profile", "profile"), ("memory", "memory"),
             ("instructions", "instructions"))


def invalid_measurements(record):
    """Check a worker's record where it is made: every duration and count the results schema requires to be a
    non-negative integer is one, and no number is NaN or infinite (an entry may have replaced the clocks, or
    stopped a tracer). Bad measurements are set to None; returns the error for the first one, or None."""
    problems = []
    for key, phase in _MEASURED:
        value = record.get(key)
        if value is None:
            continue
        if key == "import_ns":
            problem = None if _is_count(value) else f"import_ns is {safe_text(value)[:40]}, not a non-negative integer"
        elif not isinstance(value, dict) or not _finite(value):
            problem = f"{key} holds a number that is NaN or infinite"
        else:
            problem = _time_problem(value) if key == "time" else None
        if problem:
            record[key] = None
            problems.append((phase, problem))
    if not problems:
        return None
    phase, _ = problems[0]
    message = "; ".join(problem for _, problem in problems)
    return {
        "type": "InvalidMeasurement",
        "message": f"the entry disturbed the measurement ({message}); did it replace a clock in the time module?",
        "traceback": None,
        "phase": phase,
    }
