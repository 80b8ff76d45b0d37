"""``ProfileData``: everything one profiler measured, processed, in the shape every renderer and exporter reads.

It is built from live collectors by ``Profiler`` and from saved JSON by ``ProfileData.from_dict``, so reports,
comparisons and exports work the same on both.
"""

import json
import sys
from typing import NamedTuple, Optional

from .exports import json_text
from .memory import MemoryStats
from .overhead import Overhead
from .tree import CallNode, FunctionRow, function_rows

SCHEMA_VERSION = 1


def _parse_deep_json(text):
    """``json.loads``, with room for the nesting of a deep call tree (the parser shares the recursion limit; on
    3.12 it has its own, fixed one)."""
    try:
        return json.loads(text)
    except RecursionError:
        limit = sys.getrecursionlimit()
        # Two levels (node, children list) per tree level; the count of nodes bounds the depth.
        sys.setrecursionlimit(max(limit, min(2 * text.count('"children"') + 1000, 20_000)))
        try:
            return json.loads(text)
        finally:
            sys.setrecursionlimit(limit)


class ProfileError(ValueError):
    """A saved profile that cannot be read: not JSON, not a bytescope profile, or a newer schema."""


class ThreadProfile(NamedTuple):
    thread_id: int
    name: str
    tree: CallNode

    def to_dict(self):
        return {"thread_id": self.thread_id, "name": self.name, "tree": self.tree.to_dict()}


class ProfileData:
    def __init__(self, clock, tree, threads=None, memory=None, overhead=None, activations=0, duration_ns=0):
        self.clock = clock
        self.tree = tree  # merged over threads; its root has no function
        self.threads = threads  # [ThreadProfile] when every thread was profiled, else None
        self.memory: Optional[MemoryStats] = memory
        self.overhead: Optional[Overhead] = overhead
        self.activations = activations
        self.duration_ns = duration_ns  # clock time between start() and stop(), summed over activations
        self._functions = None

    def functions(self):
        """Per-function rows, most total time first (ties broken by name for a deterministic order)."""
        if self._functions is None:
            rows = function_rows(self.tree)
            rows.sort(key=lambda row: (-row.total_ns, -row.own_ns, row.function))
            self._functions = rows
        return list(self._functions)

    @property
    def total_ns(self):
        return self.tree.total_ns

    @property
    def total_calls(self):
        return sum(row.calls for row in self.functions())

    def to_dict(self):
        return {
            "schema_version": SCHEMA_VERSION,
            "clock": self.clock,
            "activations": self.activations,
            "duration_ns": self.duration_ns,
            "total_ns": self.total_ns,
            "functions": [row.to_dict() for row in self.functions()],
            "tree": self.tree.to_dict(),
            "threads": None if self.threads is None else [thread.to_dict() for thread in self.threads],
            "memory": None if self.memory is None else self.memory.to_dict(),
            "overhead": None if self.overhead is None else self.overhead.to_dict(),
        }

    def to_json(self, indent=None):
        return json_text(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data):
        if not isinstance(data, dict) or "tree" not in data or "schema_version" not in data:
            raise ProfileError("not a bytescope profile (expected the JSON written by Profiler.save)")
        if data["schema_version"] != SCHEMA_VERSION:
            raise ProfileError(f"unsupported profile schema_version {data['schema_version']!r} (expected 1)")
        try:
            tree = CallNode.from_dict(data["tree"])
            threads = data.get("threads")
            profile = cls(
                data["clock"],
                tree,
                None
                if threads is None
                else [ThreadProfile(t["thread_id"], t["name"], CallNode.from_dict(t["tree"])) for t in threads],
                None if data.get("memory") is None else MemoryStats.from_dict(data["memory"]),
                None if data.get("overhead") is None else Overhead.from_dict(data["overhead"]),
                int(data.get("activations", 1)),
                data.get("duration_ns", tree.total_ns),
            )
            # Rows were computed from the unpruned tree when saved; keep them rather than re-deriving.
            profile._functions = [FunctionRow.from_dict(row) for row in data["functions"]]
        except (KeyError, TypeError, ValueError) as error:
            raise ProfileError(f"malformed bytescope profile: {type(error).__name__}: {error}") from None
        return profile

    @classmethod
    def load(cls, path):
        try:
            with open(path, encoding="utf-8") as file:
                text = file.read()
        except OSError as error:
            raise ProfileError(f"cannot read {path}: {error.strerror or error}") from None
        try:
            data = _parse_deep_json(text)
        except json.JSONDecodeError as error:
            raise ProfileError(f"{path} is not valid JSON: {error}") from None
        except RecursionError:
            raise ProfileError(f"{path} nests deeper than this Python's JSON parser can read") from None
        try:
            return cls.from_dict(data)
        except ProfileError as error:
            raise ProfileError(f"{path}: {error}") from None
