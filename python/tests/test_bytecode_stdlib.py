"""The stack simulation's maximum equals co_stacksize for every code object of the standard library, and the
registry explains every opcode the running compiler emits there.

Lib/ including Lib/test, every file that compiles on the running version, in parallel where processes can be
started.  Pyodide (CPython 3.14 in `npm test`) ships its stdlib zipped and without Lib/test, and runs it serially.
The only allowed differences are dead code the compiler counted: either inferred by the simulator's dead-code
estimate (``dead_max_depth``: handlers kept after ``try: pass``, cleanup blocks of empty ``except`` bodies, 3.13's
removed implicit ``return None``), or listed below by name.
"""

import functools
import multiprocessing
import os
import sys
import sysconfig
import unittest
import warnings
import zipfile

from bytescope.bytecode import disassembly, registry, stack
from tests.capabilities import can_start_processes

# (path relative to Lib/, qualname) of dead code the compiler counted that the dead-code estimate cannot see.
KNOWN_DEAD_CODE = {
    (3, 11): {("test/test_sys_settrace.py", "TraceTestCase.test_try_except_star_named_no_exception.<locals>.func")},
    (3, 12): {("test/test_sys_settrace.py", "TraceTestCase.test_try_except_star_named_no_exception.<locals>.func")},
    (3, 13): {("test/test_sys_settrace.py", "TraceTestCase.test_try_except_star_named_no_exception.<locals>.func")},
}


def _stdlib_files():
    """(where, path relative to it) of every stdlib source: ``where`` is Lib/ or the zip archive it is imported from."""
    archive = os.path.dirname(os.__file__)
    if zipfile.is_zipfile(archive):
        names = sorted(n for n in zipfile.ZipFile(archive).namelist() if n.endswith(".py"))
        yield from ((archive, n) for n in names if not n.startswith("site-packages/"))
        return
    lib = sysconfig.get_paths()["stdlib"]
    for root, dirs, files in os.walk(lib):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
        for name in sorted(files):
            if name.endswith(".py"):
                yield lib, os.path.relpath(os.path.join(root, name), lib)


@functools.lru_cache(maxsize=1)
def _archive(path):
    return zipfile.ZipFile(path)


def check_file(item):
    """(compiled?, code objects checked, [(relpath, qualname, max, dead max, co_stacksize, conflicts)], opnames)."""
    where, rel = item
    path = os.path.join(where, rel)
    try:
        if os.path.isdir(where):
            with open(path, "rb") as f:
                data = f.read()
        else:
            data = _archive(where).read(rel)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False, 0, [], set()  # test data written for another version, or deliberately broken
    mismatches, count, opnames = [], 0, set()
    for qualname, code in disassembly.walk_code(module):
        listing = disassembly.read(code)
        opnames.update(listing.opnames)
        result = stack.simulate(listing, symbols=False)
        count += 1
        if result.max_depth != code.co_stacksize or result.conflicts:
            mismatches.append(
                (rel, qualname, result.max_depth, result.dead_max_depth, code.co_stacksize, result.conflicts)
            )
    return True, count, mismatches, opnames


class StdlibStackDepthTest(unittest.TestCase):
    def test_simulated_max_depth_is_co_stacksize_across_the_stdlib(self):
        files = list(_stdlib_files())
        if can_start_processes():
            ctx = multiprocessing.get_context("spawn" if sys.platform == "win32" else "fork")
            with ctx.Pool(max(1, os.cpu_count() or 1)) as pool:
                results = pool.map(check_file, files, chunksize=16)
        else:
            results = list(map(check_file, files))
        compiled = sum(1 for ok, _, _, _ in results if ok)
        checked = sum(n for _, n, _, _ in results)
        self.assertGreater(compiled, 0.95 * len(files), "most of the stdlib must compile on its own version")
        with_tests = any(rel.startswith(("test/", "test" + os.sep)) for _, rel in files)
        self.assertGreater(checked, 50_000 if with_tests else 5_000)
        emitted = set().union(*(opnames for _, _, _, opnames in results))
        self.assertEqual(sorted(op for op in emitted if not registry.lookup(op).known), [],
                         "opcodes this compiler emits that get only the generic explanation")
        known = KNOWN_DEAD_CODE.get(sys.version_info[:2], set())
        self.assertLessEqual(len(known), 10)
        listed_seen = set()
        for rel, qualname, max_depth, dead_max, stacksize, conflicts in (m for _, _, ms, _ in results for m in ms):
            where = f"{rel}: {qualname}: simulated {max_depth}, dead code {dead_max}, co_stacksize {stacksize}"
            self.assertEqual(conflicts, [], where)
            self.assertLessEqual(max_depth, stacksize, where)
            if (rel, qualname) in known:
                listed_seen.add((rel, qualname))
                continue
            self.assertIsNotNone(dead_max, f"no dead code explains {where}")
            self.assertEqual(max(max_depth, dead_max), stacksize, where)
        self.assertEqual(listed_seen, known, "a listed exception no longer differs: remove it from the list")


if __name__ == "__main__":
    unittest.main()
