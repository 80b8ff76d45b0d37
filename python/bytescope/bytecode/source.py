"""Reading and compiling user source, with one clear error for each way it can be wrong."""

import ast
import io
import sys
import tokenize
from types import CodeType


class SourceError(Exception):
    """Bad user input: the message is complete and meant to be shown as is, without a traceback."""


def decode(data: bytes, filename: str) -> str:
    """Decode source bytes the way the interpreter does (PEP 263 cookie or BOM, else UTF-8)."""
    if b"\0" in data:
        raise SourceError(f"{filename}: binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # a bad cookie, or no cookie and not UTF-8: the UTF-8 decode below says where
        encoding = "utf-8"
        if "unknown encoding" in str(exc) or "encoding problem" in str(exc):
            raise SourceError(f"{filename}: {exc}") from None
    try:
        return data.decode(encoding)
    except LookupError:
        raise SourceError(f"{filename}: unknown source encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{filename}:{line}: cannot decode as {encoding} Python source: byte {data[exc.start]:#04x} ({exc.reason});"
            " add a coding declaration (PEP 263) if the file uses another encoding"
        ) from None


def read(path: str) -> str:
    """The text of a source file, or of stdin for ``-``."""
    try:
        if path == "-":
            return decode(sys.stdin.buffer.read(), "<stdin>")
        with open(path, "rb") as f:
            return decode(f.read(), path)
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from None


def format_syntax_error(exc: SyntaxError, filename: str) -> str:
    """``file:line:col: message``, the offending line and a caret under the column."""
    line, col = exc.lineno or 0, exc.offset or 0
    out = f"{exc.filename or filename}:{line}:{col}: {type(exc).__name__}: {exc.msg}"
    text = (exc.text or "").rstrip("\r\n")
    if text:
        stripped = text.lstrip()
        caret_col = max(col - 1 - (len(text) - len(stripped)), 0)
        out += f"\n    {stripped}\n    {' ' * caret_col}^"
    return out


def parse(source: str, filename: str = "<string>") -> ast.Module:
    try:
        return ast.parse(source, filename)
    except (SyntaxError, ValueError) as exc:
        raise SourceError(_compile_error(exc, filename)) from None


def compile_source(source: str, filename: str = "<string>") -> CodeType:
    try:
        return compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise SourceError(_compile_error(exc, filename)) from None


def _compile_error(exc: Exception, filename: str) -> str:
    if isinstance(exc, SyntaxError):
        return format_syntax_error(exc, filename)
    return f"{filename}: {exc}"  # e.g. "source code string cannot contain null bytes"
