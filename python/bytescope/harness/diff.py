"""``diff BASE.json HEAD.json``: what changed between two results files, from the files alone.

Collect (:func:`compare`) builds one plain dict - per entry: the bytecode diff of every captured function whose hash
changed (the visualizer's aligned diff and category deltas, each instruction with how often it ran when the
instruction pass counted it, and where the function's executed-instruction delta comes from), executed-instruction
deltas and per-function profile deltas - and :func:`render` turns it into text; ``--json`` prints the dict itself.
"""

from ..bytecode.diff import diff_instructions, format_deltas
from .executed import breakdown, describe, with_executed
from .pairing import pair, renamed

TOP_PROFILE_CHANGES = 15


def _minor(results):
    return ".".join(results["environment"]["python_version"].split(".")[:2])


def _change(base, head):
    return None if not base or head is None else (head - base) / base


def _side(path, results):
    env = results["environment"]
    return {"path": path, "python_version": env["python_version"], "commit": env.get("commit")}


def _executed_delta(base_entry, head_entry):
    before, after = base_entry.get("instructions"), head_entry.get("instructions")
    return after["total"] - before["total"] if before and after else None


def _as_head(rows, pairs):
    """Base rows keyed by the head function each one is, or, without a partner, by a key no head function has."""
    keyed = {}
    for (filename, name), row in rows.items():
        partner = pairs.get((filename, name), name)
        keyed[(filename, partner) if partner is not None else (filename, name, "base only")] = row
    return keyed


def _function_changes(base_entry, head_entry, pairs):
    base = _as_head({(f["filename"], f["qualname"]): f for f in base_entry.get("functions") or []}, pairs)
    head = {(f["filename"], f["qualname"]): f for f in head_entry.get("functions") or []}
    changes = []
    for key in list(head) + [k for k in base if k not in head]:
        before, after = base.get(key), head.get(key)
        if before is not None and after is not None and before["hash"] == after["hash"]:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        diff = diff_instructions(with_executed(before), with_executed(after), key[1])._replace(status=status)
        changes.append(
            {
                "qualname": key[1],
                "base_qualname": before and before["qualname"],
                "filename": key[0],
                "status": status,
                "base_hash": before and before["hash"],
                "head_hash": after and after["hash"],
                "diff": diff,
                "executed": breakdown(diff, _executed_delta(base_entry, head_entry)),
            }
        )
    return changes


def _profile_changes(base_entry, head_entry, pairs):
    def rows(entry):
        profile = entry.get("profile") or {}
        return {(r["filename"], r["qualname"]): r for r in profile.get("functions") or []}

    base, head = _as_head(rows(base_entry), pairs), rows(head_entry)
    changes = []
    for key in list(head) + [k for k in base if k not in head]:
        before, after = base.get(key, {}), head.get(key, {})
        if before == after:
            continue
        change = {"qualname": key[1], "filename": key[0]}
        for field in ("calls", "own_ns", "total_ns"):
            change[f"base_{field}"] = before.get(field)
            change[f"head_{field}"] = after.get(field)
        changes.append(change)

    def weight(change):
        return abs((change["head_total_ns"] or 0) - (change["base_total_ns"] or 0))

    return sorted(changes, key=weight, reverse=True)[:TOP_PROFILE_CHANGES]


def _instruction_changes(base_entry, head_entry, pairs):
    before, after = base_entry.get("instructions"), head_entry.get("instructions")
    if not before or not after:
        return None
    base = _as_head({(f["filename"], f["qualname"]): f["count"] for f in before["functions"]}, pairs)
    head = {(f["filename"], f["qualname"]): f["count"] for f in after["functions"]}
    functions = [
        {"qualname": key[1], "filename": key[0], "base": base.get(key), "head": head.get(key)}
        for key in list(head) + [k for k in base if k not in head]
        if base.get(key) != head.get(key)
    ]
    functions.sort(key=lambda f: abs((f["head"] or 0) - (f["base"] or 0)), reverse=True)
    return {
        "base_total": before["total"],
        "head_total": after["total"],
        "change": _change(before["total"], after["total"]),
        "functions": functions[:TOP_PROFILE_CHANGES],
    }


def _headline(base_entry, head_entry, section, field):
    """One metric of both sides, e.g. the median time, with its relative change; None when a side lacks it."""
    before, after = base_entry.get(section), head_entry.get(section)
    if not before or not after:
        return None
    return {"base": before[field], "head": after[field], "change": _change(before[field], after[field])}


