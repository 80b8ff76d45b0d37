"""Benchmark: the visualizer's full analysis against just listing instructions with dis.get_instructions.

Analyses every top-level ``Lib/*.py`` of the running interpreter (instruction records, categories, explanations,
exact stack simulation with symbolic stacks) and prints its time as a ratio to ``list(dis.get_instructions(c))``
over the same code objects, measured side by side in one run (rounds alternate, the best CPU time of each side
is compared).
Target: ratio <= 4.

    python bench/bytecode_speed.py [--rounds 5]
"""

import argparse
import dis
import glob
import os
import sys
import sysconfig
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from bytescope.bytecode.disassembly import walk_code  # noqa: E402
from bytescope.bytecode.records import analyse  # noqa: E402

TARGET = 4.0


def compile_stdlib():
    modules = []
    for path in sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "*.py"))):
        with open(path, "rb") as f:
            data = f.read()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                modules.append(compile(data, path, "exec", dont_inherit=True))
        except (SyntaxError, ValueError):
            continue  # e.g. a file written for another version
    return modules


def list_instructions(codes):
    for c in codes:
        list(dis.get_instructions(c))


def analyse_all(modules):
    for m in modules:
        analyse(m)


def timed(fn, arg):
    # CPU time of this process: the machines this runs on are shared, and other processes' load would otherwise
    # land on whichever side happened to be running.
    t = time.process_time()
    fn(arg)
    return time.process_time() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    modules = compile_stdlib()
    codes = [c for m in modules for _, c in walk_code(m)]
    instructions = sum(1 for c in codes for _ in dis.get_instructions(c))
    baseline, analysis = [], []
    for _ in range(args.rounds):
        baseline.append(timed(list_instructions, codes))
        analysis.append(timed(analyse_all, modules))
    ratio = min(analysis) / min(baseline)
    version = ".".join(map(str, sys.version_info[:3]))
    print(f"python {version}: {len(modules)} modules, {len(codes)} code objects, {instructions} instructions")
    print(f"  dis.get_instructions: best {min(baseline):.3f} s of {args.rounds}")
    print(f"  bytescope analysis:   best {min(analysis):.3f} s of {args.rounds}")
    print(f"  ratio {ratio:.2f}x (target <= {TARGET:g}x): {'OK' if ratio <= TARGET else 'OVER TARGET'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
