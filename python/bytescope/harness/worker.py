"""The worker: measures one entry in a fresh interpreter and sends its record to the parent over the channel.

Phases, in order (each announced on the channel, so the parent can show progress and knows where a crash or a
timeout happened): import, warmup, timing, profile, instructions, capture; or, in one of the processes that measure
the peak (``memory_run``), import, warmup, memory — and when the measuring worker is one of them (``peak_in_worker``,
same-runner rounds), import, warmup, memory, timing, profile, instructions, capture.  The first failure in the user's
code ends the measuring; what was measured before it is kept, and the project functions seen so far are still
captured.
"""

import faulthandler
import gc
import json
import os
import sys
import time

from ..profiling.memory import MemoryTracker
from . import capture, environment, loader, peaks, profile_data, tree_check
from .channel import ChannelWriter
from .errors import error_record, invalid_measurements, is_exit_zero
from .instructions import InstructionCounter
from .paths import PathNamer
from .results import unmeasured_entry
from .targets import Target

TOP_SITES = 10
TRACEBACK_LIMIT = 10
TOP_INSTRUCTION_FUNCTIONS = 200
# The wall and CPU clocks, bound before any user code runs: an entry may replace the time module's (freezegun does,
# and also rewrites every module attribute that holds a real clock function, which a tuple's items escape).
CLOCKS = (time.perf_counter_ns, time.process_time_ns)
# Seconds before the parent's kill (``kill_at``, epoch time) at which the worker dumps its stacks.
TIMEOUT_DUMP_MARGIN = 0.5


class _Failed(Exception):
    """The user's code failed in a phase; carries the error record."""

    def __init__(self, error):
        super().__init__(error["message"])
        self.error = error


