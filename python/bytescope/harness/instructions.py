"""Exact count of the bytecode instructions one call executes, in total and per code object.

Two collectors count the same thing - every instruction executed by the calling thread in Python frames entered
during the call (the caller's own frame excluded) - so counts from either are comparable:

* ``sys.monitoring`` INSTRUCTION events (3.12+), the faster one;
* ``sys.settrace`` with ``f_trace_opcodes``, everywhere else.

Both are deterministic: the same code on the same Python minor version gives the same count on every run.
"""

import sys
import threading

MONITORING = "sys.monitoring"
SETTRACE = "settrace"


def available_methods():
    """The collectors this interpreter supports, preferred first."""
    return [MONITORING, SETTRACE] if hasattr(sys, "monitoring") else [SETTRACE]


class InstructionCounter:
    """``run(call)`` calls once and leaves ``counts`` ({code: instructions executed}); exceptions propagate, and
    what was counted up to them stays in ``counts``.  ``method`` is the collector used."""

    def __init__(self, method=None):
        self.method = method or available_methods()[0]
        if self.method not in available_methods():
            raise ValueError(f"instruction counting method {self.method!r} is not available on this Python")
        self.counts = {}

    @property
    def total(self):
        return sum(self.counts.values())

    def run(self, call):
        if self.method == MONITORING:
            _count_with_monitoring(call, self.counts)
        else:
            _count_with_settrace(call, self.counts)


def _count_with_settrace(call, counts):
    get = counts.get

    def on_opcode(frame, event, arg):
        if event == "opcode":
            code = frame.f_code
            counts[code] = get(code, 0) + 1
        return on_opcode

    def on_call(frame, event, arg):
        # f_trace first: 3.13+ only instrument a frame's code for opcodes when it already has a trace function.
        frame.f_trace = on_opcode
        frame.f_trace_lines = False
        frame.f_trace_opcodes = True
        return on_opcode

    previous = sys.gettrace()
    # 3.12+ implement settrace on sys.monitoring and only turn opcode events on at settrace() when some frame has
    # asked for them before; without this the first counted call would see no opcodes at all.
    here = sys._getframe()
    here.f_trace_opcodes = True
    sys.settrace(on_call)
    here.f_trace_opcodes = False
    try:
        call()
    finally:
        sys.settrace(previous)


def _free_tool_id():
    monitoring = sys.monitoring
    # Prefer the ids PEP 669 leaves unassigned, so a debugger, coverage or profiler can keep theirs.
    for tool in (3, 4, 0, 1, 2, 5):
        if monitoring.get_tool(tool) is None:
            return tool
    raise RuntimeError("no free sys.monitoring tool id to count instructions with")


def _count_with_monitoring(call, counts):
    monitoring = sys.monitoring
    instruction = monitoring.events.INSTRUCTION
    disable = monitoring.DISABLE
    get = counts.get
    get_ident = threading.get_ident
    thread = get_ident()
    # Events are global: this frame runs a few instructions after the events are on, and settrace never sees them.
    own_code = _count_with_monitoring.__code__

    def on_instruction(code, offset):
        if code is own_code:
            return disable
        if get_ident() == thread:
            counts[code] = get(code, 0) + 1

    tool = _free_tool_id()
    monitoring.use_tool_id(tool, "bytescope instructions")
    try:
        monitoring.register_callback(tool, instruction, on_instruction)
        monitoring.set_events(tool, instruction)
        try:
            call()
        finally:
            monitoring.set_events(tool, 0)
    finally:
        monitoring.register_callback(tool, instruction, None)
        monitoring.free_tool_id(tool)
