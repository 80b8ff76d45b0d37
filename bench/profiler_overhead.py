"""How much slower bytescope's profiler makes a program, next to the alternatives, measured side by side in one run.

    python bench/profiler_overhead.py [--rounds N]

For a call-heavy workload (recursive fib(22)) and a mixed one (1,000 small json documents round-tripped and rebuilt
into objects, sorting with a key function, string methods, dict work) it times: no profiler, a no-op
``sys.setprofile`` callback (the floor for any profiler built on setprofile), cProfile, the stdlib ``profile`` module
(with ``time.perf_counter``) and bytescope. Times are CPU time of this thread (``time.thread_time_ns``), so other
processes competing for the cores do not count; rounds interleave the configurations (each round in a rotated
order, each run after a ``gc.collect()``) and the best round of each is kept, so what noise remains hits all of
them alike. It prints each slowdown and the ratios the targets are stated in:

* bytescope's added time (slowdown - 1) / the no-op callback's added time   (target: <= 4)
* profile's time / bytescope's time                                        (target: >= 2.2)
* bytescope's time / cProfile's time                                        (reported)

Exit status 1 when a target is missed.
"""

import argparse
import cProfile
import gc
import json
import os
import platform
import profile
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from bytescope.profiling import Profiler  # noqa: E402

ADDED_TIME_TARGET = 4.0
VERSUS_PROFILE_TARGET = 2.2


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def call_heavy():
    fib(22)


class Record:
    def __init__(self, index):
        self.index = index
        self.name = f"record-{index:05d}"
        self.tags = ["alpha", "beta", "gamma"][: index % 3 + 1]

    def as_dict(self):
        return {"index": self.index, "name": self.name, "tags": self.tags}

    @classmethod
    def from_dict(cls, data):
        record = cls(data["index"])
        record.tags = list(data["tags"])
        return record


def _sort_key(record):
    return (len(record.tags), record.name[::-1])


def _words(text):
    return text.upper().replace("-", " ").split()


def mixed():
    """Everyday Python: small json documents round-tripped one by one, objects rebuilt from them, a sort with a
    key function, string methods and dict counting."""
    records = [Record(i) for i in range(1000)]
    restored = [Record.from_dict(json.loads(json.dumps(record.as_dict()))) for record in records]
    ordered = sorted(restored, key=_sort_key)
    counts = {}
    for record in ordered:
        for word in _words(record.name):
            counts[word] = counts.get(word, 0) + 1
        counts.setdefault(record.name.strip("r"), len(record.tags))
    return "".join(sorted(counts)[:50]).lower()


def _noop(frame, event, arg):
    pass


def run_bare(workload):
    workload()


def run_noop(workload):
    previous = sys.getprofile()
    sys.setprofile(_noop)
    try:
        workload()
    finally:
        sys.setprofile(previous)


def run_cprofile(workload):
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        workload()
    finally:
        profiler.disable()


def run_profile(workload):
    profile.Profile(time.perf_counter).runcall(workload)


def run_bytescope(workload):
    with Profiler():
        workload()


CONFIGURATIONS = [
    ("no profiler", run_bare),
    ("no-op setprofile", run_noop),
    ("cProfile", run_cprofile),
    ("profile (perf_counter)", run_profile),
    ("bytescope", run_bytescope),
]


def best_times(workload, rounds):
    best = {name: float("inf") for name, _ in CONFIGURATIONS}
    for name, runner in CONFIGURATIONS:  # warm-up: imports, caches, calibration
        runner(workload)
    for round_ in range(rounds):
        # Each round starts with a different configuration, so none always runs right after the same neighbour,
        # and each starts with no garbage left by the one before (its collection would be charged to this one).
        shift = round_ % len(CONFIGURATIONS)
        for name, runner in CONFIGURATIONS[shift:] + CONFIGURATIONS[:shift]:
            gc.collect()
            started = time.thread_time_ns()
            runner(workload)
            best[name] = min(best[name], (time.thread_time_ns() - started) / 1e9)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per configuration (default 15)")
    options = parser.parse_args(argv)
    print(f"Python {platform.python_version()} ({sys.executable}), CPU time, best of {options.rounds} rounds")
    failures = []
    for label, workload in (("call-heavy (fib 22)", call_heavy), ("mixed (json, sort key, str, dict)", mixed)):
        best = best_times(workload, options.rounds)
        bare = best["no profiler"]
        print(f"\n{label}: no profiler {bare * 1e3:.2f} ms")
        for name, _ in CONFIGURATIONS[1:]:
            print(f"  {name:<24} {best[name] * 1e3:9.2f} ms   slowdown {best[name] / bare:6.2f}x")
        added_ratio = (best["bytescope"] / bare - 1) / (best["no-op setprofile"] / bare - 1)
        versus_profile = best["profile (perf_counter)"] / best["bytescope"]
        versus_cprofile = best["bytescope"] / best["cProfile"]
        for text, value, target in (
            ("bytescope added time / no-op callback added time", added_ratio, f"target <= {ADDED_TIME_TARGET}"),
            ("profile time / bytescope time", versus_profile, f"target >= {VERSUS_PROFILE_TARGET}"),
            ("bytescope time / cProfile time", versus_cprofile, None),
        ):
            print(f"  {text + ':':<50} {value:.2f}" + (f"  ({target})" if target else ""))
        if added_ratio > ADDED_TIME_TARGET:
            failures.append(f"{label}: added-time ratio {added_ratio:.2f} > {ADDED_TIME_TARGET}")
        if versus_profile < VERSUS_PROFILE_TARGET:
            failures.append(f"{label}: only {versus_profile:.2f}x faster than profile")
    print("\nall targets met" if not failures else "\nMISSED: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
