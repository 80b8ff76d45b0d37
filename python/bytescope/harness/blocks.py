"""Executed instructions counted per basic block (3.12+): the fast exact collector.

``sys.monitoring`` INSTRUCTION events are turned on, and every instruction that does not start a basic block returns
``DISABLE`` the first time it runs, so afterwards only block leaders report.  A block, once its leader ran, runs to
its end unless an exception leaves it: RAISE and RERAISE events say where, and the instructions after that point are
taken off again.  Calls do not end a block (the callee runs in its own frame and comes back); every instruction that
may continue anywhere but at the next one does, and every place the interpreter may continue at silently starts one
(jump and handler targets, the instruction after an exhausted loop's END_FOR, the instruction after RESUME).

The counts equal the per-instruction collector's (``tests.test_instruction_blocks`` compares them over a corpus, per
instruction, on every version this is enabled on), at one event per block instead of one per instruction.
"""

import dis
import sys
import threading

_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
# Besides jumps, the instructions after which execution does not simply go on with the next instruction.
_BLOCK_ENDS = frozenset(
    dis.opmap[name]
    for name in (
        "RETURN_VALUE",
        "RETURN_CONST",
        "YIELD_VALUE",
        "RAISE_VARARGS",
        "RERAISE",
        "RESUME",
        "RETURN_GENERATOR",
        "END_ASYNC_FOR",
        "CLEANUP_THROW",
    )
    if name in dis.opmap
)
_RESUME = dis.opmap.get("RESUME")
_FOR_ITER = dis.opmap["FOR_ITER"]


# Where tests.test_instruction_blocks proves the counts identical to the per-instruction collector's over its corpus.
PROVEN = ((3, 12), (3, 13), (3, 14))


def supported():
    """Whether this interpreter has what the collector reads: ``sys.monitoring`` and ``dis``'s private decoder,
    exception-table reader and (3.13+) jump-target helper.  On a version not in ``PROVEN`` the caller must also check
    the counts (``instructions.available_methods`` does, on a probe)."""
    jump_targets = ("_get_jump_target",) if sys.version_info >= (3, 13) else ("_inline_cache_entries", "_is_backward_jump")
    needed = ("_unpack_opargs", "_parse_exception_table") + jump_targets
    return hasattr(sys, "monitoring") and all(hasattr(dis, name) for name in needed)


def _jump_target(op, arg, offset):
    if hasattr(dis, "_get_jump_target"):  # 3.13+
        return dis._get_jump_target(op, arg, offset)
    caches = dis._inline_cache_entries[op]  # 3.12
    if op in dis.hasjabs:
        return arg * 2
    return offset + 2 + 2 * caches + 2 * (-arg if dis._is_backward_jump(op) else arg)


class CodeBlocks:
    """The static blocks of one code object.  ``counted``: offsets of the instructions that report INSTRUCTION
    events (never the prologue up to the first RESUME, never RESUME itself), in order; ``leader_of``: for each, the
    offset of its block's first instruction; ``leaders``: those first instructions."""

    __slots__ = ("code", "counted", "leader_of", "leaders")

    def __init__(self, code):
        self.code = code
        decoded = [(item[0], item[-2], item[-1]) for item in dis._unpack_opargs(code.co_code)]
        offsets = [offset for offset, _, _ in decoded]
        starts = {entry.target for entry in dis._parse_exception_table(code)}
        for offset, op, arg in decoded:
            if op in _JUMPS:
                target = _jump_target(op, arg, offset)
                starts.add(target)
                if op == _FOR_ITER and target in offsets:
                    # An exhausted loop skips END_FOR (3.12, 3.14: POP_ITER follows) or END_FOR and POP_TOP (3.13)
                    # without an event.
                    starts.update(offsets[offsets.index(target) + 1 : offsets.index(target) + 3])
        first_resume = next((offset for offset, op, _ in decoded if op == _RESUME), None)
        self.code = code
        self.counted, self.leader_of, self.leaders = [], [], []
        new_block, leader = True, None
        for offset, op, _ in decoded:
            if first_resume is None or offset <= first_resume or op == _RESUME:
                new_block = True
                continue
            if new_block or offset in starts:
                leader = offset
                self.leaders.append(offset)
            self.counted.append(offset)
            self.leader_of.append(leader)
            new_block = op in _JUMPS or op in _BLOCK_ENDS

    def counts(self, leader_hits, exits):
        """{offset: executions} from how often each block started and {offset: exceptions that left it there}."""
        counts = {}
        for offset, leader in zip(self.counted, self.leader_of):
            counts[offset] = leader_hits.get(leader, 0)
        for exit_offset, times in exits.items():
            # The instruction holding exit_offset (it may be a CALL's inline cache) ran; the rest of its block did not.
            leader = None
            for offset, block in zip(self.counted, self.leader_of):
                if offset <= exit_offset:
                    leader = block
                elif block == leader:
                    counts[offset] -= times
                else:
                    break
        return {offset: n for offset, n in counts.items() if n}


