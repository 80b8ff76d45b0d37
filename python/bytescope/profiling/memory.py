"""Memory: peak, allocations and top allocation sites of the profiled block, from ``tracemalloc`` snapshots.

tracemalloc traces live memory blocks, so "allocated" means blocks allocated inside the block and still alive when it
ended (what a snapshot comparison shows); memory allocated and freed inside the block is visible in the peak only.
"""

import os
import tracemalloc
from typing import NamedTuple

from .process import PACKAGE_DIR

# Traces made by the profiler itself (its tree, its stack) and by tracemalloc (snapshots) are not the program's:
# the most recent frame is the profiler's or tracemalloc's, or the profile callback is anywhere on the stack (it runs
# on top of the program's frames, and calls other modules on its slow path).
_OWN_PATTERN = os.path.join(PACKAGE_DIR, "*")
_OWN_FILTERS = (
    tracemalloc.Filter(False, _OWN_PATTERN),
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, os.path.join(PACKAGE_DIR, "collector.py"), all_frames=True),
)


def _program_frames(traceback):
    """(filename, lineno) of the program's frames, most recent first: up to the first frame of the profiler (its
    decorator wrapper, the CLI's runner), which with everything that called it is the caller's context."""
    frames = []
    for frame in reversed(traceback):
        if os.path.dirname(frame.filename) == PACKAGE_DIR:
            break
        if frame.filename != tracemalloc.__file__:
            frames.append((frame.filename, frame.lineno))
    return tuple(frames)


class Site(NamedTuple):
    """An allocation site: the traceback (most recent frame first) and what it allocated that is still alive."""

    size_bytes: int
    count: int
    traceback: tuple  # ((filename, lineno), ...)

    def to_dict(self):
        return {
            "size_bytes": self.size_bytes,
            "count": self.count,
            "traceback": [{"filename": filename, "lineno": lineno} for filename, lineno in self.traceback],
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            int(data["size_bytes"]),
            int(data["count"]),
            tuple((frame["filename"], int(frame["lineno"])) for frame in data["traceback"]),
        )


class MemoryStats(NamedTuple):
    peak_bytes: int
    allocated_bytes: int
    allocations: int
    top_sites: tuple  # of Site, largest first
    traceback_limit: int

    def to_dict(self):
        return {
            "peak_bytes": self.peak_bytes,
            "allocated_bytes": self.allocated_bytes,
            "allocations": self.allocations,
            "top_sites": [site.to_dict() for site in self.top_sites],
            "traceback_limit": self.traceback_limit,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            int(data["peak_bytes"]),
            int(data["allocated_bytes"]),
            int(data["allocations"]),
            tuple(Site.from_dict(site) for site in data["top_sites"]),
            int(data.get("traceback_limit", 0)),
        )

    def merge(self, other, top_sites):
        """Two activations of one profiler: the higher peak, the allocations of both, sites combined."""
        sites = {}
        for site in self.top_sites + other.top_sites:
            size, count = sites.get(site.traceback, (0, 0))
            sites[site.traceback] = (size + site.size_bytes, count + site.count)
        return MemoryStats(
            max(self.peak_bytes, other.peak_bytes),
            self.allocated_bytes + other.allocated_bytes,
            self.allocations + other.allocations,
            _top(sites, top_sites),
            max(self.traceback_limit, other.traceback_limit),
        )


def _top(sites, limit):
    ranked = sorted(sites.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return tuple(Site(size, count, traceback) for traceback, (size, count) in ranked[:limit])


class MemoryTracker:
    """Starts tracemalloc for one activation unless something else is already tracing (then it is left running,
    its traceback limit untouched), and measures the activation against a snapshot taken at its start."""

    def __init__(self, top_sites, traceback_limit):
        self.top_sites = top_sites
        self.traceback_limit = traceback_limit
        self._started_tracing = False
        self._before = None
        self._traced_before = 0
        self._own_before = 0
        self._witness = None
        self.interrupted = False

    def start(self):
        self._started_tracing = not tracemalloc.is_tracing()
        if self._started_tracing:
            tracemalloc.start(self.traceback_limit)
            self._before, self._own_before = None, 0  # nothing was traced before this instant
        else:
            snapshot = tracemalloc.take_snapshot()
            self._before, self._own_before = _program_traces(snapshot), _own_size(snapshot)
        # Traced from here on, and counted as "before": stopping tracemalloc forgets its trace, so a measured block
        # that stops (and perhaps restarts) tracing shows in ``interrupted`` instead of in a peak that means nothing.
        self._witness = object()
        self.interrupted = False
        self._traced_before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()

    def stop(self, while_tracing=None):
        """Measure and stop tracing (only if this tracker started it). Safe to call after ``start`` failed.
        ``while_tracing`` runs after the measurement, before tracing stops.  None, with ``interrupted`` set, when
        the measured block stopped tracing (and perhaps started it again)."""
        self.interrupted = self._witness is not None and (
            not tracemalloc.is_tracing() or tracemalloc.get_object_traceback(self._witness) is None
        )
        self._witness = None
        if self.interrupted:
            if tracemalloc.is_tracing() and self._started_tracing:
                tracemalloc.stop()  # restarted by the block: what this tracker started, it stops
            return None
        if not tracemalloc.is_tracing():
            return None
        try:
            _, peak = tracemalloc.get_traced_memory()
            snapshot = tracemalloc.take_snapshot()
            if while_tracing is not None:
                while_tracing()
        finally:
            if self._started_tracing:
                tracemalloc.stop()
        limit = tracemalloc.get_traceback_limit() if not self._started_tracing else self.traceback_limit
        program = _program_traces(snapshot)
        if self._before is None:
            differences = program.statistics("traceback")
            grown = [(stat.traceback, stat.size, stat.count) for stat in differences]
        else:
            differences = program.compare_to(self._before, "traceback")
            grown = [(stat.traceback, stat.size_diff, stat.count_diff) for stat in differences]
        sites = {}
        allocated = allocations = 0
        for traceback, size, count in grown:
            if size <= 0 or count <= 0:
                continue
            allocated += size
            allocations += count
            frames = _program_frames(traceback)
            known_size, known_count = sites.get(frames, (0, 0))
            sites[frames] = (known_size + size, known_count + count)
        # The peak counts everything traced; take out what was traced before and what the profiler's tree grew by.
        peak = max(0, peak - self._traced_before - (_own_size(snapshot) - self._own_before))
        self._before = None
        return MemoryStats(peak, allocated, allocations, _top(sites, self.top_sites), limit)


def _passing(snapshot, filters):
    """The raw traces ``snapshot.filter_traces(filters)`` keeps, decided once per distinct traceback: a call makes
    thousands of blocks from a handful of places, and matching every frame of every trace against the filters took
    seconds per snapshot.  (``_traces`` holds the raw ``(domain, size, traceback, nframe)`` tuples; it has since
    tracemalloc's first release.)"""
    limit = snapshot.traceback_limit
    decided = {}

    def passes(trace):
        traceback = trace[2]
        if traceback not in decided:
            decided[traceback] = bool(tracemalloc.Snapshot([trace], limit).filter_traces(filters).traces)
        return decided[traceback]

    return [trace for trace in snapshot.traces._traces if passes(trace)]


def _program_traces(snapshot):
    return tracemalloc.Snapshot(_passing(snapshot, _OWN_FILTERS), snapshot.traceback_limit)


def _own_size(snapshot):
    return sum(trace[1] for trace in _passing(snapshot, [tracemalloc.Filter(True, _OWN_PATTERN)]))
