"""The basic-block collector against the per-instruction one, which stays the reference: identical counts per
instruction over a corpus of control flow, on every Python it is enabled on; and the global state is always restored."""

import dis
import sys
import unittest

from unittest import mock

from tests.capabilities import requires_threads
from tests.fixtures import instruction_corpus

from bytescope.harness import blocks, instructions
from bytescope.harness.instructions import BLOCKS, MONITORING, SETTRACE, InstructionCounter

HAS_BLOCKS = BLOCKS in instructions.available_methods()


def _counted(method, call):
    counter = InstructionCounter(method)
    counter.run(call)
    return counter.per_offset


def _executable(code):
    return [i for i in dis.get_instructions(code) if i.opname not in ("RESUME", "EXTENDED_ARG")]


def _named(per_offset):
    return {(code.co_filename, code.co_firstlineno, code.co_name): offsets for code, offsets in per_offset.items()}


# Cases checked by their own tests below.
SEPARATE = ("other_threads", "generator_close")


@unittest.skipUnless(HAS_BLOCKS, "the basic-block collector runs on 3.12+")
class BlocksEqualInstructionsTest(unittest.TestCase):
    def assert_same_counts(self, case, settrace_differs=None):
        case()  # warm: specialised bytecode must not change what is counted
        reference = _named(_counted(MONITORING, case))
        self.assertGreater(sum(map(len, reference.values())), 10)
        self.assertEqual(_named(_counted(BLOCKS, case)), reference)
        self.assertEqual(_named(_counted(SETTRACE, case)), settrace_differs or reference)
        self.assertEqual(_named(_counted(BLOCKS, case)), reference, "a second run sees every block again")

    def test_every_case_counts_the_same_per_instruction(self):
        for name, case in instruction_corpus.CASES.items():
            if name not in SEPARATE:
                with self.subTest(name):
                    self.assert_same_counts(case)

    @requires_threads
    def test_only_the_calling_thread_is_counted(self):
        self.assert_same_counts(instruction_corpus.case_other_threads)

    def test_closing_a_suspended_generator(self):
        case = instruction_corpus.case_generator_close
        if sys.version_info < (3, 14):
            self.assert_same_counts(case)
            return
        # 3.14 runs the generator's StopIteration handler (CALL_INTRINSIC_1, RERAISE) on close() only under a tool
        # that watches unwinding, as settrace does; the other collectors, like an uninstrumented run, skip it.
        reference = _counted(MONITORING, case)
        handler = [i for i in dis.get_instructions(instruction_corpus._numbers) if i.opname == "CALL_INTRINSIC_1"][-1]
        under_settrace = {code: dict(offsets) for code, offsets in reference.items()}
        for offset in (handler.offset, handler.offset + 2):
            under_settrace[instruction_corpus._numbers.__code__][offset] = 1
        self.assert_same_counts(case, settrace_differs=_named(under_settrace))

    def test_the_corpus_exercises_exceptions_in_the_middle_of_blocks(self):
        # _fails raises at its subscript, before its last instructions: they must not be counted.
        per_offset = _counted(BLOCKS, instruction_corpus.case_exceptions)
        fails = per_offset[instruction_corpus._fails.__code__]
        self.assertEqual(max(fails.values()), 5, "4 calls in the loop, 1 from _cleanup")
        self.assertEqual(min(fails.values()), 1, "the instructions after the IndexError ran only for n == 0")


def _every_opcode_event(call):
    """The plainest settrace count, one dict update per opcode event: the reference for the settrace collector's
    per-code tables and tracers on 3.10/3.11, where it has no other collector to be compared with."""
    per_offset = {}

    def on_event(frame, event, arg):
        if event == "opcode":
            offsets = per_offset.setdefault(frame.f_code, {})
            offsets[frame.f_lasti] = offsets.get(frame.f_lasti, 0) + 1
        return on_event

    def on_call(frame, event, arg):
        frame.f_trace = on_event
        frame.f_trace_opcodes = True
        return on_event

    instructions.trace_opcodes(call, on_call)
    return per_offset


class SettraceEqualsEveryOpcodeEventTest(unittest.TestCase):
    def test_every_case_counts_the_same_per_instruction(self):
        for name, case in instruction_corpus.CASES.items():
            if name != "other_threads":  # per thread: checked against sys.monitoring above
                with self.subTest(name):
                    case()
                    reference = _named(_every_opcode_event(case))
                    self.assertGreater(sum(map(len, reference.values())), 10)
                    self.assertEqual(_named(_counted(SETTRACE, case)), reference)


class RestoresStateTest(unittest.TestCase):
    def test_state_is_restored_when_the_call_raises(self):
        def fails():
            x = 1
            raise KeyError(x)

        for method in instructions.available_methods():
            with self.subTest(method):
                counter = InstructionCounter(method)
                with self.assertRaises(KeyError):
                    counter.run(fails)
                self.assertEqual(counter.counts[fails.__code__], len(_executable(fails.__code__)))
                self.assertIsNone(sys.gettrace())
                if hasattr(sys, "monitoring"):
                    self.assertEqual([sys.monitoring.get_tool(t) for t in range(6)], [None] * 6)
                    self.assertEqual(sys.monitoring.get_events(3), 0)

    def test_totals_agree_across_methods_on_this_python(self):
        totals = {m: InstructionCounter(m) for m in instructions.available_methods()}
        for counter in totals.values():
            counter.run(instruction_corpus.case_recursion)
        self.assertEqual(len({c.total for c in totals.values()}), 1, {m: c.total for m, c in totals.items()})


class DetectionTest(unittest.TestCase):
    """On a version the corpus has not proven it on (3.15+), the collector is offered only if it counts a probe
    exactly as the per-instruction collector does."""

    def setUp(self):
        instructions._blocks_count_exactly.cache_clear()
        self.addCleanup(instructions._blocks_count_exactly.cache_clear)

    @unittest.skipUnless(HAS_BLOCKS, "the basic-block collector runs on 3.12+")
    def test_an_unproven_version_uses_blocks_that_count_the_probe_exactly(self):
        with mock.patch.object(blocks, "PROVEN", ()):
            self.assertEqual(instructions.available_methods()[0], BLOCKS)

    @unittest.skipUnless(HAS_BLOCKS, "the basic-block collector runs on 3.12+")
    def test_an_unproven_version_falls_back_when_the_blocks_miscount(self):
        # Jumps that neither end nor start blocks: the probe's counts differ.
        with mock.patch.object(blocks, "PROVEN", ()), mock.patch.object(blocks, "_JUMPS", frozenset()):
            self.assertEqual(instructions.available_methods(), [MONITORING, SETTRACE])
        self.assertEqual(_restored_tools(), [None] * 6)

    @unittest.skipUnless(HAS_BLOCKS, "the basic-block collector runs on 3.12+")
    def test_an_unproven_version_falls_back_when_dis_changed(self):
        with mock.patch.object(blocks, "PROVEN", ()), mock.patch.object(blocks.dis, "_parse_exception_table", None):
            self.assertEqual(instructions.available_methods(), [MONITORING, SETTRACE])
        self.assertEqual(_restored_tools(), [None] * 6)


def _restored_tools():
    return [sys.monitoring.get_tool(t) for t in range(6)]


if __name__ == "__main__":
    unittest.main()