class Measurement:
    def __init__(self, spec, channel):
        self.spec = spec
        self.channel = channel
        self.namer = PathNamer(spec["project_dir"])
        self.sources = capture.SourceIndex()
        self.pid = os.getpid()
        self.target = Target(**spec["target_parts"])
        self.invocation = None
        self.phase = None
        self.record = unmeasured_entry(spec["name"], self.target.text)
        self._raw_locations = []  # (filename, lineno, qualname) of functions that ran, for the capture
        self._modules_before = set(sys.modules)  # what the entry imports is what is new after its import and calls
        self._executed = None  # {(filename, lineno, qualname): {offset: executions}} once instructions are counted
        self._profiler = None  # the Profiler class, loaded before the entry when a call is profiled

    def _enter(self, phase, detail=""):
        self.phase = phase
        _flush_output()
        self.channel.send("phase", phase=phase, detail=detail)

    def _call_once(self, around=None):
        """One call of the entry, optionally inside ``around(call)``; a user failure becomes ``_Failed``."""
        call = self.invocation.prepare()
        try:
            (around or (lambda c: c()))(call)
        except BaseException as error:  # noqa: B036 - user code may raise anything, KeyboardInterrupt included
            self._leave_if_forked()
            if not self._is_clean_exit(error):
                raise _Failed(error_record(error, self.phase)) from None
        finally:
            self.invocation.finish()
        self._leave_if_forked()

    def _is_clean_exit(self, error):
        """A script that ends with sys.exit(0) or sys.exit() finished normally, as it would from a shell; a callable
        that calls sys.exit() in any form tried to end the process, which is a fault."""
        return self.target.is_script and isinstance(error, SystemExit) and is_exit_zero(error)

    def _leave_if_forked(self):
        # A child the entry forked that returns into the harness must not go on measuring (or report).
        if os.getpid() != self.pid:
            os._exit(0)

    def run(self):
        # A process that measures the peak (``memory_run``) does so right after the warm-up, never after timing and
        # profiling; a memory process stops there, the measuring worker (``timing``) goes on.
        timing = self.spec.get("timing", True)
        steps = [self._import, self._freeze, self._warmup]
        if self.spec.get("memory_run"):
            steps.append(self._memory)
        if timing:
            steps.append(self._timing)
            if self.spec.get("profile", True):
                # Loaded before the entry runs (the profiler binds its clocks on import, and an entry may replace
                # time's), and only here: the rounds that only time never load it.
                from ..profiling.profiler import Profiler

                self._profiler = Profiler
                steps.append(self._profile)
            if self.spec["instructions"]:
                steps.append(self._instructions)
        try:
            for step in steps:
                step()
            self._check_ran_in_tree()
        except _Failed as failure:
            if failure.error["type"] == tree_check.OUTSIDE_TREE:
                # What ran was another checkout's code: none of it measures this side (nor are its functions this
                # side's code for the bytecode diff).
                self.record = unmeasured_entry(self.spec["name"], self.target.text)
                self._raw_locations = []
                self._executed = None
            self.record["status"] = "error"
            self.record["error"] = failure.error
        invalid = invalid_measurements(self.record)
        if invalid is not None and self.record["error"] is None:
            self.record["status"] = "error"
            self.record["error"] = invalid
        if not timing:
            return self.record
        self._enter("capture")
        self.record["functions"] = capture.capture_functions(
            self._raw_locations, self.namer, self.sources, self._executed
        )
        self.channel.send("imports", modules=environment.loaded_top_level(self._modules_before))
        return self.record

    def _import(self):
        self._enter("import", self.target.text)
        wall_clock = CLOCKS[0]
        start = wall_clock()
        try:
            self.invocation = loader.load(self.target, self.spec["project_dir"])
        except BaseException as error:  # noqa: B036 - an import can raise anything, SystemExit included
            raise _Failed(error_record(error, "import")) from None
        self.record["import_ns"] = wall_clock() - start
        self._check_imported_from_tree()

    def _check_imported_from_tree(self):
        """With a ``tree`` (base and head measured side by side), the entry's module must be that tree's own: an
        editable install or an installed copy would silently measure the other side's code."""
        tree = self.spec.get("tree")
        if tree is None or self.target.path is not None:
            return  # scripts are found relative to the project directory, which lies in the tree
        module = sys.modules.get(self.target.module)
        where = getattr(module, "__file__", None)
        if where is not None and tree_check.within(where, tree):
            return
        raise _Failed(tree_check.outside_error(self.target.module, where, tree, "import"))

    def _check_ran_in_tree(self):
        tree = self.spec.get("tree")
        if tree is None:
            return
        for filename, _, qualname in self._raw_locations:
            if self.namer.is_foreign(filename, tree):
                raise _Failed(tree_check.foreign_function_error(qualname, filename, tree, "capture"))

    def _freeze(self):
        # Everything alive now (the interpreter's, the harness's, the entry's imports) moves out of the collector's
        # reach: the gc.collect() before each call then walks only what the entry created instead of the whole heap,
        # and the user's own calls see a collector that only tracks what they create.
        gc.collect()
        gc.freeze()

    def _warmup(self):
        self._enter("warmup", f"{self.spec['warmup']} calls")
        for _ in range(self.spec["warmup"]):
            self._call_once()

    def _timing(self):
        repeat = self.spec["repeat"]
        self._enter("timing", f"{repeat} calls")
        wall, cpu = [], []
        wall_clock, cpu_clock = CLOCKS

        def timed(call):
            gc.collect()
            cpu_start, wall_start = cpu_clock(), wall_clock()
            try:
                call()
            except SystemExit as error:
                if not self._is_clean_exit(error):
                    raise
            wall_end, cpu_end = wall_clock(), cpu_clock()
            wall.append(wall_end - wall_start)  # only calls that finished: a failed call's time means nothing
            cpu.append(cpu_end - cpu_start)

        try:
            for _ in range(repeat):
                self._call_once(timed)
        finally:
            if wall:
                self.record["time"] = {"samples_ns": wall, "cpu_samples_ns": cpu}  # summarised by the parent

    def _profile(self):
        self._enter("profile", "1 call")
        profiler = self._profiler(memory=False, clock="wall", builtins=True, threads=False)

        def profiled(call):
            gc.collect()
            profiler.start()
            try:
                call()
            finally:
                profiler.stop()

        try:
            self._call_once(profiled)
        finally:
            profile = profiler.to_dict()
            self._name_project_functions(profile)
            self._raw_locations += [(r["filename"], r["lineno"], r["qualname"]) for r in profile["functions"]]
            self.record["profile"] = profile_data.shrink(profile, self.namer)

    def _name_project_functions(self, profile):
        """Rows and tree nodes of project code named as captured functions are (see ``SourceIndex``), in place."""
        for row in profile.get("functions") or []:
            if self.namer.is_project(row["filename"]):
                row["qualname"] = self.sources.name(row["filename"], row["lineno"], row["qualname"])
        pending = [profile["tree"]] if profile.get("tree") else []
        while pending:
            node = pending.pop()
            if self.namer.is_project(node["filename"]):
                node["name"] = self.sources.name(node["filename"], node["lineno"], node["name"])
            pending.extend(node.get("children") or [])

    def _memory(self):
        run = self.spec.get("memory_run")
        self._enter("memory", f"1 call, process {run['index']} of {run['of']}" if run else "1 call")
        tracker = MemoryTracker(TOP_SITES, TRACEBACK_LIMIT)
        stats = []

        def traced(call):
            gc.collect()
            tracker.start()
            try:
                call()
            finally:
                stats.append(tracker.stop())

        try:
            self._call_once(traced)
        finally:
            if stats and stats[0] is not None:
                self.record["memory"] = self._memory_record(stats[0].to_dict())
            elif stats:
                self.record["memory_unmeasured"] = peaks.STOPPED_TRACING

    def _memory_record(self, memory):
        """Sites with the harness's own frames taken out (they are the same for every allocation) and renamed."""
        merged = {}
        for site in memory["top_sites"]:
            frames = tuple(
                (self.namer.name(f["filename"]), f["lineno"])
                for f in site["traceback"]
                if not self.namer.is_harness(f["filename"])
            )
            size, count = merged.get(frames, (0, 0))
            merged[frames] = (size + site["size_bytes"], count + site["count"])
        memory["top_sites"] = [
            {"size_bytes": size, "count": count, "traceback": [{"filename": f, "lineno": n} for f, n in frames]}
            for frames, (size, count) in sorted(merged.items(), key=lambda item: -item[1][0])
        ]
        return memory

    def _instructions(self):
        counter = InstructionCounter(self.spec.get("instructions_method"))
        # Everything but the instruction count is measured: should this pass overrun the timeout, the parent keeps it.
        functions = capture.capture_functions(self._raw_locations, self.namer, self.sources)
        self.channel.send("measured", entry={**self.record, "functions": functions})
        self._enter("instructions", f"1 call, {counter.method}")
        try:
            self._call_once(counter.run)
        finally:
            self.record["instructions"] = self._instructions_record(counter)

    def _instructions_record(self, counter):
        per_function = {}
        self._executed = {}
        for code, offsets in counter.per_offset.items():
            # Only the project's own files are compiled to name 3.10 code objects; others keep co_name there.
            known = self.namer.is_project(code.co_filename)
            qualname = self.sources.qualname(code) if known else getattr(code, "co_qualname", code.co_name)
            location = (code.co_filename, code.co_firstlineno, qualname)
            self._raw_locations.append(location)
            if known:  # per instruction only for what the report may show: the project's captured functions
                executed = self._executed.setdefault(location, {})
                for offset, n in offsets.items():
                    executed[offset] = executed.get(offset, 0) + n
            key = (self.namer.name(code.co_filename), qualname, code.co_firstlineno)
            per_function[key] = per_function.get(key, 0) + sum(offsets.values())
        ranked = sorted(per_function.items(), key=lambda item: (-item[1], item[0]))
        kept = ranked[:TOP_INSTRUCTION_FUNCTIONS]
        return {
            "total": sum(per_function.values()),
            "method": counter.method,
            "functions": [
                {"qualname": qualname, "filename": filename, "lineno": lineno, "count": count}
                for (filename, qualname, lineno), count in kept
            ],
            "omitted_functions": len(ranked) - len(kept),
            "omitted_count": sum(count for _, count in ranked[len(kept):]),
        }


