"""Harness determinism and fixed cost, measured on the interpreter running this script.

    PY bench/harness_determinism.py [--entries-per-run N]

1. Determinism: two runs of the same entries (the harness test fixture project) must give identical executed
   instruction counts (total and per function) and function hashes, and tracemalloc peaks within 1%.
2. Fixed cost: entries whose callable does nothing, measured with the default settings (20 timed calls, 3 warm-ups,
   memory and instruction passes on): what the harness spends per entry (process start, imports, every pass,
   capture, result transfer, JSON) must be at most 0.5 s.  Printed as wall time per entry (as the parent measured
   it) and as CPU time of the harness and its workers per entry.  The check uses CPU time, plus wall time when the
   machine is not oversubscribed (load average below the CPU count): on a shared machine with more runnable
   processes than cores, wall time mostly measures waiting for a core.
   Measured twice when PYTHONDONTWRITEBYTECODE is set (as in this repository's development environment): as
   configured, every worker compiles bytescope from source; with a bytecode cache (PYTHONPYCACHEPREFIX), as on a
   CI runner, which writes .pyc files.  The check applies to the bytecode-cache measurement.

Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON_DIR = os.path.join(ROOT, "python")
PROJECT = os.path.join(PYTHON_DIR, "tests", "fixtures", "harness", "project")
ENTRIES = [
    "work=app.work:main",
    "report=scripts/report.py",
    "tools=scripts/tools.py:measure",
    "loop=app.work:loop_20",
]
MAX_FIXED_COST_S = 0.5
MAX_PEAK_SPREAD = 0.01


def run_harness(entries, options, env=None):
    """(results, wall seconds, CPU seconds of the harness and its workers) of one ``python -m bytescope run``."""
    out = os.path.join(tempfile.mkdtemp(prefix="bytescope-bench-"), "results.json")
    args = [sys.executable, "-m", "bytescope", "run", "--cwd", PROJECT, "--out", out, *options]
    for entry in entries:
        args += ["--entry", entry]
    env = dict(env or os.environ, PYTHONPATH=PYTHON_DIR)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"harness run failed with exit status {done.returncode}:\n{done.stderr}")
    with open(out, encoding="utf-8") as handle:
        results = json.load(handle)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return results, wall, cpu


def check_determinism():
    options = ["--repeat", "5", "--warmup", "1", "--instructions"]
    first, _, _ = run_harness(ENTRIES, options)
    second, _, _ = run_harness(ENTRIES, options)
    ok = True
    print(f"{'entry':<8} {'instructions':>14} {'same counts':>12} {'hashes':>7} {'same':>5} "
          f"{'peak run 1':>11} {'peak run 2':>11} {'spread':>8}")
    for a, b in zip(first["entries"], second["entries"]):
        same_counts = a["instructions"] == b["instructions"]
        hashes_a = [(f["filename"], f["qualname"], f["hash"]) for f in a["functions"]]
        hashes_b = [(f["filename"], f["qualname"], f["hash"]) for f in b["functions"]]
        peak_a, peak_b = a["memory"]["peak_bytes"], b["memory"]["peak_bytes"]
        spread = abs(peak_a - peak_b) / max(peak_a, peak_b, 1)
        ok &= same_counts and hashes_a == hashes_b and spread <= MAX_PEAK_SPREAD
        print(f"{a['name']:<8} {a['instructions']['total']:>14,} {str(same_counts):>12} {len(hashes_a):>7} "
              f"{str(hashes_a == hashes_b):>5} {peak_a:>11,} {peak_b:>11,} {spread:>8.3%}")
    return ok


def check_fixed_cost(count, label, env=None):
    entries = [f"noop{i}=app.work:noop" for i in range(count)]
    # defaults otherwise: 20 timed calls, 3 warm-ups, memory pass
    results, wall, cpu = run_harness(entries, ["--instructions"], env)
    per_entry = [entry["elapsed_ns"] / 1e9 for entry in results["entries"]]
    user_code = [sum(entry["time"]["samples_ns"]) / 1e9 for entry in results["entries"]]
    median, cpu_per_entry = statistics.median(per_entry), cpu / count
    load = os.getloadavg()[0]
    print(f"{count} no-op entries, {label}:")
    print(f"  harness wall per entry: median {median:.3f} s, min {min(per_entry):.3f} s, max {max(per_entry):.3f} s"
          f"  (user code: {statistics.median(user_code) * 1e6:.0f} us)")
    print(f"  whole run: {wall:.3f} s wall = {wall / count:.3f} s per entry; "
          f"CPU of harness and workers {cpu_per_entry:.3f} s per entry")
    print(f"  load average {load:.2f} on {os.cpu_count()} CPUs")
    oversubscribed = load >= (os.cpu_count() or 1)
    return cpu_per_entry <= MAX_FIXED_COST_S and (oversubscribed or median <= MAX_FIXED_COST_S)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries-per-run", type=int, default=5, metavar="N", help="no-op entries (default 5)")
    options = parser.parse_args()
    print(f"Python {sys.version.split()[0]} ({sys.executable})")
    deterministic = check_determinism()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        check_fixed_cost(options.entries_per_run, "as configured (PYTHONDONTWRITEBYTECODE: no .pyc for bytescope)")
    with tempfile.TemporaryDirectory(prefix="bytescope-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        run_harness(["warm=app.work:noop"], ["--repeat", "1", "--warmup", "0"], env)  # writes the cache
        cheap = check_fixed_cost(options.entries_per_run, "with a bytecode cache (as on a CI runner)", env)
    print(f"determinism: {'PASS' if deterministic else 'FAIL'} (identical instruction counts and hashes, "
          f"peaks within {MAX_PEAK_SPREAD:.0%})")
    print(f"fixed cost: {'PASS' if cheap else 'FAIL'} (harness CPU per entry <= {MAX_FIXED_COST_S} s, and median wall "
          "per entry too unless the machine is oversubscribed)")
    return 0 if deterministic and cheap else 1


if __name__ == "__main__":
    sys.exit(main())
