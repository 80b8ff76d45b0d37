"""The parent side: one fresh worker process per entry, watched for its timeout, crash or result.

The worker is the same interpreter (``sys.executable``) with ``PYTHONHASHSEED`` fixed, in its own process group so
a timeout kills everything the entry started.  Its stdout and stderr are drained into bounded buffers; its record
arrives over the channel file, never mixed with what the entry prints.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from . import peaks, reaper
from .channel import ChannelReader
from .errors import MAX_TRACEBACK_CHARS, cap, invalid_measurements
from .results import unmeasured_entry
from .stats import summarize
from .streams import BoundedCapture

HASH_SEED = "0"
POLL_SECONDS = 0.01
# Seconds to wait for output still in the pipes once the worker is gone (a leftover grandchild may hold them).
DRAIN_SECONDS = 2.0
STDERR_IN_ERROR = 4000

_BOOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot.py")


class HarnessFailure(Exception):
    """bytescope itself failed (not the entry): exit status 3."""


def _worker_env():
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = HASH_SEED
    env.setdefault("PYTHONIOENCODING", "utf-8")
    # Tracing from process start would slow every timed call and distort the memory pass.
    env.pop("PYTHONTRACEMALLOC", None)
    return env


def _spawn(argv, cwd):
    options = {}
    if os.name == "posix":
        options["start_new_session"] = True
    else:
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    return subprocess.Popen(
        argv,
        cwd=cwd,
        env=_worker_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **options,
    )


def _kill_group(process):
    """Kill the worker and everything it started (POSIX: its process group)."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif process.poll() is None:
        process.kill()


def _signal_name(returncode):
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


class WorkerProcess:
    """One worker process, from start to its record: spawned with a spec, watched for its deadline, crash or result.
    ``announce`` says which phases are relayed as progress."""

    def __init__(self, spec, cwd, kill_at, label, progress, announce=lambda phase: True):
        self.spec = spec
        self.cwd = cwd
        self.kill_at = kill_at
        self.label = label
        self.progress = progress
        self.announce = announce
        self.phase = None
        self.started = False
        self.record = None
        self.measured = None  # the record without instructions, sent before the instruction pass
        self.harness_error = None
        self.returncode = None
        self.timed_out = False
        self.stdout = self.stderr = None
        self.imported = []  # top-level modules the entry imported, for the environment's distributions

    def _handle(self, message):
        event = message.get("event")
        if event == "started":
            self.started = True
        elif event == "phase":
            self.phase = message["phase"]
            if self.announce(self.phase):
                detail = f" {message['detail']}" if message.get("detail") else ""
                self.progress(f"{self.label}: {self.phase}{detail}\u2026")
        elif event == "result":
            self.record = message["entry"]
        elif event == "imports":
            # Names only ever looked up, but the channel is writable by the entry: keep what is a name.
            modules = message.get("modules")
            self.imported = [m for m in modules if isinstance(m, str)] if isinstance(modules, list) else []
        elif event == "measured":
            self.measured = message["entry"]
        elif event == "harness_error":
            self.harness_error = message["error"]

    def run(self):
        with tempfile.TemporaryDirectory(prefix="bytescope-") as scratch:
            channel_path = os.path.join(scratch, "channel.jsonl")
            open(channel_path, "w").close()
            reader = ChannelReader(channel_path)
            spec = {**self.spec, "channel": channel_path, "kill_at": self.kill_at}
            process = _spawn([sys.executable, _BOOT, json.dumps(spec)], self.cwd)
            self.stdout, self.stderr = BoundedCapture(process.stdout), BoundedCapture(process.stderr)
            try:
                self.timed_out = self._watch(process, reader)
            finally:
                _kill_group(process)  # whatever the entry left running, and the worker itself on Ctrl-C
                reaper.kill_adopted()  # and what it left in sessions of their own
            for message in reader.poll():
                self._handle(message)
            self.stdout.join(DRAIN_SECONDS)
            self.stderr.join(DRAIN_SECONDS)
        self.returncode = process.returncode
        if self.harness_error is not None:
            raise HarnessFailure(
                f"{self.spec['name']}: bytescope failed during {self.harness_error.get('phase')}:\n"
                f"{self.harness_error['traceback']}"
            )
        if not self.started and not self.timed_out and self.record is None:
            raise HarnessFailure(
                f"{self.spec['name']}: the worker process failed to start (exit status {self.returncode}):\n"
                f"{self.stderr.text()[-STDERR_IN_ERROR:]}"
            )

    def _watch(self, process, reader):
        """Wait for the worker, relaying its progress; True when it had to be killed for the timeout."""
        deadline = time.monotonic() + (self.kill_at - time.time())
        while True:
            try:
                process.wait(timeout=POLL_SECONDS)
                return False
            except subprocess.TimeoutExpired:
                pass
            for message in reader.poll():
                self._handle(message)
            if time.monotonic() >= deadline:
                _kill_group(process)
                process.wait()
                return True

    def failure(self, timeout):
        """(status, error) of a worker that did not report: a timeout, a crash, or an exit before its report."""
        where = f" during {self.phase}" if self.phase else ""
        status = "error"
        if self.timed_out:
            status, kind = "timeout", "Timeout"
            message = f"the entry did not finish within {timeout:g} s (stopped{where})"
        elif self.returncode is not None and self.returncode < 0:
            kind = "Crash"
            message = f"the interpreter crashed with {_signal_name(self.returncode)}{where}"
        else:
            kind = "Exit"
            message = (
                f"the worker exited with status {self.returncode}{where} before reporting "
                "(os._exit() or a fatal error in the entry)"
            )
        # faulthandler's dump of the stacks at the crash, or just before the timeout
        tail = self.stderr.text()[-STDERR_IN_ERROR:].strip()
        error = {"type": kind, "message": message, "traceback": tail or None}
        if self.phase:
            error["phase"] = self.phase
        return status, error


