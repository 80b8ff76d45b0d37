"""Shared sample sources and helpers for the bytecode visualizer tests (no tests here)."""

import os
import re
import subprocess
import sys

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# One module exercising every kind of code object and the control flow the simulation must follow:
# loops, comprehensions, try/except/finally, with, match, closures, lambdas, generators and async.
SAMPLE = '''\
import os


class Accumulator:
    """Sums things."""

    def __init__(self, limit=10):
        self.limit = limit

    def total(self, items, *, scale=2):
        total = 0
        for x in items:
            if x > self.limit:
                continue
            total += len(x) * scale
        return total

    def safe(self, path):
        try:
            with open(path) as f:
                return f.read()
        except (OSError, ValueError) as e:
            raise RuntimeError(f"cannot read {path!r}") from e
        finally:
            print("done", sep="")


def outer(n):
    def inner(y):
        return n + y
    squares = [i * i for i in range(n) if i % 2]
    return inner, squares, lambda: n


def kind(value):
    match value:
        case {"type": t}:
            return t
        case [first, *rest]:
            return first
        case _:
            return None


def gen(items):
    yield from items
    x = yield 1
    return x


async def fetch(session, url):
    async with session.get(url) as response:
        async for chunk in response:
            await chunk
    return os.sep
'''


def run_cli(*args, stdin=None, env=None):
    """Run ``python -m bytescope ARGS`` in a subprocess; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.pop("FORCE_COLOR", None)
    full_env["PYTHONPATH"] = PYTHON_DIR
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bytescope", *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=120,
    )
