"""The basic-block collector against the per-instruction one, which stays the reference: identical counts per
instruction over a corpus of control flow, on every Python it is enabled on; and the global state is always restored."""

import dis
import sys
import unittest

from tests.fixtures import instruction_corpus

from bytescope.harness import instructions
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


@unittest.skipUnless(HAS_BLOCKS, "the basic-block collector runs on 3.12 and 3.13")
class BlocksEqualInstructionsTest(unittest.TestCase):
    def test_every_case_counts_the_same_per_instruction(self):
        for name, case in instruction_corpus.CASES.items():
            with self.subTest(name):
                case()  # warm: specialised bytecode must not change what is counted
                reference = _named(_counted(MONITORING, case))
                self.assertGreater(sum(map(len, reference.values())), 10)
                self.assertEqual(_named(_counted(BLOCKS, case)), reference)
                self.assertEqual(_named(_counted(SETTRACE, case)), reference)
                self.assertEqual(_named(_counted(BLOCKS, case)), reference, "a second run sees every block again")

    def test_the_corpus_exercises_exceptions_in_the_middle_of_blocks(self):
        # _fails raises at its subscript, before its last instructions: they must not be counted.
        per_offset = _counted(BLOCKS, instruction_corpus.case_exceptions)
        fails = per_offset[instruction_corpus._fails.__code__]
        self.assertEqual(max(fails.values()), 5, "4 calls in the loop, 1 from _cleanup")
        self.assertEqual(min(fails.values()), 1, "the instructions after the IndexError ran only for n == 0")


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


if __name__ == "__main__":
    unittest.main()
