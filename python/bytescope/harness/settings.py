"""The settings of one ``run``: from command-line options and/or a ``--config FILE.json``, validated once.

The config file carries the same settings as the options (the action writes one); options given on the command
line win over the file, and ``--entry`` options replace the file's ``entries``.
"""

import json
import math
import os
import re
from typing import List, NamedTuple, Optional

from .instructions import available_methods
from .results import read_json
from .table import GRAMMAR, HARNESS_ROWS
from .targets import Entry, TargetError, check_unique, parse_entry

# Longest timeout per entry (a day, from the table): Node's timers overflow past 2**31 ms, and no CI job runs longer.
MAX_TIMEOUT_SECONDS = HARNESS_ROWS["timeout"]["max"]
# The one grammar of a number given as text, in both languages (the table's): plain decimal, optional fraction and
# exponent.
NUMBER_PATTERN = re.compile(GRAMMAR["number"])


def _config_help():
    lines = ['    "entries": ["fast=pkg.mod:main", {"name": "report", "target": "scripts/report.py"}],']
    for key, row in HARNESS_ROWS.items():
        if key in ("entries", "out"):
            continue
        bounds = {"int": f" ({row.get('min')} to {row.get('max')})", "seconds": f" (> 0, <= {row.get('max')})"}
        lines.append(f"    {json.dumps(key)}: {json.dumps(row['default'])},".ljust(28) + f" {row['help']}{bounds.get(row['kind'], '')}")
    lines.append('    "out": "results.json"'.ljust(28) + f" {HARNESS_ROWS['out']['help']}")
    return "\n".join(lines)


CONFIG_HELP = f"""\
config file (--config FILE.json), every key optional except entries and out (unless given as options):
  {{
{_config_help()}
  }}
relative cwd and out are resolved against the directory the command runs in; script TARGETs against cwd.
schema/settings.json holds every setting's default, bounds and help (the action reads it too).

exit status: 0 every entry measured, 1 some entries failed (error or timeout; the file is still written),
2 usage error (nothing run), 3 harness failure (e.g. the results file could not be written).
"""


class SettingsError(ValueError):
    """A usage error: bad option value or config file; the message names the problem."""


class Settings(NamedTuple):
    entries: List[Entry]
    repeat: int
    warmup: int
    timeout: float
    memory: bool
    memory_runs: int
    peak_in_worker: bool  # the measuring worker measures the first peak (same-runner rounds)
    instructions: bool
    instructions_method: Optional[str]  # None: the fastest this Python has
    profile: bool
    cwd: str  # absolute project directory
    python_path: List[str]  # absolute directories, first on the entries' sys.path
    tree: Optional[str]  # absolute directory the entries' code must lie in, or None
    out: str  # absolute results path

    def to_dict(self):
        """What the results file records of these settings."""
        return {
            "repeat": self.repeat,
            "warmup": self.warmup,
            "timeout": self.timeout,
            "memory": self.memory,
            "memory_runs": self.memory_runs,
            "instructions": self.instructions,
            "cwd": self.cwd,
        }


def parse_number(text):
    """A setting given as text (a command-line option): plain decimal with optional fraction and exponent (``10``,
    ``0.5``, ``1e-3``); hexadecimal, ``inf``, ``nan`` and ``1_000``, which Python's own parsers take, are refused."""
    stripped = text.strip()
    if not NUMBER_PATTERN.fullmatch(stripped):
        raise SettingsError(f"expected a plain decimal number (like 10, 0.5 or 1e-3), got {text!r}")
    value = float(stripped)
    if not math.isfinite(value):
        raise SettingsError(f"{text!r} is out of range")
    return value


def _check_int(key, value, minimum, maximum):
    # A whole float counts (JSON's 2e1 is Python's 20.0): one number grammar, then the integer check.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"{key} must be an integer >= {minimum}, got {value!r}")
    if value > maximum:
        raise SettingsError(f"{key} must be an integer <= {maximum}, got {value!r}")
    return value


def _check_timeout(value):
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not 0 < value <= MAX_TIMEOUT_SECONDS:  # NaN fails both comparisons
        raise SettingsError(f"timeout must be a number of seconds > 0 and <= {MAX_TIMEOUT_SECONDS}, got {value!r}")
    return float(value)


def _check_bool(key, value):
    if not isinstance(value, bool):
        raise SettingsError(f"{key} must be true or false, got {value!r}")
    return value


def _check_path(key, value):
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{key} must be a non-empty path string, got {value!r}")
    return value


