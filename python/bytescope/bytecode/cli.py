"""``python -m bytescope ast|dis|stack|diff|json``: the visualizer on the command line."""

import argparse
import sys
from typing import List, Optional, Tuple

from . import source as sources
from .source import SourceError
from .visualizer import BytecodeVisualizer

_DESCRIPTIONS = {
    "ast": "Print the AST with node types, kinds, fields and source positions.",
    "dis": "Print the explained, colour-annotated disassembly of every code object.",
    "stack": "Print the symbolic value stack after every instruction.",
    "diff": "Print a side-by-side bytecode diff of two sources, function by function.",
    "json": "Print the whole analysis as JSON.",
}
_COLOR = {"auto": None, "always": True, "never": False}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser(command: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"python -m bytescope {command}", description=_DESCRIPTIONS[command])
    n = "two sources" if command == "diff" else "a source"
    p.add_argument("files", nargs="*", metavar="FILE", help=f"{n}: Python files, or - for stdin")
    p.add_argument("-c", dest="code", action="append", default=[], metavar="CODE", help="source given as a string")
    p.add_argument("--function", metavar="QUALNAME", help="only this function or class body (e.g. C.m, f.<locals>.g)")
    if command in ("dis", "stack"):
        p.add_argument("--color", choices=tuple(_COLOR), default="auto", help="ANSI colour by category")
    if command == "diff":
        p.add_argument("--json", action="store_true", help="print the structured diff as JSON")
        p.add_argument(
            "--context", type=int, default=3, metavar="N", help="unchanged instructions shown around changes"
        )
        p.add_argument("--full", action="store_true", help="show every instruction, not just changes with context")
    return p


def _load(args, count: int, parser) -> List[Tuple[str, str]]:
    """``(source, filename)`` for each -c CODE, then each FILE, exactly ``count`` of them."""
    given = len(args.code) + len(args.files)
    if given != count:
        parser.error(f"expected {'two sources' if count == 2 else 'one source'} (FILE, - or -c CODE), got {given}")
    if args.files.count("-") > 1:
        parser.error("stdin (-) can be read only once")
    loaded = [(code, "<string>") for code in args.code]
    loaded += [(sources.read(path), "<stdin>" if path == "-" else path) for path in args.files]
    return loaded


def main(command: str, argv: Optional[List[str]] = None) -> int:
    if command not in _DESCRIPTIONS:
        sys.stderr.write(f"bytescope: unknown bytecode command {command!r}\n")
        return 2
    parser = _parser(command)
    args = parser.parse_args(argv)
    try:
        loaded = _load(args, 2 if command == "diff" else 1, parser)
        (text, filename) = loaded[0]
        v = BytecodeVisualizer(text, filename, function=args.function if command != "diff" else None)
        if command == "ast":
            out = v.show_ast()
        elif command == "dis":
            out = v.show_bytecode(color=_COLOR[args.color])
        elif command == "stack":
            out = v.show_stack_trace(color=_COLOR[args.color])
        elif command == "json":
            out = v.to_json() + "\n"
        else:
            out = _diff(v, loaded[1], args)
    except SourceError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
    return 0


def _diff(v: BytecodeVisualizer, other: Tuple[str, str], args) -> str:
    diff = v.diff(*other)
    if args.function:
        names = [f.qualname for f in diff.functions]
        if args.function not in names:
            raise SourceError(f"no function or code object named {args.function!r}; available: {', '.join(names)}")
        diff = type(diff)(tuple(f for f in diff.functions if f.qualname == args.function))
    if args.json:
        return diff.to_json() + "\n"
    return diff.render(None if args.full else max(args.context, 0))
