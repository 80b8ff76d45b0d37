"""Estimate what profiling cost: the callback's price per event, measured once per process and clock."""

import sys
import time
import tracemalloc
from typing import NamedTuple

from .collector import ThreadCollector

# (calls, rounds): under tracemalloc every event costs far more, so fewer are enough
_CALIBRATION = {False: (2000, 7), True: (200, 3)}
# Bound at import, before profiled code can replace time.perf_counter_ns; in a tuple because freezegun also rewrites
# every module attribute that holds the real function.
_TIMER = (time.perf_counter_ns,)
_per_event_ns = {}  # (clock name, tracemalloc tracing?) -> ns


class Overhead(NamedTuple):
    events: int  # profiler events recorded (a call and its return are two)
    per_event_ns: float  # measured cost of one event on this interpreter and clock
    estimated_ns: int  # events x per-event cost: time the program ran slower under the profiler
    fraction: float  # estimated_ns relative to the profiled time (which includes it)

    def to_dict(self):
        return self._asdict()

    @classmethod
    def from_dict(cls, data):
        return cls(int(data["events"]), float(data["per_event_ns"]), int(data["estimated_ns"]), float(data["fraction"]))


def _leaf():
    return None


def _calls(count):
    leaf = _leaf
    for _ in range(count):
        leaf()


def per_event_ns(clock_name, clock, traced=None):
    """The added cost of one profiled event: the same loop of calls timed without and with a collector installed,
    best of several rounds (noise only ever adds time). tracemalloc makes every allocation of the callback dear, so
    the cost is measured, and cached, with and without it. ``traced`` asks for one of the two; when it has not
    been measured yet, it is measured as things are now."""
    state = (clock_name, tracemalloc.is_tracing())
    cached = _per_event_ns.get(state if traced is None else (clock_name, traced))
    if cached is not None:
        return cached
    calls, rounds = _CALIBRATION[state[1]]
    previous = sys.getprofile()
    timer = _TIMER[0]
    bare = profiled = float("inf")
    try:
        for _ in range(rounds):
            started = timer()
            _calls(calls)
            bare = min(bare, timer() - started)
            collector = ThreadCollector(clock, True, 0, "calibration")
            sys.setprofile(collector.callback)
            started = timer()
            _calls(calls)
            elapsed = timer() - started
            sys.setprofile(previous)
            profiled = min(profiled, elapsed)
    finally:
        sys.setprofile(previous)
    cost = max(0.0, (profiled - bare) / (2 * calls))
    _per_event_ns[state] = cost
    return cost


def estimate(clock_name, clock, events, profiled_ns, traced):
    cost = per_event_ns(clock_name, clock, traced)
    # The profiled time includes the profiler's cost, so it bounds the estimate (calibration noise can overshoot).
    estimated = min(int(events * cost), profiled_ns)
    return Overhead(events, round(cost, 1), estimated, round(estimated / profiled_ns, 4) if profiled_ns else 0.0)
