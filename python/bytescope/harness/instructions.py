"""Exact count of the bytecode instructions one call executes, per instruction (code object, offset).

Three collectors count the same thing - every instruction executed by the calling thread in Python frames entered
during the call (the caller's own frame excluded) - so counts from any of them are comparable:

* basic blocks on ``sys.monitoring`` (3.12+, ``blocks.py``): one event per block, the fastest;
* ``sys.monitoring`` INSTRUCTION events (3.12+): one event per instruction, the reference the blocks are checked
  against;
* ``sys.settrace`` with ``f_trace_opcodes``, everywhere else.

All are deterministic: the same code on the same Python minor version gives the same counts on every run.
"""

import functools
import sys
import threading

from . import blocks

BLOCKS = "basic-blocks"
MONITORING = "sys.monitoring"
SETTRACE = "settrace"


def available_methods():
    """The collectors this interpreter supports, preferred first."""
    methods = [MONITORING, SETTRACE] if hasattr(sys, "monitoring") else [SETTRACE]
    return [BLOCKS] + methods if _blocks_count_exactly() else methods


@functools.lru_cache(maxsize=None)
def _blocks_count_exactly():
    """On the versions the corpus test proves it on, when the interpreter has what it reads; on a newer one only when
    it counts a probe of loops, branches, exceptions and generators exactly as one event per instruction does."""
    if not blocks.supported():
        return False
    if sys.version_info[:2] in blocks.PROVEN:
        return True
    probed = [_probe.__code__] + [c for c in _probe.__code__.co_consts if hasattr(c, "co_code")]
    try:  # outside any event first: a failure inside a callback would surface in the probe's frames
        for code in probed:
            blocks.CodeBlocks(code)
    except Exception:  # the private dis helpers it reads changed shape
        return False
    by_blocks, reference = {}, {}
    blocks.count_blocks(_probe, by_blocks)
    _count_with_monitoring(_probe, reference)
    return by_blocks == reference


def _probe():
    def evens(limit):
        for number in range(limit):
            if number % 2:
                continue
            yield number

    total = 0
    for value in evens(9):
        try:
            total += [1, 2, 3][value]
        except IndexError:
            total -= 1
    return [total * n for n in range(3) if n] or None


class InstructionCounter:
    """``run(call)`` calls once and leaves ``per_offset`` ({code: {offset: executions}}); exceptions propagate, and
    what was counted up to them stays.  ``method`` is the collector used."""

    def __init__(self, method=None):
        self.method = method or available_methods()[0]
        if self.method not in available_methods():
            raise ValueError(f"instruction counting method {self.method!r} is not available on this Python")
        self.per_offset = {}

    @property
    def counts(self):
        """{code: instructions executed}."""
        return {code: sum(offsets.values()) for code, offsets in self.per_offset.items()}

    @property
    def total(self):
        return sum(sum(offsets.values()) for offsets in self.per_offset.values())

    def run(self, call):
        collect = {BLOCKS: blocks.count_blocks, MONITORING: _count_with_monitoring, SETTRACE: _count_with_settrace}
        collect[self.method](call, self.per_offset)


def _count_with_settrace(call, per_offset):
    # One counter list and one opcode tracer per code object, the list indexed by byte offset: per opcode the tracer
    # touches no dict (hashing a code object rehashes its bytecode, constants and names) and per call nothing is built.
    tables = {}  # id(code) -> (code, hits, tracer); the code stays alive here, so its id is not reused

    def tracer_for(code):
        hits = [0] * len(code.co_code)

        def on_opcode(frame, event, arg):
            # Returning None keeps the frame's tracer (only a failing tracer is removed).
            if event == "opcode":
                hits[frame.f_lasti] += 1

        tables[id(code)] = (code, hits, on_opcode)
        return on_opcode

    def on_call(frame, event, arg):
        known = tables.get(id(frame.f_code))
        tracer = tracer_for(frame.f_code) if known is None else known[2]
        # f_trace first: 3.13+ only instrument a frame's code for opcodes when it already has a trace function.
        frame.f_trace = tracer
        frame.f_trace_lines = False
        frame.f_trace_opcodes = True
        return tracer

    try:
        trace_opcodes(call, on_call)
    finally:
        for code, hits, _ in tables.values():
            offsets = {offset: n for offset, n in enumerate(hits) if n}
            if offsets:
                per_offset[code] = offsets


def trace_opcodes(call, on_call):
    """Call once under ``sys.settrace(on_call)`` with opcode events possible; the previous trace function is
    restored, also when the call raises."""
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


def _count_with_monitoring(call, per_offset):
    monitoring = sys.monitoring
    instruction = monitoring.events.INSTRUCTION
    disable = monitoring.DISABLE
    get_ident = threading.get_ident
    thread = get_ident()
    # Events are global: this frame runs a few instructions after the events are on, and settrace never sees them.
    own_code = _count_with_monitoring.__code__
    counts = {}  # (id(code), offset) -> executions; codes keeps the code objects alive, so ids stay unique
    codes = {}

    def on_instruction(code, offset):
        if code is own_code:
            return disable
        if get_ident() == thread:
            key = (id(code), offset)
            try:
                counts[key] += 1
            except KeyError:
                codes[id(code)] = code
                counts[key] = 1
        return None

    tool = blocks.free_tool_id()
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
        for (code_id, offset), n in counts.items():
            per_offset.setdefault(codes[code_id], {})[offset] = n
