"""Collect: the ``sys.setprofile`` callback that grows one raw call tree per thread.

The callback runs on every call and return of the profiled program, so it does the least work that keeps the tree
exact: one clock read, one dict lookup keyed by code object (or C function owner and name), two float updates, and
a move to the child node or back to the parent. Names, merging, own times and everything else wait for
``process.py``.
"""

import dis
import sys
import threading
import types

# A raw node is a list, because the hot path indexes it (attributes are slower):
# [total, calls, children, generators, key, resumes, parent, methods].
# ``total`` and ``calls`` are floats: a call subtracts the clock (in seconds) from ``total`` and its return adds it
# back, so the hot path never stores a start time; floats come from a free list, so unlike ints they are neither
# allocated nor, under tracemalloc, traced on every event. A double holds counts exactly up to 2**53, and a clock
# reading of even 10**6 s (11 days' uptime) to 0.1 ns.
# ``children`` are keyed by id(code) (hashing a code object rehashes its constants on every call; the node keeps the
# code alive, so its id stays its own) and by the function for module-level C functions, which are bound to their
# module (or, like ``str.maketrans``, to nothing) and safe to keep (they hash and compare by identity). C methods
# are in ``methods``, {type: {name: node}}, never keyed by the bound method, which would keep its ``__self__`` alive.
# Generator and coroutine children live in ``generators``, which the hot path never looks in: the slow path tells a
# start (a call) from a resume (not a call).
# ``key`` is what the node stands for: the code object, the C function, or the (type, name) of a C method.
# ``parent`` makes a stack unnecessary: a node is one call path, so a return always goes back to its parent. The
# root is its own parent, so returns of frames entered before start() leave the collector at the root.
TOTAL, CALLS, CHILDREN, GENERATORS, KEY, RESUMES, PARENT, METHODS = range(8)


_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR

_NEEDS_QUALNAMES = sys.version_info < (3, 11)
_RESUME = dis.opmap.get("RESUME")  # 3.11+


def _start_offset(code):
    """The ``f_lasti`` a generator or coroutine frame has when it starts, told apart from when it resumes.

    Python 3.10 reports -1 for a frame that has not run yet; 3.11+ reports the offset of its first RESUME.
    Plain functions get None: every 'call' event is a call.
    """
    if not code.co_flags & _GENERATOR_FLAGS:
        return None
    if _RESUME is None:
        return -1
    # Scan code units rather than call dis: this runs inside the callback, and must stay cheap.
    raw = code.co_code
    for offset in range(0, len(raw), 2):
        if raw[offset] == _RESUME:
            return offset
    return -1


def _passed_events():
    """The event names as this interpreter passes them to a profile function, {name: that very object}, so the
    callback can tell events apart by identity (cheaper than ``==``, which 3.10 does not specialise).

    CPython passes the same object for an event every time, though not always the interned string (3.11 passes
    others). Probed once, at import, and only when no profile function is installed in this thread (the probe then
    disturbs nothing); None when that was not possible or the objects were not the same every time."""
    if sys.getprofile() is not None:
        return None
    passed, stable = {}, []

    def probe(frame, event, arg):
        stable.append(passed.setdefault(event, event) is event)

    sys.setprofile(probe)
    try:
        _probe()
        _probe()
    finally:
        sys.setprofile(None)
    return passed if all(stable) and passed.keys() >= {"call", "c_call", "return"} else None


def _probe():
    return len(())  # call, c_call, c_return, return


_PASSED_EVENTS = _passed_events()


def _interning(callback):
    """``callback`` when the event objects are not known: it is handed the interned names instead."""
    intern = sys.intern

    def interned(frame, event, arg):
        callback(frame, intern(event), arg)

    return interned


def qualname_from_frame(frame):
    """Python 3.10: ``Class.method`` for a method (its class found via ``self``/``cls`` and the MRO), else the name."""
    code = frame.f_code
    name = code.co_name
    if not code.co_argcount:
        return name
    try:
        first = frame.f_locals.get(code.co_varnames[0])
        for klass in (first if isinstance(first, type) else type(first)).__mro__:
            attribute = klass.__dict__.get(name)
            function = getattr(attribute, "__func__", attribute)
            function = getattr(function, "fget", function)
            if getattr(function, "__code__", None) is code:
                return f"{klass.__qualname__}.{name}"
    except Exception:  # noqa: BLE001 - arbitrary class attributes: an error here would unhook the profiler
        pass
    return name


