"""Render: text reports of one profile, and of two side by side. Reads ``ProfileData`` only; never collects."""

import os

from .units import (
    format_bytes,
    format_change,
    format_count,
    format_delta_bytes,
    format_delta_ns,
    format_ns,
    format_percent,
)

_SORTS = {
    "total": lambda row: (-row.total_ns, -row.own_ns, row.function),
    "own": lambda row: (-row.own_ns, -row.total_ns, row.function),
    "calls": lambda row: (-row.calls, -row.total_ns, row.function),
}
TREE_THRESHOLD = 0.005  # the call tree hides paths below this share of the total


def table(headers, rows, align):
    """Columns padded to their widest cell; ``align`` is a string of '<' / '>' per column."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells):
        return "  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(cells, align, widths)).rstrip()

    return [line(headers), line(["-" * width for width in widths])] + [line(row) for row in rows]


def _calls(row):
    # pstats style: total/primitive when recursion made them differ
    calls = format_count(row.calls)
    return calls if row.primitive_calls == row.calls else f"{calls}/{format_count(row.primitive_calls)}"


def _share(part, whole):
    return format_percent(part / whole) if whole else "-"


def _label(function):
    return f"{function.qualname}  ({function.location})"


def summary(data):
    """The header every report starts with, overhead included."""
    activations = data.activations
    lines = [
        f"bytescope profile: {data.clock} clock, {format_ns(data.total_ns)} profiled"
        f" in {format_count(activations)} activation{'s' if activations != 1 else ''},"
        f" {format_count(data.total_calls)} calls of {format_count(len(data.functions()))} functions"
    ]
    overhead = data.overhead
    if overhead is not None:
        lines.append(
            f"profiler overhead: ~{format_ns(overhead.estimated_ns)} ({format_percent(overhead.fraction)} of the"
            f" profiled time) for {format_count(overhead.events)} events at ~{format_ns(overhead.per_event_ns)} each"
        )
    if data.threads:
        names = ", ".join(thread.name for thread in data.threads)
        lines.append(f"threads: {len(data.threads)} ({names}); merged below")
    return lines


def function_table(data, sort="total", limit=20):
    rows = sorted(data.functions(), key=_SORTS[sort])
    shown = rows if limit is None else rows[:limit]
    whole = data.total_ns
    body = [
        [
            _calls(row),
            format_ns(row.own_ns),
            _share(row.own_ns, whole),
            format_ns(row.total_ns),
            _share(row.total_ns, whole),
            _label(row.function),
        ]
        for row in shown
    ]
    lines = table(["calls", "own", "own%", "total", "total%", "function"], body, ">>>>><")
    if len(shown) < len(rows):
        lines.append(f"... {len(rows) - len(shown)} more functions (sorted by {sort})")
    return lines


def tree_lines(root, threshold=TREE_THRESHOLD):
    """The indented call tree, heaviest paths first; paths under ``threshold`` of the total are summarised."""
    whole = root.total_ns
    floor = whole * threshold
    lines, hidden = [], 0

    def branches(node, indent):
        # (child, indent, is last) for the children shown, reversed so that popping yields the heaviest first
        nonlocal hidden
        children = _heaviest(node)
        shown = [child for child in children if child.total_ns >= floor]
        hidden += sum(sum(1 for _ in child.walk()) for child in children if child.total_ns < floor)
        return [(child, indent, i == len(shown) - 1) for i, child in enumerate(shown)][::-1]

    pending = branches(root, "")
    while pending:
        node, indent, last = pending.pop()
        resumes = f", {format_count(node.resumes)} resumes" if node.resumes else ""
        lines.append(
            f"{indent}{'└─ ' if last else '├─ '}{format_ns(node.total_ns)} {_share(node.total_ns, whole)}"
            f"  {node.function.qualname}  [{format_count(node.calls)} calls{resumes}, own {format_ns(node.own_ns)}]"
            f"  {node.function.location}"
        )
        pending += branches(node, indent + ("   " if last else "│  "))
    if hidden:
        lines.append(f"({format_count(hidden)} call paths under {format_percent(threshold)} of the total hidden)")
    return lines


def _heaviest(node):
    return sorted(node.children.values(), key=lambda child: (-child.total_ns, child.function))


def memory_lines(memory):
    lines = [
        f"memory: peak {format_bytes(memory.peak_bytes)} above the start,"
        f" {format_bytes(memory.allocated_bytes)} in {format_count(memory.allocations)} blocks allocated and"
        " still alive at the end (tracemalloc)"
    ]
    if memory.top_sites:
        body = [
            [format_bytes(site.size_bytes), format_count(site.count), _site_label(site.traceback)]
            for site in memory.top_sites
        ]
        lines += table(["size", "blocks", "allocated at (most recent call first)"], body, ">><")
    return lines


def _site_label(traceback):
    if not traceback:
        return "<unknown>"
    shown = " <- ".join(f"{filename}:{lineno}" for filename, lineno in traceback[:3])
    return shown + (" <- ..." if len(traceback) > 3 else "")


def report(data, sort="total", limit=20, tree=False):
    lines = summary(data) + [""] + function_table(data, sort, limit)
    if tree:
        lines += ["", "call tree (total, share, function, calls, own):"] + tree_lines(data.tree)
    if data.memory is not None:
        lines += [""] + memory_lines(data.memory)
    return "\n".join(lines) + "\n"


def _compare_key(row):
    # Line numbers move when code above a function changes; name and file identify it across two runs. A file is
    # its resolved path, so a relative name in an older profile (taken from this directory) still matches.
    filename = row.function.filename
    if filename and not filename.startswith(("<", "~")):
        filename = os.path.normcase(os.path.realpath(filename))
    return (filename, row.function.qualname)


def _rows_by_key(data):
    rows = {}
    for row in data.functions():
        known = rows.get(_compare_key(row))
        rows[_compare_key(row)] = row if known is None else known._replace(
            calls=known.calls + row.calls,
            primitive_calls=known.primitive_calls + row.primitive_calls,
            own_ns=known.own_ns + row.own_ns,
            total_ns=known.total_ns + row.total_ns,
        )
    return rows


def compare(before, after, limit=20):
    """Two runs side by side per function: own, total and calls with deltas; functions that appeared or
    disappeared; memory deltas."""
    old, new = _rows_by_key(before), _rows_by_key(after)
    common = [key for key in old if key in new]
    common.sort(key=lambda key: (-abs(new[key].total_ns - old[key].total_ns), key))
    lines = [
        f"bytescope comparison ({before.clock} clock): before {format_ns(before.total_ns)},"
        f" after {format_ns(after.total_ns)} ({format_delta_ns(after.total_ns - before.total_ns)},"
        f" {format_change(before.total_ns, after.total_ns)})",
    ]
    if before.overhead is not None and after.overhead is not None:
        lines.append(
            f"profiler overhead: before ~{format_ns(before.overhead.estimated_ns)}"
            f" ({format_percent(before.overhead.fraction)}), after ~{format_ns(after.overhead.estimated_ns)}"
            f" ({format_percent(after.overhead.fraction)})"
        )
    lines.append("")
    body = []
    for key in common[:limit] if limit is not None else common:
        a, b = old[key], new[key]
        body.append(
            [
                format_ns(a.own_ns),
                format_ns(b.own_ns),
                format_change(a.own_ns, b.own_ns),
                format_ns(a.total_ns),
                format_ns(b.total_ns),
                format_delta_ns(b.total_ns - a.total_ns),
                format_change(a.total_ns, b.total_ns),
                format_count(a.calls),
                format_count(b.calls),
                _label(b.function),
            ]
        )
    headers = ["own before", "own after", "own Δ%", "total before", "total after", "total Δ", "total Δ%",
               "calls before", "calls after", "function"]
    lines += table(headers, body, ">>>>>>>>><")
    if limit is not None and len(common) > limit:
        lines.append(f"... {len(common) - limit} more functions in both runs")
    for title, keys, rows in (
        ("appeared (only after)", [k for k in new if k not in old], new),
        ("disappeared (only before)", [k for k in old if k not in new], old),
    ):
        if keys:
            keys.sort(key=lambda key: (-rows[key].total_ns, key))
            lines += ["", f"{title}:"]
            lines += table(
                ["total", "calls", "function"],
                [[format_ns(rows[k].total_ns), format_count(rows[k].calls), _label(rows[k].function)] for k in keys],
                ">><",
            )
    if before.memory is not None or after.memory is not None:
        lines += [""] + _memory_comparison(before.memory, after.memory)
    return "\n".join(lines) + "\n"


def _memory_comparison(before, after):
    if before is None or after is None:
        return ["memory: only measured in the " + ("after" if before is None else "before") + " run"]
    rows = []
    for label, a, b in (
        ("peak", before.peak_bytes, after.peak_bytes),
        ("allocated (alive at end)", before.allocated_bytes, after.allocated_bytes),
    ):
        rows.append([label, format_bytes(a), format_bytes(b), format_delta_bytes(b - a), format_change(a, b)])
    rows.append(
        [
            "allocations",
            format_count(before.allocations),
            format_count(after.allocations),
            f"{after.allocations - before.allocations:+,}",
            format_change(before.allocations, after.allocations),
        ]
    )
    return table(["memory", "before", "after", "Δ", "Δ%"], rows, "<>>>>")
