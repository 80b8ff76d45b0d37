"""The settings table (schema/settings.json) as the harness reads it, and the parity cases both test suites read
(__tests__/__fixtures__/settings-parity.json; the action's side is __tests__/settings-parity.test.ts)."""

import json
import os
import sys
import unittest

from bytescope.harness import table
from bytescope.harness.settings import DEFAULTS, SettingsError, _validate, parse_number, resolve
from bytescope.harness.targets import TargetError, parse_entry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "__tests__", "__fixtures__", "settings-parity.json"), encoding="utf-8") as handle:
    CASES = json.load(handle)


class ParityCases(unittest.TestCase):
    def test_entries(self):
        for case in CASES["entries"]:
            with self.subTest(case["text"]):
                if "error" in case:
                    with self.assertRaises(TargetError):
                        parse_entry(case["text"])
                    continue
                entry = parse_entry(case["text"])
                self.assertEqual(
                    (entry.name, entry.target.text, entry.target.module, entry.target.path, entry.target.attr),
                    (case["name"], case["target"], case["module"], case["path"], case["attr"]),
                )

    def test_numbers(self):
        for case in CASES["numbers"]:
            with self.subTest(case["text"]):
                try:
                    value = parse_number(case["text"])
                except SettingsError:
                    value = None
                self.assertEqual(value, case["value"])

    def test_values(self):
        for case in CASES["values"]:
            with self.subTest(f"{case['key']}={case['value']!r}"):
                key = table.row_of(case["key"])["surfaces"]["harness"]
                try:
                    value = _validate(key, case["value"])
                except SettingsError:
                    self.assertFalse(case["valid"])
                else:
                    self.assertTrue(case["valid"])
                    self.assertEqual(value, case["value"])


class Table(unittest.TestCase):
    def test_whitespace_is_what_str_strip_removes(self):
        # The action strips names and targets with the table's list; it must be exactly Python's.
        python = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
        self.assertEqual(table.GRAMMAR["whitespace"], python)

    def test_a_run_gets_the_tables_defaults(self):
        settings = resolve({"entries": [parse_entry("m:f")], "out": "results.json"})
        for key, row in table.HARNESS_ROWS.items():
            if key in ("entries", "out", "cwd", "python_path", "tree"):
                continue
            with self.subTest(key):
                self.assertEqual(getattr(settings, key), row["default"])
        self.assertEqual(settings.cwd, os.path.abspath(table.row_of("working-directory")["default"]))
        self.assertEqual(DEFAULTS["repeat"], table.row_of("repeat")["default"])

    def test_every_harness_setting_is_a_config_key_and_every_flag_an_option(self):
        from bytescope.harness.cli import _run_parser

        parser = _run_parser()
        options = {action.dest for action in parser._actions}
        help_text = " ".join(parser.format_help().split())
        flags = [row for row in table.TABLE["settings"] if "harnessFlag" in row["surfaces"]]
        self.assertTrue(flags)
        for row in flags:
            with self.subTest(row["key"]):
                dest = row["surfaces"].get("harness", row["key"].replace("-", "_"))
                self.assertIn(dest, options)
                # With its default: `--instructions` once claimed "default off" while the harness counted by default.
                self.assertIn(table.help_of(row), help_text)

    def test_a_missing_table_is_a_clear_failure(self):
        original = table.TABLE_PATH
        table.TABLE_PATH = os.path.join(ROOT, "no-such-dir", "settings.json")
        try:
            with self.assertRaisesRegex(RuntimeError, "settings table .*no-such-dir.* cannot be read"):
                table._load()
        finally:
            table.TABLE_PATH = original


if __name__ == "__main__":
    unittest.main()
