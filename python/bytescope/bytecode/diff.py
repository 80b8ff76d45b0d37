"""Bytecode diff of normalised instructions: function by function, aligned, with category deltas.

Works from the normalised-instruction dicts alone (see :mod:`.normalize`), so the harness can diff instructions
stored in two results files without any code objects.

Alignment: instructions are first aligned on ``(opname, argrepr)`` with jump labels abstracted, so an inserted
instruction that renumbers every later label is still one ``insert``; aligned jumps are then compared by structure
(does the base target align with the head target?) and become a ``replace`` only when the target really moved.
"""

import difflib
import json
import re
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from .normalize import count_categories, normalize_module
from .render import fit
from .source import compile_source

_LABEL_ARG = re.compile(r"^to (L\d+)$")
_MARKERS = {"equal": " ", "replace": "~", "insert": "+", "delete": "-"}


class DiffOp(NamedTuple):
    """One aligned run: ``equal`` and ``replace`` pair ``base[k]`` with ``head[k]``; ``insert`` and ``delete`` are
    one-sided."""

    tag: str
    base: Tuple[dict, ...]
    head: Tuple[dict, ...]

    def to_dict(self) -> dict:
        return {"tag": self.tag, "base": list(self.base), "head": list(self.head)}


class FunctionDiff(NamedTuple):
    qualname: str
    status: str  # unchanged | changed | added | removed
    ops: Tuple[DiffOp, ...]
    category_deltas: Dict[str, int]
    base_count: int
    head_count: int

    def to_dict(self) -> dict:
        return {
            "qualname": self.qualname,
            "status": self.status,
            "base_count": self.base_count,
            "head_count": self.head_count,
            "category_deltas": dict(self.category_deltas),
            "ops": [op.to_dict() for op in self.ops],
        }

    def render(self, context: Optional[int] = 3) -> str:
        return render_function_diff(self, context)


class SourceDiff(NamedTuple):
    functions: Tuple[FunctionDiff, ...]

    @property
    def category_deltas(self) -> Dict[str, int]:
        return _sum_deltas(f.category_deltas for f in self.functions)

    def summary(self) -> Dict[str, int]:
        counts = dict.fromkeys(("changed", "added", "removed", "unchanged"), 0)
        for f in self.functions:
            counts[f.status] += 1
        return counts

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "category_deltas": self.category_deltas,
            "functions": [f.to_dict() for f in self.functions],
        }

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def render(self, context: Optional[int] = 3) -> str:
        return render_source_diff(self, context)


# -- alignment ---------------------------------------------------------------------------------------------------


def _target(instr: dict) -> Optional[str]:
    m = _LABEL_ARG.match(instr["argrepr"])
    return m.group(1) if m else None


def _shape(instr: dict) -> Tuple[str, str]:
    """The alignment key: opname and argrepr, with a jump's label replaced by a placeholder."""
    return instr["opname"], "to L" if _target(instr) else instr["argrepr"]