def new_raw_node(key, parent):
    return [0.0, 0.0, {}, {}, key, 0, parent, {}]


def raw_children(node):
    """Every child of a raw node: Python functions, generators and coroutines, C functions and C methods."""
    yield from node[CHILDREN].values()
    yield from node[GENERATORS].values()
    for by_name in node[METHODS].values():
        yield from by_name.values()


class ThreadCollector:
    """The raw call tree of one thread during one activation, the node it is in, and the callback."""

    def __init__(self, clock, builtins, thread_id, thread_name):
        self.thread_id = thread_id
        self.thread_name = thread_name
        self.root = new_raw_node(None, None)
        self.root[PARENT] = self.root
        self.detached = False
        self.qualnames = {}  # code -> qualified name, on Pythons without co_qualname
        self._start_offsets = {}  # id(code) -> _start_offset(code)
        self.callback, self._current = self._make_callback(clock, builtins)

    def close_open_frames(self, now):
        """Charge every frame still open at ``now`` (the profiler is stopping)."""
        node, root = self._current(), self.root
        while node is not root:
            node[TOTAL] += now
            node = node[PARENT]

    def detach(self):
        """Make this thread's callback, if it is still installed, remove itself at its next call event."""
        self.detached = True
        pending = [self.root]
        while pending:
            node = pending.pop()
            pending.extend(raw_children(node))
            node[CHILDREN], node[GENERATORS], node[METHODS] = {}, {}, {}

    def _start(self, frame):
        """(id of the frame's code, its start offset), naming the code on Pythons without co_qualname."""
        code = frame.f_code
        key = id(code)
        start = self._start_offsets.get(key, False)
        if start is False:
            start = self._start_offsets[key] = _start_offset(code)
            if _NEEDS_QUALNAMES:
                self.qualnames[code] = qualname_from_frame(frame)
        return key, start

    def _make_callback(self, clock, builtins):
        current = self.root
        type_ = type
        ident = id
        module_type, none_type = types.ModuleType, type(None)
        # The event objects compared by identity, as closure variables (faster than globals). Without builtins,
        # c_call matches nothing, so C calls and their returns fall through untouched.
        events = _PASSED_EVENTS or {name: sys.intern(name) for name in ("call", "c_call", "return")}
        call, return_ = events["call"], events["return"]
        c_call = events["c_call"] if builtins else object()

        def enter(frame):
            """Slow path of a 'call' event: a function's first call under the current node, or a generator or
            coroutine (started or resumed)."""
            nonlocal current
            if self.detached:
                # The profiler stopped while this thread kept running with our callback (no per-thread unhooking
                # before Python 3.12): take the callback out of this thread and record nothing more.
                sys.setprofile(None)
                return
            key, start = self._start(frame)
            siblings = current[CHILDREN] if start is None else current[GENERATORS]
            node = siblings.get(key)
            if node is None:
                node = siblings[key] = new_raw_node(frame.f_code, current)
            if start is None or frame.f_lasti == start:
                node[CALLS] += 1.0
            else:
                node[RESUMES] += 1
            node[TOTAL] -= clock()  # read last: the slow path's cost is the profiler's, not this function's
            current = node

        def enter_c(owner, function):
            """Slow path of a 'c_call' event: a C function's first call under the current node. ``owner`` is the
            type the hot path filed ``function`` under: ModuleType for a module-level function, else the type of
            the object a method is bound to."""
            nonlocal current
            if self.detached:
                sys.setprofile(None)
                return
            if owner is module_type or owner is none_type:
                # Keyed by the function itself: bound to its module, or to nothing (``str.maketrans``), so it is safe
                # to keep. Self-less functions of different types can share a name, so they get no METHODS entry
                # and always take this slow path; they are rare.
                siblings, key = current[CHILDREN], function
                raw_key = function
            else:
                if owner is type_:  # a class method of a built-in type: filed under the type itself
                    owner = function.__self__
                siblings, key = current[METHODS].setdefault(owner, {}), function.__name__
                raw_key = (owner, key)
            node = siblings.get(key)
            if node is None:
                node = siblings[key] = new_raw_node(raw_key, current)
            node[CALLS] += 1.0
            node[TOTAL] -= clock()
            current = node

        def callback(frame, event, arg):
            nonlocal current
            now = clock()
            if event is call:
                try:
                    node = current[2][ident(frame.f_code)]
                except KeyError:  # new call path, or a generator or coroutine
                    enter(frame)
                    return
                node[0] -= now
                node[1] += 1.0
                current = node
            elif event is c_call:
                # One attribute read tells a module-level function from a method; type(), not __class__, which
                # objects can fake.
                owner = type_(arg.__self__)
                try:
                    if owner is module_type:
                        node = current[2][arg]
                    else:  # a method: by type, then name, never by the bound method (it would keep __self__ alive)
                        if owner is type_:  # a class method of a built-in type: the type itself
                            owner = arg.__self__
                        node = current[7][owner][arg.__name__]
                except KeyError:
                    enter_c(type_(arg.__self__), arg)
                    return
                node[0] -= now
                node[1] += 1.0
                current = node
            elif builtins or event is return_:  # return, c_return, c_exception
                current[0] += now
                current = current[6]

        return (callback if _PASSED_EVENTS else _interning(callback)), lambda: current