def compare(base_path, base, head_path, head):
    same_python = _minor(base) == _minor(head)
    notice = None
    if not same_python:
        notice = (
            f"base ran on Python {_minor(base)}, head on Python {_minor(head)}: bytecode, hashes and instruction "
            "counts differ between minor versions, so function changes below may not be code changes"
        )
    base_entries = {e["name"]: e for e in base["entries"]}
    head_entries = {e["name"]: e for e in head["entries"]}
    entries = []
    for name in list(head_entries) + [n for n in base_entries if n not in head_entries]:
        before, after = base_entries.get(name), head_entries.get(name)
        if before is None or after is None:
            entries.append({"name": name, "status": "added" if before is None else "removed"})
            continue
        pairs = pair(before, after)
        entries.append(
            {
                "name": name,
                "status": "compared",
                "pairs": renamed(pairs),
                "base_status": before["status"],
                "head_status": after["status"],
                "median_ns": _headline(before, after, "time", "median_ns"),
                "peak_bytes": _headline(before, after, "memory", "peak_bytes"),
                "functions": _function_changes(before, after, pairs),
                "instructions": _instruction_changes(before, after, pairs),
                "profile": _profile_changes(before, after, pairs),
            }
        )
    return {
        "base": _side(base_path, base),
        "head": _side(head_path, head),
        "same_python": same_python,
        "notice": notice,
        "entries": entries,
    }


def to_json_data(comparison):
    """The comparison as plain data: each function's ``FunctionDiff`` as its ``to_dict()``."""
    entries = []
    for entry in comparison["entries"]:
        if "functions" in entry:
            entry = dict(entry, functions=[dict(f, diff=f["diff"].to_dict()) for f in entry["functions"]])
        entries.append(entry)
    return dict(comparison, entries=entries)


def _ms(ns):
    return "-" if ns is None else f"{ns / 1e6:.3f}"


def _percent(change):
    return "" if change is None else f" ({change:+.1%})"


def _describe(side):
    commit = f", {side['commit'][:12]}" if side.get("commit") else ""
    return f"{side['path']} (Python {side['python_version']}{commit})"


def render(comparison, context=3):
    lines = []
    if comparison["notice"]:
        lines += [f"note: {comparison['notice']}", ""]
    lines.append(f"bytescope diff: {_describe(comparison['base'])} -> {_describe(comparison['head'])}")
    for entry in comparison["entries"]:
        lines += ["", f"== {entry['name']} =="]
        if entry["status"] != "compared":
            lines.append(f"only in {'head' if entry['status'] == 'added' else 'base'}")
            continue
        if entry["base_status"] != "ok" or entry["head_status"] != "ok":
            lines.append(f"status: {entry['base_status']} -> {entry['head_status']}")
        if entry["median_ns"]:
            median = entry["median_ns"]
            lines.append(f"median time: {_ms(median['base'])} ms -> {_ms(median['head'])} ms{_percent(median['change'])}")
        if entry["peak_bytes"]:
            peak = entry["peak_bytes"]
            lines.append(f"memory peak: {peak['base']:,} B -> {peak['head']:,} B{_percent(peak['change'])}")
        instructions = entry["instructions"]
        if instructions:
            lines.append(
                f"instructions executed: {instructions['base_total']:,} -> {instructions['head_total']:,}"
                f"{_percent(instructions['change'])}"
            )
            for f in instructions["functions"]:
                lines.append(f"  {f['qualname']} ({f['filename']}): {f['base'] or 0:,} -> {f['head'] or 0:,}")
        if entry["profile"]:
            lines.append("profile, largest changes in total time (ms: own base -> head, total base -> head, calls):")
            for row in entry["profile"]:
                lines.append(
                    f"  {row['qualname']} ({row['filename']}): own {_ms(row['base_own_ns'])} -> "
                    f"{_ms(row['head_own_ns'])}, total {_ms(row['base_total_ns'])} -> {_ms(row['head_total_ns'])}, "
                    f"calls {row['base_calls'] if row['base_calls'] is not None else '-'} -> "
                    f"{row['head_calls'] if row['head_calls'] is not None else '-'}"
                )
        functions = entry["functions"]
        if not functions:
            lines.append("bytecode: no captured function changed")
            continue
        counts = {s: sum(f["status"] == s for f in functions) for s in ("changed", "added", "removed")}
        lines.append("bytecode: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
        total = {}
        for f in functions:
            for category, delta in f["diff"].category_deltas.items():
                total[category] = total.get(category, 0) + delta
        lines.append(f"category deltas: {format_deltas({k: v for k, v in total.items() if v})}")
        for f in functions:
            lines += ["", f"{f['filename']}:", f["diff"].render(context)]
            if f["executed"]:
                lines.append(f"  executed: {describe(f['executed'])}")
    return "\n".join(lines) + "\n"