def _align(base: Sequence[dict], head: Sequence[dict]) -> List[Tuple[str, List[int], List[int]]]:
    """Aligned runs of indices; ``replace`` runs always pair one base with one head instruction."""
    runs = []
    matcher = difflib.SequenceMatcher(None, [_shape(i) for i in base], [_shape(i) for i in head], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            runs.append((tag, list(range(i1, i2)), list(range(j1, j2))))
            continue
        # Inside a changed stretch, pair instructions with the same opname (an argument changed) before
        # pairing leftovers one to one; the rest are inserts and deletes.
        sub = difflib.SequenceMatcher(
            None, [i["opname"] for i in base[i1:i2]], [i["opname"] for i in head[j1:j2]], autojunk=False
        )
        for stag, a1, a2, b1, b2 in sub.get_opcodes():
            bi, hj = list(range(i1 + a1, i1 + a2)), list(range(j1 + b1, j1 + b2))
            if stag in ("equal", "replace"):
                paired = min(len(bi), len(hj))
                runs.append(("replace", bi[:paired], hj[:paired]))
                bi, hj = bi[paired:], hj[paired:]
            if bi:
                runs.append(("delete", bi, []))
            if hj:
                runs.append(("insert", [], hj))
    return runs


def _split_moved_jumps(runs, base, head):
    """Turn aligned jumps whose targets do not correspond into ``replace`` pairs."""
    label_map = {}
    for tag, bi, hj in runs:
        if tag == "equal":
            for b, h in zip(bi, hj):
                if base[b]["label"] and head[h]["label"]:
                    label_map[base[b]["label"]] = head[h]["label"]
    out = []
    for tag, bi, hj in runs:
        if tag != "equal":
            out.append((tag, bi, hj))
            continue
        for b, h in zip(bi, hj):
            bt = _target(base[b])
            same = bt is None or label_map.get(bt) == _target(head[h])
            out.append(("equal" if same else "replace", [b], [h]))
    return out


def diff_instructions(base: Sequence[dict], head: Sequence[dict], qualname: str = "") -> FunctionDiff:
    """Align two functions' normalised instructions."""
    runs = _split_moved_jumps(_align(base, head), base, head)
    ops: List[DiffOp] = []
    for tag, bi, hj in runs:
        if not bi and not hj:
            continue
        b, h = tuple(base[i] for i in bi), tuple(head[j] for j in hj)
        if ops and ops[-1].tag == tag:
            ops[-1] = DiffOp(tag, ops[-1].base + b, ops[-1].head + h)
        else:
            ops.append(DiffOp(tag, b, h))
    changed = any(op.tag != "equal" for op in ops)
    deltas = _sum_deltas([count_categories(head), {k: -v for k, v in count_categories(base).items()}])
    return FunctionDiff(qualname, "changed" if changed else "unchanged", tuple(ops), deltas, len(base), len(head))


def _sum_deltas(parts) -> Dict[str, int]:
    total: Dict[str, int] = {}
    for part in parts:
        for k, v in part.items():
            total[k] = total.get(k, 0) + v
    return {k: v for k, v in sorted(total.items(), key=lambda kv: (-abs(kv[1]), kv[0])) if v}


def diff_functions(base: Dict[str, List[dict]], head: Dict[str, List[dict]]) -> SourceDiff:
    """Diff two ``qualname -> normalised instructions`` maps: head's functions in order, then removed ones."""
    functions = []
    for qualname in list(head) + [q for q in base if q not in head]:
        b, h = base.get(qualname), head.get(qualname)
        fd = diff_instructions(b or [], h or [], qualname)
        if b is None:
            fd = fd._replace(status="added")
        elif h is None:
            fd = fd._replace(status="removed")
        functions.append(fd)
    return SourceDiff(tuple(functions))


# -- rendering ---------------------------------------------------------------------------------------------------


_ARG_WIDTH = 48  # the base column is as wide as its longest cell: a long constant is cut, not padded to


def _cell(instr: Optional[dict]) -> str:
    if instr is None:
        return ""
    label = f"{instr['label']}:" if instr["label"] else ""
    cell = f"{label:>5} {instr['opname']} {fit(instr['argrepr'], _ARG_WIDTH)}".rstrip()
    executed = instr.get("executed")  # from a results file's instruction pass: how often it ran in one call
    if executed is not None:
        cell += f"  {executed:,}x" if executed else "  cold"
    return cell


def _rows(fd: FunctionDiff, context: Optional[int]):
    rows = []
    for op in fd.ops:
        n = max(len(op.base), len(op.head))
        for k in range(n):
            b = op.base[k] if k < len(op.base) else None
            h = op.head[k] if k < len(op.head) else None
            rows.append((op.tag, b, h))
    if context is None:
        return rows
    keep = [False] * len(rows)
    for k, (tag, _, _) in enumerate(rows):
        if tag != "equal":
            for j in range(max(0, k - context), min(len(rows), k + context + 1)):
                keep[j] = True
    out, skipped = [], 0
    for k, row in enumerate(rows):
        if keep[k]:
            if skipped:
                out.append(("skip", skipped, None))
                skipped = 0
            out.append(row)
        else:
            skipped += 1
    if skipped:
        out.append(("skip", skipped, None))
    return out


def format_deltas(deltas: Dict[str, int]) -> str:
    return ", ".join(f"{k} {v:+d}" for k, v in deltas.items()) or "none"


def render_function_diff(fd: FunctionDiff, context: Optional[int] = 3) -> str:
    lines = [f"{fd.qualname}: {fd.status} ({fd.base_count} -> {fd.head_count} instructions)"]
    if fd.status == "unchanged":
        return lines[0]
    lines.append(f"  category deltas: {format_deltas(fd.category_deltas)}")
    rows = _rows(fd, context)
    width = max([len(_cell(b)) for tag, b, _ in rows if tag != "skip"] + [len("base")])
    lines.append(f"    {'base':<{width}} | head")
    for tag, b, h in rows:
        if tag == "skip":
            lines.append(f"    {'... ' + str(b) + ' unchanged':<{width}} | ...")
        else:
            lines.append(f"  {_MARKERS[tag]} {_cell(b):<{width}} | {_cell(h)}".rstrip())
    return "\n".join(lines)


def render_source_diff(diff: SourceDiff, context: Optional[int] = 3) -> str:
    summary = ", ".join(f"{n} {status}" for status, n in diff.summary().items())
    out = [f"bytecode diff: {summary}", f"category deltas: {format_deltas(diff.category_deltas)}"]
    unchanged = [f.qualname for f in diff.functions if f.status == "unchanged"]
    for f in diff.functions:
        if f.status != "unchanged":
            out += ["", render_function_diff(f, context)]
    if unchanged:
        out += ["", f"unchanged: {', '.join(unchanged)}"]
    return "\n".join(out) + "\n"


def diff_sources(base_source: str, head_source: str, base_filename: str = "<base>", head_filename: str = "<head>"):
    """Bytecode diff of two Python sources, function by function (every code object, keyed by qualname)."""
    return diff_functions(
        normalize_module(compile_source(base_source, base_filename)),
        normalize_module(compile_source(head_source, head_filename)),
    )
