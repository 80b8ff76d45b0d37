"""What an entry raising an exception with a huge message costs the harness, before and after the message cap.

    PY bench/harness_message.py [--base COMMIT] [--chars N] [--runs R]

Runs ``python -m bytescope run`` on one entry that raises ``ValueError("m" * N)`` (default 32 MiB) with the harness
of this working tree and with the harness of COMMIT (default ``main``; extracted with ``git archive`` into a
temporary directory), alternating, R times each, in this one process.  Prints for each side the median wall time
of the whole run, the largest peak RSS of any of its processes (``ru_maxrss`` of the waited-for children: the
harness or its worker), the results file's size, the length of the message kept, and the ratios.
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
ENTRY = "import os\n\ndef main():\n    raise ValueError('m' * int(os.environ['BENCH_MESSAGE_CHARS']))\n"


def _tree(commit, into):
    archive = subprocess.run(["git", "-C", ROOT, "archive", commit, "python"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", into], input=archive.stdout, check=True)
    return os.path.join(into, "python")


def _one(python_dir, project, chars):
    """Run in a fresh process (so ru_maxrss covers this run only): prints seconds, max RSS KiB, file size, kept."""
    out = os.path.join(project, "results.json")
    env = dict(os.environ, PYTHONPATH=python_dir, BENCH_MESSAGE_CHARS=str(chars))
    args = [sys.executable, "-m", "bytescope", "run", "--cwd", project, "--out", out, "--entry", "huge=huge:main",
            "--repeat", "1", "--warmup", "0", "--no-memory"]
    started = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode != 1:
        sys.exit(f"expected exit status 1 (the entry failed), got {done.returncode}:\n{done.stderr[-3000:]}")
    with open(out, encoding="utf-8") as handle:
        kept = len(json.load(handle)["entries"][0]["error"]["message"])
    size = os.path.getsize(out)
    os.remove(out)
    print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, size, kept, len(done.stderr))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="commit whose harness is the 'before' side (default main)")
    parser.add_argument("--chars", type=int, default=32 * 1024 * 1024, help="message length (default 32 MiB)")
    parser.add_argument("--runs", type=int, default=3, help="runs per side (default 3)")
    parser.add_argument("--one", nargs=2, metavar=("PYTHON_DIR", "PROJECT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        return _one(*options.one, options.chars)
    scratch = tempfile.mkdtemp(prefix="bytescope-bench-")
    project = os.path.join(scratch, "project")
    os.mkdir(project)
    with open(os.path.join(project, "huge.py"), "w") as handle:
        handle.write(ENTRY)
    sides = {f"before ({options.base})": _tree(options.base, scratch)}
    sides["after (this tree)"] = os.path.join(ROOT, "python")
    measured = {side: [] for side in sides}
    for _ in range(options.runs):
        for side, python_dir in sides.items():
            done = subprocess.run(
                [sys.executable, __file__, "--one", python_dir, project, "--chars", str(options.chars)],
                capture_output=True, text=True, check=True,
            )
            measured[side].append([float(x) for x in done.stdout.split()])
    print(f"{sys.executable} ({sys.version.split()[0]}), message of {options.chars:,} characters, "
          f"{options.runs} runs per side, load {os.getloadavg()[0]:.2f}")
    rows = {}
    for side, runs in measured.items():
        seconds = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs) / 1024
        size, kept, log = (int(x) for x in runs[0][2:5])
        rows[side] = (seconds, rss, size)
        print(f"{side:>20}: {seconds:7.2f} s  peak RSS {rss:7.1f} MiB  results {size:>12,} bytes  "
              f"message kept {kept:>12,} chars  log {log:>12,} chars")
    (b_s, b_rss, b_size), (a_s, a_rss, a_size) = rows.values()
    print(f"{'before / after':>20}: {b_s / a_s:7.1f}x time, {b_rss / a_rss:.1f}x peak RSS, {b_size / a_size:.0f}x size")


if __name__ == "__main__":
    main()
