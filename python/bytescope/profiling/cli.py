"""``python -m bytescope profile ...`` and ``python -m bytescope compare A.json B.json``."""

import argparse
import os
import runpy
import sys
import traceback

from .profiler import CLOCKS, SORT_KEYS, Profiler
from .render import compare as render_compare
from .result import ProfileData, ProfileError


class UsageError(Exception):
    """A mistake on the command line: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _profile_parser():
    parser = _Parser(
        prog="python -m bytescope profile",
        description="Run a script or module under the bytescope profiler and print its report, like "
        "python -m cProfile. Everything after SCRIPT (or -m MODULE) is passed to it.",
        usage="%(prog)s [options] (SCRIPT | -m MODULE) [ARGS ...]",
    )
    parser.add_argument("--memory", action="store_true", help="also measure memory with tracemalloc")
    parser.add_argument("--sort", choices=SORT_KEYS, default="total", help="order of the function table")
    parser.add_argument("--limit", type=int, default=30, help="functions in the table (default 30; 0 for all)")
    parser.add_argument("--tree", action="store_true", help="also print the call tree")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall (default) or cpu time")
    parser.add_argument("--threads", action="store_true", help="profile every thread, not only the main one")
    parser.add_argument("--no-builtins", action="store_true", help="leave C functions out of the profile")
    parser.add_argument("--json", metavar="OUT", help="save the profile as JSON (python -m bytescope compare)")
    parser.add_argument("--speedscope", metavar="OUT", help="save a speedscope file (https://speedscope.app)")
    parser.add_argument("--pstats", metavar="OUT", help="save a pstats file (pstats, snakeviz, gprof2dot)")
    parser.add_argument("--collapsed", metavar="OUT", help="save collapsed stacks (flamegraph.pl)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the report")
    return parser


def _split_target(argv, parser):
    """Our options, then the target: ``-m MODULE`` or the first argument that is not an option of ours.

    Everything after the target belongs to the profiled program, even when it looks like one of our options.
    """
    takes_value = {option for action in parser._actions if action.nargs != 0 for option in action.option_strings}
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "-m":
            if index + 1 >= len(argv):
                raise UsageError("argument -m: expected a module name")
            return argv[:index], ("module", argv[index + 1]), argv[index + 2 :]
        if arg == "--":
            if index + 1 >= len(argv):
                break
            return argv[:index], ("script", argv[index + 1]), argv[index + 2 :]
        if not arg.startswith("-") or arg == "-":
            return argv[:index], ("script", arg), argv[index + 1 :]
        index += 2 if arg in takes_value else 1
    return argv, None, []


def _load_target(kind, name):
    """Compile the program before profiling starts (like cProfile), so the profile holds only its run.
    Returns (code, globals, argv[0])."""
    if kind == "script":
        if not os.path.isfile(name):
            raise UsageError(f"no such script: {name}")
        with open(name, "rb") as file:
            source = file.read()
        # Named by its absolute path, as Python names a script it runs: one script profiled as demo.py and as
        # /src/demo.py is the same code in two saved profiles.
        path = os.path.abspath(name)
        code = compile(source, path, "exec")
        return code, {"__name__": "__main__", "__file__": path, "__package__": None, "__cached__": None}, name
    try:
        # The lookup runpy itself (and cProfile) uses: handles packages (their __main__) and namespace errors.
        _, spec, code = runpy._get_module_details(name)
    except ImportError as error:
        raise UsageError(str(error).replace("No module", "no module")) from None
    return code, {
        "__name__": "__main__",
        "__file__": spec.origin,
        "__package__": spec.parent,
        "__loader__": spec.loader,
        "__spec__": spec,
        "__cached__": None,
    }, spec.origin


def _execute(code, namespace):
    # A frame of this package: the exec() it makes is recognised as the profiler's, so the program's <module> is
    # the top of the profile.
    exec(code, namespace)


def _print_program_error(error):
    """The program's exception, shown as Python shows it: without the profiler's frames."""
    tb = error.__traceback__
    while tb is not None and os.path.dirname(tb.tb_frame.f_code.co_filename) == os.path.dirname(__file__):
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)


def _profile(argv):
    parser = _profile_parser()
    ours, target, args = _split_target(argv, parser)
    options = parser.parse_args(ours)
    if target is None:
        raise UsageError("expected a SCRIPT or -m MODULE to profile")
    kind, name = target
    if options.limit < 0:
        raise UsageError(f"--limit must be 0 or more, not {options.limit}")
    for option in ("json", "speedscope", "pstats", "collapsed"):
        path = getattr(options, option)
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise UsageError(f"--{option}: directory of {path} does not exist")

    try:
        code, namespace, program = _load_target(kind, name)
    except SyntaxError as error:
        _print_program_error(error)
        return 1
    namespace["__builtins__"] = __builtins__
    profiler = Profiler(
        memory=options.memory, clock=options.clock, builtins=not options.no_builtins, threads=options.threads
    )
    status, failure = 0, None
    saved_argv, saved_path0 = sys.argv[:], sys.path[0]
    sys.argv = [program] + args
    sys.path[0] = os.path.dirname(os.path.abspath(program)) if kind == "script" else os.getcwd()
    profiler.start()
    try:
        _execute(code, namespace)
    except SystemExit as exit_:
        status = _exit_status(exit_.code)
    except BaseException as error:  # the program's own failure: shown like Python would, after the profile stops
        status, failure = 1, error
    finally:
        profiler.stop()
        sys.argv, sys.path[0] = saved_argv, saved_path0
    if failure is not None:
        _print_program_error(failure)

    if options.json:
        profiler.save(options.json)
    if options.speedscope:
        profiler.save_speedscope(options.speedscope, name=os.path.basename(name))
    if options.pstats:
        profiler.dump_stats(options.pstats)
    if options.collapsed:
        profiler.save_collapsed(options.collapsed)
    if not options.quiet:
        _stdout().write(profiler.report(sort=options.sort, limit=options.limit or None, tree=options.tree))
    return status


def _exit_status(code):
    """The exit status ``sys.exit(code)`` gives, printing a non-integer code the way the interpreter does."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


def _stdout():
    # Programs such as json.tool close sys.stdout; its file descriptor stays open, so the report still gets out.
    if not sys.stdout.closed:
        return sys.stdout
    return open(1, "w", encoding=sys.getdefaultencoding(), errors="replace", closefd=False)


def _compare(argv):
    parser = _Parser(
        prog="python -m bytescope compare",
        description="Compare two profiles saved with --json (or Profiler.save): before, then after.",
    )
    parser.add_argument("before", help="profile JSON of the earlier run")
    parser.add_argument("after", help="profile JSON of the later run")
    parser.add_argument("--limit", type=int, default=30, help="functions shown (default 30; 0 for all)")
    options = parser.parse_args(argv)
    try:
        before, after = ProfileData.load(options.before), ProfileData.load(options.after)
    except ProfileError as error:
        raise UsageError(str(error)) from None
    sys.stdout.write(render_compare(before, after, limit=options.limit or None))
    return 0


def main(command, argv):
    commands = {"profile": _profile, "compare": _compare}
    prog = f"python -m bytescope {command}"
    try:
        if command not in commands:
            raise UsageError(f"unknown command {command!r} (expected profile or compare)")
        return commands[command](list(argv))
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