def _flush_output():
    """Flush what the entry printed so far, so the parent's capture is complete even if the worker dies next; the
    entry may have closed or replaced the streams, which is its business."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass


def _isolate(spec):
    """The interpreter state a directly run entry would see: its python path (the project by default) first on
    sys.path, its cwd."""
    os.chdir(spec["project_dir"])
    bytescope_root = sys.path.pop(0)
    sys.path[0:0] = spec.get("python_path") or [spec["project_dir"]]
    sys.path.append(bytescope_root)


def main(argv):
    """Measure, report, and leave at once: ``os._exit`` so that threads or atexit handlers the entry left behind
    cannot hold the worker past its report."""
    spec = json.loads(argv[0])
    channel = ChannelWriter(spec["channel"])
    # A crash, or a hang about to be killed at the timeout, leaves the Python stacks on stderr for the parent's report.
    faulthandler.enable()
    faulthandler.dump_traceback_later(max(spec["kill_at"] - TIMEOUT_DUMP_MARGIN - time.time(), 0.01))
    _isolate(spec)
    channel.send("started", pid=os.getpid())
    measurement = Measurement(spec, channel)
    try:
        record = measurement.run()
    except Exception as error:  # a bug in bytescope, not in the entry: the parent reports a harness failure
        channel.send("harness_error", error=error_record(error, measurement.phase, user_code=False))
        os._exit(3)
    faulthandler.cancel_dump_traceback_later()
    _flush_output()
    channel.send("result", entry=record)
    os._exit(0)
