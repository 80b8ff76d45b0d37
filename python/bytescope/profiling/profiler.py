"""``Profiler``: the public face of the call-tree profiler (collect -> process -> render)."""

import functools
import inspect
import threading
import time

from . import exports, render
from .collector import Session
from .memory import MemoryTracker
from .overhead import estimate, per_event_ns
from .process import FunctionNamer, build_tree
from .result import ProfileData, ThreadProfile
from .tree import ROOT_FUNCTION, CallNode

CLOCKS = {  # seconds, as floats: see collector.py
    "wall": time.perf_counter,
    # CPU time of the running thread: per-thread trees stay exact when several threads run. Emscripten (Pyodide) has
    # no thread_time, and no threads either, so there the process's CPU time is the one thread's.
    "cpu": getattr(time, "thread_time", time.process_time),
}
SORT_KEYS = ("total", "own", "calls")
_MAX_UNPROCESSED = 64  # raw trees kept before they are processed (a decorated function called many times)

# Which bytescope profiler, if any, is collecting in each thread: a second one would take the first one's events.
_active = threading.local()


class Profiler:
    """A deterministic call-tree profiler built on ``sys.setprofile``, with optional ``tracemalloc`` memory.

    >>> with Profiler() as p:          # or p.start() ... p.stop(), or @p.profile
    ...     work()
    >>> print(p.report())

    Repeated activations (several ``with`` blocks, or calls of a decorated function) accumulate into one profile.
    """

    def __init__(self, memory=False, clock="wall", builtins=True, threads=False, top_sites=10, traceback_limit=10):
        if clock not in CLOCKS:
            raise ValueError(f"clock must be one of {', '.join(map(repr, CLOCKS))}, not {clock!r}")
        if not isinstance(top_sites, int) or top_sites < 0:
            raise ValueError(f"top_sites must be a non-negative integer, not {top_sites!r}")
        if not isinstance(traceback_limit, int) or traceback_limit < 1:
            raise ValueError(f"traceback_limit must be a positive integer, not {traceback_limit!r}")
        self.memory = bool(memory)
        self.clock = clock
        self.builtins = bool(builtins)
        self.threads = bool(threads)
        self.top_sites = top_sites
        self.traceback_limit = traceback_limit
        self._session = None
        self._memory_tracker = None
        self._thread_trees = {}  # (thread id, thread name) -> accumulated CallNode root
        self._spans = {}  # (thread id, thread name) -> clock time between start() and stop(), for the starting thread
        self._unprocessed = []  # collectors of activations not processed yet
        self._memory_stats = None
        self._activations = 0
        self._duration_ns = 0
        self._data = None

    # ----------------------------------------------------------------------------------------------- collection

    @property
    def running(self):
        return self._session is not None

    def start(self):
        if self._session is not None:
            raise RuntimeError("this Profiler is already running; call stop() before starting it again")
        if getattr(_active, "profiler", None) is not None:
            raise RuntimeError(
                "another bytescope Profiler is already active in this thread; "
                "bytescope profilers do not nest - stop the other one first"
            )
        session = Session(CLOCKS[self.clock], self.builtins, self.threads)
        if self.memory:
            self._memory_tracker = MemoryTracker(self.top_sites, self.traceback_limit)
            self._memory_tracker.start()
        _active.profiler = self
        self._session = session
        try:
            session.start()  # last: from here on every event is the program's
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        session = self._session
        if session is None:
            raise RuntimeError("this Profiler is not running")
        if getattr(_active, "profiler", None) is not self:
            raise RuntimeError("stop() must be called in the thread that called start()")
        try:
            collectors = session.stop()
        finally:
            self._session = None
            _active.profiler = None
            tracker, self._memory_tracker = self._memory_tracker, None
            # The callback's cost under tracemalloc is measured while it still traces (after the measurement).
            stats = tracker.stop(lambda: per_event_ns(self.clock, CLOCKS[self.clock])) if tracker is not None else None
        if stats is not None:
            known = self._memory_stats
            self._memory_stats = stats if known is None else known.merge(stats, self.top_sites)
        span = round((session.stopped_at - session.started_at) * 1e9)
        main_thread = (collectors[0].thread_id, collectors[0].thread_name)
        self._spans[main_thread] = self._spans.get(main_thread, 0) + span
        if session.must_release:  # their trees are about to be emptied: process them first
            self._absorb(collectors)
            session.release(collectors)
        else:  # processing waits until the profile is read (or many activations are waiting)
            self._unprocessed.extend(collectors)
            if len(self._unprocessed) > _MAX_UNPROCESSED:
                self._absorb(self._unprocessed)
                self._unprocessed = []
        self._activations += 1
        self._duration_ns += span
        self._data = None
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
        return False

    def profile(self, function):
        """Decorator: profile every call of ``function`` (plain, method, generator or ``async def``) into this
        profiler. Nested and recursive calls, and calls while the profiler is already running, just run."""
        if inspect.isasyncgenfunction(function):
            raise TypeError(f"@profile does not support async generator functions ({function.__qualname__})")
        if inspect.isgeneratorfunction(function):

            @functools.wraps(function)
            def generator_wrapper(*args, **kwargs):
                return (yield from self._drive(function(*args, **kwargs)))

            return generator_wrapper
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def coroutine_wrapper(*args, **kwargs):
                return await _Driven(self, function(*args, **kwargs))

            return coroutine_wrapper

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if self._session is not None:
                return function(*args, **kwargs)
            self.start()
            try:
                return function(*args, **kwargs)
            finally:
                self.stop()

        return wrapper

    def _drive(self, inner):
        """Run a generator or coroutine step by step, profiling each step but not the time it is suspended."""
        method, argument = inner.send, None
        while True:
            owner = self._session is None
            if owner:
                self.start()
            try:
                item = _step(method, argument)
            except StopIteration as stop:
                return stop.value
            finally:
                if owner:
                    self.stop()
            try:
                argument = yield item
                method = inner.send
            except GeneratorExit:
                inner.close()
                raise
            except BaseException as error:  # thrown in by the consumer: deliver it to the inner one
                method, argument = inner.throw, error

    def _absorb(self, collectors):
        """Process raw trees into named ones, merged into each thread's accumulated tree."""
        for collector in collectors:
            thread = (collector.thread_id, collector.thread_name)
            tree = build_tree(collector.root, FunctionNamer(collector.qualnames))
            accumulated = self._thread_trees.get(thread)
            if accumulated is None:
                self._thread_trees[thread] = tree
            else:
                accumulated.merge(tree)

    # -------------------------------------------------------------------------------------------------- results

    @property
    def data(self):
        """The processed profile (``ProfileData``) of every completed activation."""
        if self._data is None:
            self._data = self._build()
        return self._data

    def _build(self):
        self._absorb(self._unprocessed)
        self._unprocessed = []
        merged = CallNode(ROOT_FUNCTION)
        threads = []
        for (thread_id, name), tree in self._thread_trees.items():
            tree = tree.copy()
            # The root is the profiled block: in the thread that started profiling it lasts from start() to stop(),
            # and its own time is the block's code outside any call; other threads' roots are their calls.
            children_ns = sum(child.total_ns for child in tree.children.values())
            tree.total_ns = max(children_ns, self._spans.get((thread_id, name), 0))
            tree.calls = self._activations
            tree.finish()
            threads.append(ThreadProfile(thread_id, name, tree))
            merged.merge(tree)
        merged.calls = self._activations
        merged.finish()
        events = 2 * sum(node.calls + node.resumes for node in merged.walk() if node is not merged)
        overhead = None
        if self._activations:
            # relative to the profiled time of every thread, like the events
            overhead = estimate(self.clock, CLOCKS[self.clock], events, merged.total_ns, traced=self.memory)
        return ProfileData(
            self.clock,
            merged,
            threads if self.threads else None,
            self._memory_stats,
            overhead,
            self._activations,
            self._duration_ns,
        )

    def functions(self):
        """Per-function rows (``FunctionRow``: qualname, filename, lineno, calls, primitive_calls, resumes,
        own_ns, total_ns), most total time first."""
        return self.data.functions()

    def report(self, sort="total", limit=20, tree=False):
        if sort not in SORT_KEYS:
            raise ValueError(f"sort must be one of {', '.join(map(repr, SORT_KEYS))}, not {sort!r}")
        return render.report(self.data, sort=sort, limit=limit, tree=tree)

    def __str__(self):
        return self.report()

    def compare(self, other, limit=20):
        """This run (before) against ``other`` (after), side by side; ``other`` is a Profiler or ProfileData."""
        return render.compare(self.data, other.data if isinstance(other, Profiler) else other, limit=limit)

    def to_dict(self):
        return self.data.to_dict()

    def to_json(self, indent=None):
        return self.data.to_json(indent=indent)

    def save(self, path):
        exports.write_text(path, self.to_json(indent=1))

    def dump_stats(self, path):
        """A pstats file: ``pstats.Stats(path)``, snakeviz and gprof2dot read it."""
        exports.dump_stats(self.data, path)

    def to_speedscope(self, name="bytescope profile"):
        return exports.speedscope(self.data, name)

    def save_speedscope(self, path, name="bytescope profile"):
        exports.write_json(path, self.to_speedscope(name))

    def to_collapsed(self):
        return exports.collapsed(self.data)

    def save_collapsed(self, path):
        exports.write_text(path, self.to_collapsed())


def _step(method, argument):
    # A frame of this package, so the generator.send / coroutine.send call below it is recognised as the profiler's.
    return method(argument)


class _Driven:
    """An awaitable that runs a coroutine through ``Profiler._drive``."""

    def __init__(self, profiler, coroutine):
        self._steps = profiler._drive(coroutine)

    def __await__(self):
        return self._steps
