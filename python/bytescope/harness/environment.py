"""What the machine and the interpreter were, so a comparison can tell a code change from an environment change.

Time measured on another CPU model or another build of Python is not comparable with this run's; the versions of
the distributions the entries imported explain differences the code does not.  Every probe is best-effort: a
failure gives ``None`` (or leaves a distribution out), never an error, since the measurement matters more.
"""

import platform
import subprocess
import sys

# A results file lists at most this many distributions (the entries' imports, by name); the rest are counted.
MAX_DISTRIBUTIONS = 100
MAX_TEXT = 200  # CPU model and version strings come from the system; keep them to a readable size


def _bounded(text):
    text = " ".join(str(text).split())  # one line: /proc/cpuinfo pads with runs of spaces
    return text[:MAX_TEXT] or None


def _linux_cpu_model(cpuinfo="/proc/cpuinfo"):
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return None
    fields = {key.strip().lower(): value.strip() for key, value in fields.items()}
    # x86 says "model name"; ARM kernels say "Hardware" or nothing readable, other architectures "cpu" or "uarch".
    for key in ("model name", "hardware", "cpu model", "uarch", "cpu"):
        if fields.get(key):
            return fields[key]
    return None


def _macos_cpu_model():
    try:
        done = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def cpu_model(system=None, cpuinfo="/proc/cpuinfo"):
    """The processor's model name, e.g. ``AMD EPYC 7763 64-Core Processor``; ``None`` when the system does not say."""
    system = system or platform.system()
    if system == "Linux":
        model = _linux_cpu_model(cpuinfo)
    elif system == "Darwin":
        model = _macos_cpu_model()
    else:
        model = None
    # Windows names the model here; elsewhere it is often only the architecture, still better than nothing.
    return _bounded(model or platform.processor() or "")


def python_build():
    """Which build of Python ran: two builds of one version (another compiler, other flags) run code at other speeds."""
    build_name, build_date = platform.python_build()
    return {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "sys_version": _bounded(sys.version),
        "build": _bounded(f"{build_name}, {build_date}"),
        "compiler": _bounded(platform.python_compiler()),
    }


def record():
    """The machine and interpreter part of the results' environment, collected by the parent process."""
    return {"cpu_model": cpu_model(), "python_build": python_build()}


def _stdlib_names():
    return getattr(sys, "stdlib_module_names", frozenset()) | set(sys.builtin_module_names)


def loaded_top_level(before):
    """Top-level names of the modules imported since ``before`` (a set of ``sys.modules`` keys), stdlib left out."""
    stdlib = _stdlib_names()
    names = {name.partition(".")[0] for name in list(sys.modules) if name not in before}
    return sorted(names - stdlib)


def _top_level(dist):
    """The top-level modules a distribution installs: its top_level.txt, else the first part of each file it lists."""
    listed = (dist.read_text("top_level.txt") or "").split()
    if listed:
        return set(listed)
    return {file.parts[0] if len(file.parts) > 1 else file.stem for file in dist.files or ()}


def distributions(top_level_names, path, limit=MAX_DISTRIBUTIONS):
    """``({name: version}, omitted)``: the distributions on ``path`` (the workers' sys.path) that provide any of
    ``top_level_names``; where one name is installed twice, the first on the path is the one that was imported."""
    from importlib import metadata

    wanted = set(top_level_names)
    found = {}
    for dist in metadata.distributions(path=list(path)):
        try:
            fields = dist.metadata
            name, version = _bounded(fields.get("Name") or ""), _bounded(fields.get("Version") or "")
            if name and version and name not in found and _top_level(dist) & wanted:
                found[name] = version
        except Exception:  # noqa: BLE001 - one distribution's broken metadata must not cost the record
            continue
    names = sorted(found, key=str.lower)
    return {name: found[name] for name in names[:limit]}, max(0, len(names) - limit)