class EntryRun:
    """One entry: its measuring worker, then the fresh processes that measure its peak, under one timeout."""

    def __init__(self, entry, settings, position, total, progress):
        self.entry = entry
        self.settings = settings
        self.label = f"[{position}/{total}] {entry.name}"
        self.progress = progress
        self.kill_at = None
        self.imported = []  # what the measuring worker reported, for the environment's distributions

    def _spec(self, **extra):
        target = self.entry.target
        return {
            "name": self.entry.name,
            "project_dir": self.settings.cwd,
            "python_path": self.settings.python_path,
            "tree": self.settings.tree,
            "target_parts": {"text": target.text, "module": target.module, "path": target.path, "attr": target.attr},
            "repeat": self.settings.repeat,
            "warmup": self.settings.warmup,
            "instructions": self.settings.instructions,
            "instructions_method": self.settings.instructions_method,
            "profile": self.settings.profile,
            **extra,
        }

    def run(self):
        started_at = time.perf_counter_ns()
        self.kill_at = time.time() + self.settings.timeout  # for the worker's own stack dump just before the kill
        runs = self.settings.memory_runs
        # Same-runner rounds: the round's own worker measures a peak, so the rounds provide the memory processes.
        own_peak = self.settings.memory and self.settings.peak_in_worker
        spec = self._spec(memory_run={"index": 1, "of": runs}) if own_peak else self._spec()
        worker = WorkerProcess(spec, self.settings.cwd, self.kill_at, self.label, self.progress)
        worker.run()
        self.imported = worker.imported
        entry = self._entry(worker)
        entry["output"] = {
            "stdout": worker.stdout.text(),
            "stderr": worker.stderr.text(),
            "stdout_bytes": worker.stdout.total,
            "stderr_bytes": worker.stderr.total,
            "truncated": worker.stdout.truncated or worker.stderr.truncated,
        }
        if self.settings.memory and entry["status"] == "ok":
            outcomes = [peaks.outcome(1, entry)] if own_peak else []
            outcomes += [self._memory_run(index) for index in range(len(outcomes) + 1, runs + 1)]
            entry.update(peaks.combine(outcomes))
        entry["elapsed_ns"] = time.perf_counter_ns() - started_at
        return entry

    def _memory_run(self, index):
        """The peak of one fresh process, or why it has none."""
        if time.time() >= self.kill_at:
            return peaks.unmeasured(index, f"not started: the entry's {self.settings.timeout:g} s timeout was reached")
        memory_run = {"index": index, "of": self.settings.memory_runs}
        worker = WorkerProcess(
            self._spec(memory_run=memory_run, timing=False),
            self.settings.cwd,
            self.kill_at,
            self.label,
            self.progress,
            announce=lambda phase: phase == "memory",
        )
        worker.run()
        if worker.record is None or worker.timed_out:
            return peaks.unmeasured(index, _error_line(worker.failure(self.settings.timeout)[1]))
        return peaks.outcome(index, worker.record)

    def _entry(self, worker):
        if worker.record is not None and not worker.timed_out:
            return self._finished(worker.record)
        if worker.timed_out and worker.phase == "instructions" and worker.measured is not None:
            # Only the instruction count is lost: time and the profile were measured before it.
            record = self._finished(worker.measured)
            record["instructions_unmeasured"] = (
                f"the instruction pass did not finish within the {self.settings.timeout:g} s timeout "
                "(time was measured before it and is kept)"
            )
            return record
        return unmeasured(self.entry, *worker.failure(self.settings.timeout))

    def _finished(self, record):
        record = {**record, "name": self.entry.name, "target": self.entry.target.text}
        invalid = invalid_measurements(record)  # the worker checked it; this parent must not crash on it either
        if invalid is not None and record["error"] is None:
            record["status"], record["error"] = "error", invalid
        if record["time"] is not None:
            record["time"] = summarize(**record["time"])
        return record


