import dis
import unittest

from unittest import mock

from bytescope.bytecode import records, registry, slot_rules


def _fields(opname):
    return {"opname": opname, "arg": 2, "argval": "items", "argrepr": "items", "target": "L3", "kwnames": ()}


class RegistryTest(unittest.TestCase):
    def test_every_opname_of_this_version_has_a_known_entry(self):
        for opname in dis.opmap:
            with self.subTest(opname=opname):
                info = registry.lookup(opname)
                self.assertTrue(info.known, f"{opname} falls back to the generic entry")
                self.assertIn(info.category, registry.CATEGORIES)
                text = registry.explain(opname, _fields(opname))
                self.assertIsInstance(text, str)
                self.assertGreaterEqual(len(text), 10)

    def test_every_category_has_a_title_colour_and_words_to_count_it(self):
        for category in registry.CATEGORIES.values():
            self.assertTrue(category.title)
            self.assertRegex(category.color, r"^[0-9;]+$")
            self.assertTrue(category.singular)
            self.assertNotEqual(category.singular, category.plural)

    def test_explanations_use_the_argument(self):
        self.assertEqual(registry.explain("LOAD_FAST", _fields("LOAD_FAST")), "push local variable `items`")
        fields = dict(_fields("POP_JUMP_IF_FALSE"))
        self.assertIn("jump to L3 if the top of the stack is false", registry.explain("POP_JUMP_IF_FALSE", fields))
        self.assertIn("2 positional arguments", registry.explain("CALL", _fields("CALL")))
        kw = dict(_fields("CALL"), arg=3, kwnames=("sep",))
        self.assertIn("2 positional and 1 keyword arguments (sep)", registry.explain("CALL", kw))

    def test_unknown_opname_gets_a_generic_entry_from_dis_tables(self):
        info = registry.lookup("OPCODE_FROM_THE_FUTURE")
        self.assertFalse(info.known)
        self.assertEqual(info.category, "internal")
        text = registry.explain("OPCODE_FROM_THE_FUTURE", _fields("X"))
        self.assertIn("OPCODE_FROM_THE_FUTURE", text)
        self.assertIn("argument items", text)

    def test_generic_entry_is_correct_for_real_opcodes(self):
        # What an unknown-to-the-registry opcode would get: category from dis.has*, effect from dis.stack_effect.
        load = registry._generic("LOAD_FAST")
        self.assertEqual(load.category, "load")
        self.assertIn("net stack effect +1", load.explain({"arg": 0, "argrepr": "x", "target": None}))
        jump = registry._generic("JUMP_FORWARD")
        self.assertEqual(jump.category, "control_flow")
        self.assertIn("may jump to L2", jump.explain({"arg": 1, "argrepr": "to L2", "target": "L2"}))
        store = registry._generic("STORE_FAST")
        self.assertEqual(store.category, "store")

    def test_analysis_of_unknown_opcode_never_crashes(self):
        # What a future CPython (3.15+) does to bytescope: an opcode it emits is not in the registry. Pretend the
        # registry has never heard of the one that loads ``x`` here (LOAD_FAST, or 3.14's LOAD_FAST_BORROW): the
        # analysis still explains it generically, categorises it from dis's tables and simulates it exactly.
        source = compile("def f(x):\n    return x + 1\n", "<t>", "exec")
        load = next(i.opname for i in dis.get_instructions(source.co_consts[0]) if i.argval == "x")
        with mock.patch.dict(registry._TABLE), mock.patch.dict(registry._INFO, clear=True), mock.patch.dict(
            registry.CATEGORY_OF, clear=True
        ), mock.patch.dict(registry.USES_ARG, clear=True), mock.patch.dict(
            records._explanations, clear=True
        ), mock.patch.dict(slot_rules.RULES):
            del registry._TABLE[load], slot_rules.RULES[load]
            infos = records.analyse(source)
            loads = [i for info in infos for i in info.instructions if i.baseopname == load]
            self.assertTrue(loads)
            self.assertIn(f"`{load}` (not in bytescope's registry); argument x; net stack effect +1", loads[0].explanation)
            self.assertEqual(loads[0].category, "load")
            self.assertEqual(loads[0].stack_after[-1], f"<{load}>")
            self.assertEqual(infos[1].max_depth, infos[1].co_stacksize)
        self.assertTrue(registry.lookup(load).known)

if __name__ == "__main__":
    unittest.main()
