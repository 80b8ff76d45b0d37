"""``python -m bytescope run`` and ``python -m bytescope diff BASE.json HEAD.json``.

Exit statuses of ``run``: 0 every entry measured; 1 some entries failed (error or timeout; the results file is still
written); 2 usage error (nothing run); 3 harness failure (bytescope itself failed, or the file could not be written).
``diff``: 0 printed, 2 usage error (unreadable or foreign files), 3 harness failure.
"""

import argparse
import json
import signal
import sys
import traceback

from . import orchestrator, reaper, results
from .instructions import available_methods
from .settings import CONFIG_HELP, SettingsError, parse_number, resolve
from .table import TABLE, help_of
from .targets import TargetError, parse_entry

EXIT_OK, EXIT_FAILED_ENTRIES, EXIT_USAGE, EXIT_HARNESS = 0, 1, 2, 3


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and lets ``main`` return 2 instead of exiting."""

    def error(self, message):
        raise UsageError(message)


def _entry(text):
    try:
        return parse_entry(text)
    except TargetError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _number(text):
    try:
        return parse_number(text)
    except SettingsError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# How an option of each kind takes its value.
_OPTION_KINDS = {
    "int": {"type": _number, "metavar": "N"},
    "seconds": {"type": _number, "metavar": "SECONDS"},
    "bool": {"action": argparse.BooleanOptionalAction, "default": None},
    "path": {"metavar": "PATH"},
    "entries": {"action": "append", "type": _entry, "metavar": "[NAME=]TARGET"},
}


def _run_parser():
    parser = _Parser(
        prog="python -m bytescope run",
        description="Measure entry points, each in a fresh worker process, and write one results JSON.",
        epilog=CONFIG_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE.json", help="settings file (shape below); options override it")
    # Every option is a row of the settings table with a harnessFlag; its key in the config file is its dest.
    for row in TABLE["settings"]:
        flag = row["surfaces"].get("harnessFlag")
        if flag is None:
            continue
        dest = row["surfaces"].get("harness", row["key"].replace("-", "_"))
        if row["key"] == "instructions-method":
            kind = {"choices": available_methods()}
        else:
            kind = _OPTION_KINDS[row["kind"]]
        parser.add_argument(flag, dest=dest, help=help_of(row), **kind)
    return parser


def _diff_parser():
    parser = _Parser(
        prog="python -m bytescope diff",
        description="Bytecode diff of every captured function whose hash changed, with instruction and profile "
        "deltas, between two results files.",
    )
    parser.add_argument("base", metavar="BASE.json")
    parser.add_argument("head", metavar="HEAD.json")
    parser.add_argument("--json", action="store_true", help="emit the comparison as JSON")
    parser.add_argument("--context", type=int, default=3, metavar="N", help="unchanged instructions around changes")
    return parser


def _progress(line):
    print(line, file=sys.stderr, flush=True)


_STOPPING = (signal.SIGINT, signal.SIGTERM)


def _terminated(signum, frame):
    # GitHub follows its SIGINT with a SIGTERM: the second must not interrupt the cleanup the first started. (Not
    # SIG_IGN: a signal already pending when the handler changes would print a "race condition" warning.)
    for stopping in _STOPPING:
        signal.signal(stopping, _already_stopping)
    raise SystemExit(128 + signum)


def _already_stopping(signum, frame):
    pass


def _measure_unless_terminated(settings):
    """Measure; a SIGINT or SIGTERM (a cancelled job, a CI step's timeout) unwinds quietly, so the running worker's
    process group is killed on the way out instead of being left behind. Orphans the entries leave are adopted and
    killed too."""
    previous = {stopping: signal.signal(stopping, _terminated) for stopping in _STOPPING}
    try:
        with reaper.adopting_orphans():
            return orchestrator.measure(settings, _progress)
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)


def run(argv):
    options = vars(_run_parser().parse_args(argv))
    config = options.pop("config")
    try:
        settings = resolve(options, config)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    entries, failures, imported = _measure_unless_terminated(settings)
    document = results.document(settings, entries, imported)
    try:
        results.write(settings.out, document)
    except (OSError, ValueError) as error:
        _progress(f"bytescope run: cannot write {settings.out}: {error}")
        return EXIT_HARNESS
    for failure in failures:
        _progress(f"bytescope run: harness failure: {failure}")
    failed = sum(entry["status"] != "ok" for entry in entries)
    _progress(f"bytescope run: {len(entries) - failed}/{len(entries)} entries measured -> {settings.out}")
    if failures:
        return EXIT_HARNESS
    return EXIT_FAILED_ENTRIES if failed else EXIT_OK


def diff_files(argv):
    from . import diff  # here: every measuring run would load the bytecode diff for nothing

    options = _diff_parser().parse_args(argv)
    try:
        base, head = results.load(options.base), results.load(options.head)
    except ValueError as error:
        raise UsageError(str(error)) from None
    comparison = diff.compare(options.base, base, options.head, head)
    if options.json:
        json.dump(diff.to_json_data(comparison), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(diff.render(comparison, options.context))
    return EXIT_OK


def main(command, argv):
    handlers = {"run": run, "diff": diff_files}
    try:
        return handlers[command](argv)
    except UsageError as error:
        print(f"python -m bytescope {command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # a bug in bytescope: exit 3, never 1, which would read as "some entries failed"
        traceback.print_exc()
        print(f"bytescope {command}: harness failure (a bug in bytescope; the traceback is above)", file=sys.stderr)
        return EXIT_HARNESS
