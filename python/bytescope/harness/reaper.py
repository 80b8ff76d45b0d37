"""Processes an entry leaves behind outside its process group: children it started with ``start_new_session=True``,
or daemons that double-forked.  The kill of the worker's process group cannot reach them.

On Linux the harness becomes a "child subreaper" (``prctl(PR_SET_CHILD_SUBREAPER)``) while it measures: a worker's
orphaned descendants are then re-parented to the harness instead of to init, and after each entry the harness kills
every child it has besides the worker (already reaped by then).  Elsewhere they outlive the entry (docs/harness.md).
"""

import contextlib
import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
# Killed processes are reaped within milliseconds; one in uninterruptible sleep is left rather than waited for.
KILL_SECONDS = 2.0

_adopting = False


def _set_subreaper(on):
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc to load, or no prctl in it
        return False


@contextlib.contextmanager
def adopting_orphans():
    """While measuring, orphans of the workers become this process's children (Linux); restored afterwards."""
    global _adopting
    _adopting = sys.platform.startswith("linux") and _set_subreaper(True)
    try:
        yield _adopting
    finally:
        if _adopting:
            _set_subreaper(False)
            _adopting = False


def _children():
    me, found = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()  # the command name may hold spaces and ')'
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == me:
            found.append(int(name))
    return found


def kill_adopted():
    """Kill (with their process groups) and reap the orphans adopted so far, then the orphans those leave, until
    none is left; returns how many were killed. Call only when no worker is running."""
    if not _adopting:
        return 0
    killed = set()
    deadline = time.monotonic() + KILL_SECONDS
    while time.monotonic() < deadline:
        orphans = _children()
        if not orphans:
            break
        for pid in orphans:
            for kill in (os.killpg, os.kill):  # a session leader's group is its own: only the entry's processes
                with contextlib.suppress(OSError):
                    kill(pid, signal.SIGKILL)
            killed.add(pid)
        time.sleep(0.005)
        for pid in orphans:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    return len(killed)
