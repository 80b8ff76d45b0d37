"""The settings table, ``schema/settings.json``: every setting's key, kind, default, bounds and help, and which
surfaces have it. The action reads the same file (``src/config/table.ts``), so the harness and the action share one
set of defaults, bounds and grammar. The file lies beside this package's ``python/`` folder, where the action's
checkout has it."""

import json
import os

TABLE_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
    "schema",
    "settings.json",
)


def _load():
    try:
        with open(TABLE_PATH, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        # Not a user mistake: bytescope's own files are incomplete.
        raise RuntimeError(f"bytescope's settings table {TABLE_PATH} cannot be read: {error}") from None


TABLE = _load()
GRAMMAR = TABLE["grammar"]
# The harness's settings by their key in its config file (``memory_runs``), in the table's order.
HARNESS_ROWS = {row["surfaces"]["harness"]: row for row in TABLE["settings"] if "harness" in row["surfaces"]}


def row_of(key):
    """The row of the setting ``key`` (its table key, kebab-case)."""
    return next(row for row in TABLE["settings"] if row["key"] == key)


def default_text(row):
    """A default as help shows it."""
    if "defaultText" in row:
        return row["defaultText"]
    default = row["default"]
    if isinstance(default, list):
        return ", ".join(default)
    return json.dumps(default) if isinstance(default, bool) else str(default)


def help_of(row):
    """The help line, ending with the default when there is one."""
    if row["default"] is None and "defaultText" not in row:
        return row["help"]
    return f"{row['help']} (default: {default_text(row)})"
