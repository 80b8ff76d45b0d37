"""The results document: environment, settings and entries, written atomically as one JSON file."""

import datetime
import json
import os
import platform
import subprocess
import sys

from .. import __version__
from ..bytecode.registry import CATEGORIES
from . import environment as probes

SCHEMA_VERSION = 1


def _commit(project_dir):
    sha = os.environ.get("GITHUB_SHA")
    if sha:
        return sha
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None  # not a git checkout, or git has no commit yet
    return done.stdout.strip() or None


def environment(project_dir, imported=()):
    """``imported``: the top-level modules the entries imported, whose distributions' versions are recorded."""
    found, omitted = probes.distributions(imported, [project_dir, *sys.path])
    return {
        "python_version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "system": platform.system(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "commit": _commit(project_dir),
        **probes.record(),
        "distributions": found,
        "distributions_omitted": omitted,
    }


def category_words():
    """The registry's words for each instruction category, so readers in other languages need no copy of them."""
    return {c.name: {"title": c.title, "singular": c.singular, "plural": c.plural} for c in CATEGORIES.values()}


def document(settings, entries, imported=()):
    return {
        "schema_version": SCHEMA_VERSION,
        "bytescope_version": __version__,
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "environment": environment(settings.cwd, imported),
        "settings": settings.to_dict(),
        "categories": category_words(),
        "entries": entries,
    }


def write(path, results):
    """Write through a temporary file and rename, so a reader never sees half a file."""
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(results, handle, allow_nan=False, separators=(",", ":"))
            handle.write("\n")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def read_json(path, label=None):
    """A JSON file's data; ``ValueError`` with one readable line (naming ``label``, default the path) otherwise."""
    label = label or path
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise ValueError(f"cannot read {label}: {error.strerror or error}") from None
    except ValueError as error:
        raise ValueError(f"{label} is not valid JSON: {error}") from None


def unmeasured_entry(name, target, status="ok", error=None):
    """An entry record with nothing measured yet: the worker fills it in, or it records why nothing was."""
    return {
        "name": name,
        "target": target,
        "status": status,
        "error": error,
        "import_ns": None,
        "time": None,
        "memory": None,
        "memory_unmeasured": None,
        "instructions": None,
        "profile": None,
        "functions": [],
    }


def load(path):
    """A results file's data; ``ValueError`` with a readable message when it is not one this version reads."""
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError(f"{path} is not a bytescope results file")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(
            f"{path} has results schema_version {data.get('schema_version')!r}; "
            f"this bytescope reads version {SCHEMA_VERSION}"
        )
    if not isinstance((data.get("environment") or {}).get("python_version"), str):
        raise ValueError(f"{path} has no environment.python_version")
    for index, entry in enumerate(data["entries"]):
        # What readers index without looking; the full check is the schema's.
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("status"), str)
            and isinstance(entry.get("functions"), list)
        ):
            raise ValueError(f"{path}: entries[{index}] is not a results entry (needs name, status, functions)")
    return data
