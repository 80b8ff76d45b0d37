"""What the running interpreter can do, detected once by trying it, and skip decorators for tests that need it.

`npm test` also runs this suite on CPython 3.14 compiled to WebAssembly (Pyodide), which cannot start processes or
threads and whose CPU clock is the wall clock. A test that needs one of these is skipped there with the reason, never
dropped silently; everything else runs.
"""

import subprocess
import sys
import threading
import time
import unittest


def can_start_processes() -> bool:
    try:
        subprocess.run([sys.executable, "-c", ""], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def can_start_threads() -> bool:
    try:
        thread = threading.Thread(target=lambda: None)
        thread.start()
    except RuntimeError:  # "can't start new thread"
        return False
    thread.join()
    return True


def cpu_clock_excludes_sleep() -> bool:
    """Whether CPU time stands still while sleeping (Emscripten's sleep busy-waits, so its CPU time is wall time)."""
    started = time.process_time()
    time.sleep(0.02)
    return time.process_time() - started < 0.01


# Decided once, when the test modules are imported: a skipped class reports every one of its tests as skipped.
requires_processes = unittest.skipUnless(can_start_processes(), "needs subprocesses: this Python cannot start one")
requires_threads = unittest.skipUnless(can_start_threads(), "needs threads: this Python cannot start one")
requires_cpu_clock = unittest.skipUnless(cpu_clock_excludes_sleep(), "needs a CPU clock that stops while sleeping")
