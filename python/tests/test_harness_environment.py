"""The environment record: CPU model, Python build and the versions of the distributions the entries imported,
checked on this machine's real interpreter and on distributions installed into a temporary site directory."""

import json
import os
import platform
import shutil
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

from tests.test_harness_support import PYTHON_DIR, bytescope, results_validator
from tests.capabilities import requires_processes

from bytescope.harness import environment, orchestrator

X86_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R)   Platinum 8370C CPU @ 2.80GHz
flags\t\t: fpu vme

processor\t: 1
model name\t: Intel(R) Xeon(R)   Platinum 8370C CPU @ 2.80GHz
"""

ARM_CPUINFO = """processor\t: 0
BogoMIPS\t: 50.00
CPU implementer\t: 0x41

Hardware\t: BCM2835
"""


def _write(directory, name, text):
    path = os.path.join(directory, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(text))
    return path


def _dist(site, name, version, module, top_level=True):
    """An installed distribution the way pip leaves one: the package and its .dist-info."""
    _write(site, f"{module}/__init__.py", "VALUE = 1\n")
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    _write(site, f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if top_level:
        _write(site, f"{info}/top_level.txt", f"{module}\n")
    else:
        _write(site, f"{info}/RECORD", f"{module}/__init__.py,,\n{info}/METADATA,,\n")


class CpuModelTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bytescope-cpuinfo-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_linux_model_name_on_one_line(self):
        cpuinfo = _write(self.dir, "cpuinfo", X86_CPUINFO)
        self.assertEqual(environment.cpu_model("Linux", cpuinfo), "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz")

    def test_arm_kernels_name_the_hardware(self):
        self.assertEqual(environment.cpu_model("Linux", _write(self.dir, "cpuinfo", ARM_CPUINFO)), "BCM2835")

    def test_unreadable_cpuinfo_falls_back_to_the_platform(self):
        missing = os.path.join(self.dir, "absent")
        with mock.patch.object(platform, "processor", return_value="x86_64"):
            self.assertEqual(environment.cpu_model("Linux", missing), "x86_64")
        with mock.patch.object(platform, "processor", return_value=""):
            self.assertIsNone(environment.cpu_model("Linux", missing))

    def test_windows_reads_the_platform(self):
        name = "Intel64 Family 6 Model 106 Stepping 6, GenuineIntel"
        with mock.patch.object(platform, "processor", return_value=name):
            self.assertEqual(environment.cpu_model("Windows"), name)

    def test_macos_asks_sysctl_and_survives_its_absence(self):
        done = mock.Mock(returncode=0, stdout="Apple M2 Pro\n")
        with mock.patch("subprocess.run", return_value=done) as run:
            self.assertEqual(environment.cpu_model("Darwin"), "Apple M2 Pro")
        self.assertEqual(run.call_args.args[0], ["sysctl", "-n", "machdep.cpu.brand_string"])
        with mock.patch("subprocess.run", side_effect=FileNotFoundError), mock.patch.object(
            platform, "processor", return_value="arm"
        ):
            self.assertEqual(environment.cpu_model("Darwin"), "arm")

    @unittest.skipUnless(sys.platform.startswith("linux"), "reads /proc/cpuinfo")
    def test_this_machine(self):
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1] for line in handle if line.startswith("model name")]
        if names:
            self.assertEqual(environment.cpu_model(), " ".join(names[0].split()))


class DistributionsTest(unittest.TestCase):
    def setUp(self):
        self.site = tempfile.mkdtemp(prefix="bytescope-site-")
        self.addCleanup(shutil.rmtree, self.site, True)

    def test_only_the_providers_of_imported_modules_first_on_the_path_wins(self):
        _dist(self.site, "Fake-Dist", "1.2.3", "fakedist")
        _dist(self.site, "recorded", "0.1", "recordonly", top_level=False)
        _dist(self.site, "unused", "9.9", "unused")
        shadowed = tempfile.mkdtemp(prefix="bytescope-site-")
        self.addCleanup(shutil.rmtree, shadowed, True)
        _dist(shadowed, "Fake-Dist", "0.9", "fakedist")
        found, omitted = environment.distributions(["fakedist", "recordonly", "json"], [self.site, shadowed])
        self.assertEqual(found, {"Fake-Dist": "1.2.3", "recorded": "0.1"})
        self.assertEqual(omitted, 0)

    def test_bounded_and_broken_metadata_left_out(self):
        for index in range(5):
            _dist(self.site, f"d{index}", f"{index}.0", f"mod{index}")
        _write(self.site, "broken-1.0.dist-info/METADATA", "not metadata at all\n")
        _write(self.site, "broken-1.0.dist-info/top_level.txt", "mod0\n")
        found, omitted = environment.distributions([f"mod{i}" for i in range(5)], [self.site], limit=3)
        self.assertEqual(found, {"d0": "0.0", "d1": "1.0", "d2": "2.0"})
        self.assertEqual(omitted, 2)

    def test_long_values_are_bounded(self):
        _write(self.site, "tall/__init__.py", "")
        _write(self.site, "tall-1.dist-info/METADATA", f"Metadata-Version: 2.1\nName: tall\nVersion: 1.{'9' * 500}\n")
        _write(self.site, "tall-1.dist-info/top_level.txt", "tall\n")
        found, _ = environment.distributions(["tall"], [self.site])
        self.assertEqual(len(found["tall"]), environment.MAX_TEXT)


class ImportsMessageTest(unittest.TestCase):
    """The entry can write to the channel too: an ``imports`` message that is not a list of names is ignored."""

    def test_only_names_are_kept(self):
        run = orchestrator.WorkerProcess({"name": "e"}, None, None, "[1/1] e", lambda line: None)
        for modules, kept in ((["numpy", 3, None, "attr"], ["numpy", "attr"]), ({"numpy": 1}, []), (None, [])):
            run._handle({"event": "imports", "modules": modules})
            self.assertEqual(run.imported, kept)


@requires_processes
class RecordedEnvironmentTest(unittest.TestCase):
    """A real run: the worker reports what the entry imported, the parent records the distributions' versions."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="bytescope-envrun-")
        site, project = os.path.join(cls.root, "site"), os.path.join(cls.root, "project")
        _dist(site, "fake-numeric", "2.2.1", "fakenumeric")
        _dist(site, "not-imported", "1.0", "notimported")
        _write(project, "bench.py", "import json\nimport fakenumeric\n\n\ndef run():\n    return fakenumeric.VALUE\n")
        out = os.path.join(cls.root, "results.json")
        cls.done = bytescope(
            ["run", "--cwd", project, "--out", out, "--entry", "run=bench:run", "--repeat", "2", "--warmup", "0"],
            env={"PYTHONPATH": os.pathsep.join([PYTHON_DIR, site])},
        )
        with open(out, encoding="utf-8") as handle:
            cls.results = json.load(handle)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, True)

    def test_record_is_valid_and_names_what_ran(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertEqual(results_validator().errors(self.results), [])
        env = self.results["environment"]
        self.assertEqual(env["distributions"], {"fake-numeric": "2.2.1"})
        self.assertEqual(env["distributions_omitted"], 0)
        self.assertEqual(env["cpu_model"], environment.cpu_model())
        build = env["python_build"]
        self.assertEqual(build["sys_version"], " ".join(sys.version.split()))
        self.assertEqual(build["version"], platform.python_version())
        self.assertEqual(build["implementation"], platform.python_implementation())
        self.assertEqual(build["compiler"], platform.python_compiler())
        self.assertEqual(build["build"], " ".join(", ".join(platform.python_build()).split()))


if __name__ == "__main__":
    unittest.main()