class Session:
    """One activation: installs the callbacks (this thread, and every thread when asked), restores what was there.

    With ``threads=True`` a bootstrap hook is handed to ``threading``; in each thread its first event creates that
    thread's collector and replaces the hook with the collector's own callback, so the hot path never looks up
    which thread it runs in.
    """

    def __init__(self, clock, builtins, threads):
        self.clock = clock
        self.builtins = builtins
        self.threads = threads
        self.collectors = []
        self._lock = threading.Lock()
        self._previous_profile = None
        self._previous_thread_hook = None
        self._starting_thread = None
        self.started_at = self.stopped_at = None

    def _collector_for_this_thread(self):
        thread = threading.current_thread()
        collector = ThreadCollector(self.clock, self.builtins, threading.get_ident(), thread.name)
        with self._lock:
            self.collectors.append(collector)
        return collector

    def _thread_hook(self, frame, event, arg):
        if threading.get_ident() == self._starting_thread:
            return  # setprofile_all_threads reached the starting thread too; start() installs its collector next
        collector = self._collector_for_this_thread()
        sys.setprofile(collector.callback)
        collector.callback(frame, event, arg)

    def start(self):
        self._starting_thread = threading.get_ident()
        own = self._collector_for_this_thread()
        self._previous_profile = sys.getprofile()
        if self.threads:
            self._previous_thread_hook = threading.getprofile()
            if hasattr(threading, "setprofile_all_threads"):
                threading.setprofile_all_threads(self._thread_hook)
            else:
                threading.setprofile(self._thread_hook)
        self.started_at = self.clock()
        sys.setprofile(own.callback)

    def stop(self):
        """Uninstall everything and close the frames still open. Returns the collectors (this thread's first)."""
        sys.setprofile(self._previous_profile)
        self.stopped_at = now = self.clock()
        if self.threads:
            if hasattr(threading, "setprofile_all_threads"):
                threading.setprofile_all_threads(self._previous_thread_hook)
                sys.setprofile(self._previous_profile)
            else:
                threading.setprofile(self._previous_thread_hook)
        with self._lock:
            collectors = list(self.collectors)
        for collector in collectors:
            collector.close_open_frames(now)
        return collectors

    @property
    def must_release(self):
        """Whether other threads may still run our callbacks after stop() (threads profiled before 3.12)."""
        return self.threads and not hasattr(threading, "setprofile_all_threads")

    def release(self, collectors):
        """After processing: threads that may still run our callback drop it at their next call."""
        for collector in collectors[1:]:
            collector.detach()
