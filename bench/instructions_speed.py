"""What bytescope's executed-instruction pass costs, as a multiple of one plain call, measured side by side in one run.

    python bench/instructions_speed.py [--rounds N] [--workload MODULE:DICT]

For each workload (bench/instruction_workloads.py: a parser, a renderer, pure-Python json decoding; or your own
``{name: callable}`` dict) it times, warm, in the same process: one plain call, and one call under every instruction
collector this Python has, plus the floor any collector on the same mechanism costs (a callback that only does
``n += 1``: an INSTRUCTION event on 3.12+, a ``settrace`` opcode event everywhere). Times are this thread's CPU time
(``time.thread_time_ns``; wall time under Pyodide, which has no thread clock and where CPU time is wall time anyway),
rounds interleave the configurations and the best round of each is kept. It prints each
as a multiple of the plain call and checks the fastest collector against the targets of issue 16:
3.12+ <= 15x, 3.11 <= 25x, 3.10 <= 60x.  Exit status 1 when a target is missed.
"""

import argparse
import gc
import importlib
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, HERE)

from bytescope.harness.instructions import InstructionCounter, available_methods, trace_opcodes  # noqa: E402

# Pyodide (3.14 in WebAssembly) has no thread clock, and its load average is a constant, not the host's.
CLOCK = getattr(time, "thread_time_ns", time.perf_counter_ns)
LOAD = "n/a (Pyodide)" if sys.platform == "emscripten" else f"{os.getloadavg()[0]:.2f}"

TARGETS = {(3, 10): 60.0, (3, 11): 25.0}
DEFAULT_TARGET = 15.0


def _settrace_floor(call):
    # The cheapest opcode tracer found: no line events, and returning None keeps the frame's tracer.
    count = [0]

    def on_opcode(frame, event, arg):
        count[0] += 1

    def on_call(frame, event, arg):
        frame.f_trace = on_opcode
        frame.f_trace_lines = False
        frame.f_trace_opcodes = True
        return on_opcode

    trace_opcodes(call, on_call)


def _monitoring_floor(call):
    monitoring = sys.monitoring
    count = [0]

    def on_instruction(code, offset):
        count[0] += 1

    monitoring.use_tool_id(4, "bench floor")
    monitoring.register_callback(4, monitoring.events.INSTRUCTION, on_instruction)
    monitoring.set_events(4, monitoring.events.INSTRUCTION)
    try:
        call()
    finally:
        monitoring.set_events(4, 0)
        monitoring.register_callback(4, monitoring.events.INSTRUCTION, None)
        monitoring.free_tool_id(4)


def _configurations():
    configurations = {"plain call": lambda call: call()}
    for method in available_methods():
        configurations[f"bytescope {method}"] = lambda call, method=method: InstructionCounter(method).run(call)
    configurations["floor: settrace n += 1"] = _settrace_floor
    if hasattr(sys, "monitoring"):
        configurations["floor: INSTRUCTION n += 1"] = _monitoring_floor
    return configurations


def _best_times(call, configurations, rounds):
    best = dict.fromkeys(configurations, float("inf"))
    names = list(configurations)
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            start = CLOCK()
            configurations[name](call)
            best[name] = min(best[name], CLOCK() - start)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workload", help="MODULE:DICT of {name: callable} to measure instead of the built-in ones")
    options = parser.parse_args(argv)
    if options.workload:
        module, _, attribute = options.workload.partition(":")
        workloads = getattr(importlib.import_module(module), attribute)
    else:
        from instruction_workloads import WORKLOADS as workloads
    version = sys.version_info[:2]
    target = TARGETS.get(version, DEFAULT_TARGET)
    print(f"Python {platform.python_version()}, load {LOAD}, {options.rounds} rounds, target <= {target:g}x")
    configurations = _configurations()
    missed = []
    for name, call in workloads.items():
        call()  # warm: imports, specialisation
        counter = InstructionCounter()
        counter.run(call)
        times = _best_times(call, configurations, options.rounds)
        plain = times["plain call"]
        print(f"\n{name}: plain call {plain / 1e6:.2f} ms, {counter.total:,} instructions")
        for configuration, elapsed in times.items():
            if configuration != "plain call":
                print(f"  {configuration:32} {elapsed / plain:7.1f}x  ({elapsed / 1e6:.1f} ms)")
        ratio = times[f"bytescope {available_methods()[0]}"] / plain
        if ratio > target:
            missed.append(f"{name}: {ratio:.1f}x > {target:g}x")
    print("\n" + ("targets missed: " + "; ".join(missed) if missed else "all targets met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