def _check_paths(key, value):
    if not isinstance(value, list) or not value:
        raise SettingsError(f"{key} must be a non-empty list of directories, got {value!r}")
    return [_check_path(f"{key}[{i}]", item) for i, item in enumerate(value)]


def _config_entry(index, item):
    where = f"entries[{index}]"
    if isinstance(item, str):
        return parse_entry(item)
    if isinstance(item, dict):
        unknown = sorted(set(item) - {"name", "target"})
        if unknown:
            raise SettingsError(f"{where} has unknown key {unknown[0]!r} (expected name, target)")
        target, name = item.get("target"), item.get("name")
        if not isinstance(target, str):
            raise SettingsError(f"{where} needs a string 'target'")
        if name is not None and not isinstance(name, str):
            raise SettingsError(f"{where} 'name' must be a string")
        return parse_entry(target, name=name if name is not None else target.strip())
    raise SettingsError(f"{where} must be a TARGET string or an object {{name, target}}, got {item!r}")


def read_config(path):
    """The settings in a config file, validated, as a dict of the keys it sets."""
    try:
        data = read_json(path, f"config {path}")
    except ValueError as error:
        raise SettingsError(str(error)) from None
    if not isinstance(data, dict):
        raise SettingsError(f"config {path} must hold a JSON object")
    known = set(HARNESS_ROWS)
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"config {path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    found = {}
    try:
        if "entries" in data:
            if not isinstance(data["entries"], list):
                raise SettingsError("entries must be a list")
            found["entries"] = [_config_entry(i, item) for i, item in enumerate(data["entries"])]
        for key, value in data.items():
            if key != "entries":
                found[key] = _validate(key, value)
    except (SettingsError, TargetError) as error:
        raise SettingsError(f"config {path}: {error}") from None
    return found


def _validate(key, value):
    """A value of the harness setting ``key`` checked as its kind in the table says."""
    row = HARNESS_ROWS[key]
    kind = row["kind"]
    if kind == "int":
        return _check_int(key, value, row["min"], row["max"])
    if kind == "seconds":
        return _check_timeout(value)
    if kind == "bool":
        return _check_bool(key, value)
    if kind == "paths":
        return _check_paths(key, value)
    if value is None and row["default"] is None:
        return None
    return _check_path(key, value)


# What a run gets for a setting it is not given, checked like a given value.
DEFAULTS = {
    key: _validate(key, row["default"])
    for key, row in HARNESS_ROWS.items()
    if row["kind"] != "entries" and key != "out"
}


def resolve(options, config_path=None):
    """Settings from option values (None where not given) over the config file over the defaults."""
    merged = dict(DEFAULTS)
    if config_path:
        merged.update(read_config(config_path))
    for key, value in options.items():
        if value is not None:
            merged[key] = _validate(key, value) if key not in ("entries", "instructions_method") else value
    entries = merged.get("entries") or []
    if not entries:
        raise SettingsError("no entries to measure; give --entry [NAME=]TARGET or 'entries' in --config")
    try:
        check_unique(entries)
    except TargetError as error:
        raise SettingsError(str(error)) from None
    if not merged.get("out"):
        raise SettingsError("no output file; give --out results.json or 'out' in --config")
    method = merged.get("instructions_method")
    if method is not None and method not in available_methods():
        raise SettingsError(
            f"instruction counting method {method!r} is not available on this Python "
            f"(available: {', '.join(available_methods())})"
        )
    cwd = os.path.abspath(merged["cwd"])
    if not os.path.isdir(cwd):
        raise SettingsError(f"working directory {merged['cwd']!r} does not exist")
    python_path = [os.path.abspath(os.path.join(cwd, p)) for p in merged["python_path"] or []]
    for given, directory in zip(merged["python_path"] or [], python_path):
        if not os.path.isdir(directory):
            raise SettingsError(f"python_path {given!r} is not a directory (looked for {directory})")
    # The project directory stays importable after them: benchmarks beside a src/ layout import from both.
    python_path += [cwd] if cwd not in python_path else []
    tree = os.path.abspath(merged["tree"]) if merged["tree"] else None
    if tree is not None and not os.path.isdir(tree):
        raise SettingsError(f"tree {merged['tree']!r} is not a directory")
    return Settings(
        entries=entries,
        repeat=merged["repeat"],
        warmup=merged["warmup"],
        timeout=merged["timeout"],
        memory=merged["memory"],
        memory_runs=merged["memory_runs"],
        peak_in_worker=merged["peak_in_worker"],
        instructions=merged["instructions"],
        instructions_method=method,
        profile=merged["profile"],
        cwd=cwd,
        python_path=python_path,
        tree=tree,
        out=os.path.abspath(merged["out"]),
    )