def free_tool_id():
    monitoring = sys.monitoring
    # Prefer the ids PEP 669 leaves unassigned, so a debugger, coverage or profiler can keep theirs.
    for tool in (3, 4, 0, 1, 2, 5):
        if monitoring.get_tool(tool) is None:
            return tool
    raise RuntimeError("no free sys.monitoring tool id to count instructions with")


def count_blocks(call, counts):
    """Call once; fill ``counts`` ({code: {offset: executions}}) for the calling thread, also when the call raises."""
    monitoring = sys.monitoring
    events = monitoring.events
    disable = monitoring.DISABLE
    get_ident = threading.get_ident
    thread = get_ident()
    # Keys are id(code) + offset: unique while the code objects are alive (their bytecode is stored inline, so
    # every offset is inside the object) and cheap to hash, where hashing a code object rehashes its contents.
    hits = {}
    blocks = {}  # id(code) -> CodeBlocks (which also keeps the code alive)
    exits = {}  # (id(code), offset) -> exceptions that left a block there
    own_code = count_blocks.__code__

    def first_sight(code, offset):
        known = blocks.get(id(code))
        if known is None:
            known = blocks[id(code)] = CodeBlocks(code)
            if code is not own_code:  # this frame runs a few instructions after the events are on: never counted
                base = id(code)
                for leader in known.leaders:
                    hits[base + leader] = 0
        key = id(code) + offset
        if key not in hits:
            return disable
        if get_ident() == thread:
            hits[key] += 1
        return None

    def on_instruction(code, offset):
        if get_ident() == thread:
            try:
                hits[id(code) + offset] += 1
                return None
            except KeyError:
                pass
        return first_sight(code, offset)

    def on_raise(code, offset, exception):
        # The traceback entry just added for this frame holds the instruction that raised; the event's offset does
        # not when the exception came out of a callee on 3.13 (it is one code unit before the call there).
        traceback = exception.__traceback__
        if traceback is not None and traceback.tb_frame.f_code is code:
            offset = traceback.tb_lasti
        on_exit(code, offset, exception)

    def on_exit(code, offset, exception):
        if get_ident() == thread:
            key = (id(code), offset)
            exits[key] = exits.get(key, 0) + 1
            if id(code) not in blocks:
                blocks[id(code)] = CodeBlocks(code)

    tool = free_tool_id()
    monitoring.use_tool_id(tool, "bytescope instructions")
    try:
        monitoring.register_callback(tool, events.INSTRUCTION, on_instruction)
        monitoring.register_callback(tool, events.RAISE, on_raise)
        monitoring.register_callback(tool, events.RERAISE, on_exit)
        monitoring.set_events(tool, events.INSTRUCTION | events.RAISE | events.RERAISE)
        try:
            call()
        finally:
            monitoring.set_events(tool, 0)
    finally:
        for event in (events.INSTRUCTION, events.RAISE, events.RERAISE):
            monitoring.register_callback(tool, event, None)
        monitoring.free_tool_id(tool)
        # DISABLE outlives the tool id: the next user of INSTRUCTION events must see every instruction again.
        monitoring.restart_events()
        blocks.pop(id(own_code), None)
        _expand(blocks, hits, exits, counts)


def _expand(blocks, hits, exits, counts):
    """Per-instruction counts from the leaders' hits and the exits, into ``counts``."""
    exits_by_code = {}
    for (code_id, offset), times in exits.items():
        exits_by_code.setdefault(code_id, {})[offset] = times
    for code_id, known in blocks.items():
        leader_hits = {leader: hits[code_id + leader] for leader in known.leaders}
        per_offset = known.counts(leader_hits, exits_by_code.get(code_id, {}))
        if per_offset:
            counts[known.code] = per_offset
