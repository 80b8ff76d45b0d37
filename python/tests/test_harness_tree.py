"""Base and head side by side: python_path puts each side's code first, and ``tree`` refuses an entry whose code
came from elsewhere (an editable install of the other checkout), naming the module, where it came from and the fix."""

import json
import os
import sys
import tempfile
import unittest

from tests.capabilities import requires_processes
from tests.test_harness_support import bytescope

PACKAGE = {
    "src/mypkg/__init__.py": "",
    "src/mypkg/core.py": "from mypkg import helper\n\ndef main():\n    return helper.work()\n",
    "src/mypkg/helper.py": "def work():\n    return sum(range({n}))\n",
}


def make_tree(root, n):
    for name, text in PACKAGE.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text.format(n=n))


@requires_processes
class TreeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory(prefix="bytescope-tree-")
        cls.head = os.path.join(cls.temp.name, "head")
        cls.base = os.path.join(cls.temp.name, "base")
        make_tree(cls.head, 2000)
        make_tree(cls.base, 1000)
        # What `pip install -e .` of a src layout amounts to: the head checkout's src on every interpreter's path,
        # after the project directory.
        python_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        cls.editable = {"PYTHONPATH": os.pathsep.join([python_dir, os.path.join(cls.head, "src")])}

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def run_config(self, env=None, **config):
        """Run one entry with these config keys; returns (completed process, the entry's record)."""
        scratch = tempfile.mkdtemp(dir=self.temp.name)
        out = os.path.join(scratch, "results.json")
        path = os.path.join(scratch, "config.json")
        with open(path, "w") as handle:
            json.dump({"entries": ["core=mypkg.core:main"], "repeat": 2, "warmup": 0, "out": out, **config}, handle)
        done = bytescope(["run", "--config", path], env=env)
        return done, (self.read(out) if os.path.exists(out) else None)

    def read(self, out):
        with open(out, encoding="utf-8") as handle:
            return json.load(handle)["entries"][0]

    def test_python_path_makes_each_side_measure_its_own_code(self):
        for tree in (self.base, self.head):
            done, entry = self.run_config(env=self.editable, cwd=tree, python_path=["src"], tree=tree)
            self.assertEqual(entry["status"], "ok", entry["error"])
            self.assertIn("src/mypkg/helper.py", {f["filename"] for f in entry["functions"]})

    def test_a_benchmark_beside_src_imports_with_python_path_src(self):
        # The project directory stays on sys.path after python_path: bench.py at the root, the package in src/.
        for tree in (self.base, self.head):
            with open(os.path.join(tree, "bench.py"), "w") as handle:
                handle.write("from mypkg.core import main\n")
            done, entry = self.run_config(
                env=self.editable, entries=["bench=bench:main"], cwd=tree, python_path=["src"], tree=tree
            )
            self.assertEqual(entry["status"], "ok", entry["error"])
            self.assertIn("src/mypkg/helper.py", {f["filename"] for f in entry["functions"]})

    def test_editable_install_of_the_other_checkout_is_an_error_naming_module_origin_and_fix(self):
        # Without python_path the base side's `import mypkg` finds the head's src, as an editable install would.
        done, entry = self.run_config(env=self.editable, cwd=self.base, tree=self.base)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertEqual(entry["status"], "error")
        self.assertEqual(entry["error"]["type"], "OutsideTree")
        message = entry["error"]["message"]
        self.assertIn("'mypkg.core'", message)
        self.assertIn(os.path.join(self.head, "src", "mypkg", "core.py"), message)
        self.assertIn("python-path", message)
        self.assertIsNone(entry["time"])  # nothing of the wrong code was measured

    def test_without_tree_the_same_import_is_measured_as_before(self):
        done, entry = self.run_config(env=self.editable, cwd=self.base)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(entry["status"], "ok")

    def test_a_function_from_another_checkout_is_an_error_naming_its_module_and_nothing_of_it_is_kept(self):
        # The entry module is this tree's own, but the helper it imports only the head's src provides.
        mixed = os.path.join(self.temp.name, "mixed")
        os.makedirs(os.path.join(mixed, "src", "mixed"))
        with open(os.path.join(mixed, "src", "mixed", "__init__.py"), "w") as handle:
            handle.write("from mypkg import helper\n\ndef main():\n    return helper.work()\n")
        done, entry = self.run_config(
            env=self.editable, entries=["core=mixed:main"], cwd=mixed, python_path=["src"], tree=mixed
        )
        self.assertEqual(entry["status"], "error", done.stderr)
        self.assertEqual(entry["error"]["type"], "OutsideTree")
        helper = os.path.join(self.head, "src", "mypkg", "helper.py")
        self.assertIn(f"work (module 'mypkg.helper') ran from {helper}", entry["error"]["message"])
        # Its time, profile and code are the other checkout's: reported, they would compare head with head.
        self.assertIsNone(entry["time"])
        self.assertIsNone(entry["profile"])
        self.assertEqual(entry["functions"], [])

    def test_profile_can_be_left_out_and_python_path_must_exist(self):
        done, entry = self.run_config(cwd=self.head, python_path=["src"], profile=False, memory=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIsNone(entry["profile"])
        self.assertEqual(len(entry["time"]["samples_ns"]), 2)
        done, entry = self.run_config(cwd=self.head, python_path=["lib"])
        self.assertEqual(done.returncode, 2)
        self.assertIn("python_path 'lib' is not a directory", done.stderr)


if __name__ == "__main__":
    unittest.main()