def _error_line(error):
    return f"{error['type']}: {error['message']}"


def measure(settings, progress):
    """Every entry's record in order, the harness failures, and the top-level modules the entries imported;
    ``HarnessFailure`` propagates only after all entries ran."""
    entries, failures, imported = [], [], set()
    total = len(settings.entries)
    for position, entry in enumerate(settings.entries, 1):
        run = EntryRun(entry, settings, position, total, progress)
        try:
            record = run.run()
        except Exception as failure:  # noqa: BLE001 - bytescope failed on this entry: record it, measure the rest
            message = str(failure) if isinstance(failure, HarnessFailure) else _bug_report(entry, failure)
            failures.append(message)
            error = {"type": "HarnessError", "message": cap(message.splitlines()[0]), "traceback": message}
            record = unmeasured(entry, "error", error)
        entries.append(record)
        imported.update(run.imported)
        progress(f"{run.label}: {_summary(record)}")
    return entries, failures, sorted(imported)


def _bug_report(entry, failure):
    trace = "".join(traceback.format_exception(type(failure), failure, failure.__traceback__))
    return f"{entry.name}: bytescope failed on this entry:\n{trace[-MAX_TRACEBACK_CHARS:]}"


def unmeasured(entry, status, error):
    """The record of an entry whose worker never reported: nothing measured, only what went wrong."""
    return unmeasured_entry(entry.name, entry.target.text, status, error)


def _summary(record):
    if record["status"] != "ok":
        error = record["error"] or {}
        return f"{record['status']}: {error.get('type')}: {error.get('message')}"
    parts = [f"ok, median {record['time']['median_ns'] / 1e6:.3f} ms"]
    memory = record.get("memory")
    if memory:
        low, high = memory["peak_min_bytes"] / 1024, memory["peak_max_bytes"] / 1024
        parts.append(f"peak {low:.1f} KiB" if low == high else f"peak {low:.1f}\u2013{high:.1f} KiB")
    elif record.get("memory_unmeasured"):
        parts.append(f"memory not measured: {record['memory_unmeasured']}")
    if record.get("instructions_unmeasured"):
        parts.append(f"no instruction count: {record['instructions_unmeasured']}")
    if record.get("instructions"):
        parts.append(f"{record['instructions']['total']:,} instructions")
    return ", ".join(parts)
