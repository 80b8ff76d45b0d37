"""``python -m bytescope COMMAND ...``: one entry point, each command served by the library that owns it."""

import importlib
import sys

USAGE = """\
usage: python -m bytescope COMMAND [ARGS...]

bytecode visualizer:
  ast FILE            the AST with node types, kinds, fields and positions
  dis FILE            explained, colour-annotated disassembly
  stack FILE          the symbolic value stack after every instruction
  diff FILE OTHER     side-by-side bytecode diff of two sources
  json FILE           the analysis as JSON
profiler:
  profile SCRIPT|-m MODULE [ARGS...]   profile a script, like python -m cProfile
  compare A.json B.json                compare two saved profiles
harness:
  run --entry [NAME=]TARGET ... --out results.json   measure entry points
  diff BASE.json HEAD.json                           bytecode and profile diff of two results files

Run 'python -m bytescope COMMAND --help' for a command's options.
"""

# command -> the subpackage whose ``cli.main(command, argv)`` serves it
COMMANDS = {
    "ast": "bytecode",
    "dis": "bytecode",
    "stack": "bytecode",
    "json": "bytecode",
    "profile": "profiling",
    "compare": "profiling",
    "run": "harness",
}


def _owner(command, argv):
    if command == "diff":
        # Two results files are the harness's diff; anything else is two sources for the visualizer.
        files = [a for a in argv if not a.startswith("-")][:2]
        if len(files) == 2 and all(f.endswith(".json") for f in files):
            return "harness"
        return "bytecode"
    return COMMANDS.get(command)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        from . import __version__

        print(f"bytescope {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    owner = _owner(command, rest)
    if owner is None:
        sys.stderr.write(f"bytescope: unknown command {command!r}\n\n{USAGE}")
        return 2
    cli = importlib.import_module(f"bytescope.{owner}.cli")
    return cli.main(command, rest)


if __name__ == "__main__":
    sys.exit(main())
