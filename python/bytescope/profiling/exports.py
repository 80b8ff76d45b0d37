"""Exports other tools read: pstats files, speedscope JSON and collapsed stacks for flamegraph.pl."""

import json
import marshal
import os

from .tree import edge_rows

_NS_PER_SECOND = 1e9
SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def write_text(path, content):
    """Write ``content`` (str or bytes) atomically: a reader never sees half a file, and a failed write leaves the
    old one in place."""
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        if isinstance(content, bytes):
            with open(temporary, "wb") as file:
                file.write(content)
        else:
            with open(temporary, "w", encoding="utf-8") as file:
                file.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def write_json(path, data):
    write_text(path, json_text(data))


def json_text(value, indent=None):
    """``json.dumps`` without recursion: a profile of deep recursion nests deeper than the json module's C encoder
    may go (it shares the interpreter's recursion limit)."""
    newline = "" if indent is None else "\n"
    separator = ", " if indent is None else ","
    out = []
    # ("value", value, depth) to write a value; ("text", text, _) to write literal text
    pending = [("value", value, 0)]
    while pending:
        kind, item, depth = pending.pop()
        if kind == "text":
            out.append(item)
            continue
        if isinstance(item, dict) and item or isinstance(item, list) and item:
            inner = newline + " " * ((depth + 1) * (indent or 0))
            closing = newline + " " * (depth * (indent or 0))
            is_dict = isinstance(item, dict)
            out.append("{" if is_dict else "[")
            parts = []
            for index, element in enumerate(item.items() if is_dict else item):
                parts.append(("text", (separator if index else "") + inner, 0))
                if is_dict:
                    parts.append(("text", json.dumps(element[0], ensure_ascii=False) + ": ", 0))
                    element = element[1]
                parts.append(("value", element, depth + 1))
            parts.append(("text", closing + ("}" if is_dict else "]"), 0))
            pending.extend(reversed(parts))
        else:
            out.append(json.dumps(item, ensure_ascii=False))
    return "".join(out)


def pstats_label(function):
    """The (filename, lineno, name) key pstats uses; C functions get cProfile's ``<built-in method ...>`` form."""
    if function.is_builtin:
        return ("~", 0, f"<built-in method {function.qualname}>")
    return (function.filename, function.lineno, function.qualname)


def pstats_table(data):
    """{label: (primitive calls, calls, own s, total s, {caller label: (primitive, calls, own s, total s)})}."""
    table = {}
    for row in data.functions():
        table[pstats_label(row.function)] = [
            row.primitive_calls,
            row.calls,
            row.own_ns / _NS_PER_SECOND,
            row.total_ns / _NS_PER_SECOND,
            {},
        ]
    for (caller, callee), (calls, primitive, own, total) in edge_rows(data.tree).items():
        table[pstats_label(callee)][4][pstats_label(caller)] = (
            primitive,
            calls,
            own / _NS_PER_SECOND,
            total / _NS_PER_SECOND,
        )
    return {label: tuple(values) for label, values in table.items()}


def dump_stats(data, path):
    write_text(path, marshal.dumps(pstats_table(data)))


def speedscope(data, name):
    """A speedscope file with one evented profile per thread (one in all when threads were not profiled).

    The events lay the call tree out on a timeline - each node opens, its children follow one after another, its
    own time comes last - so the flame chart is the aggregated tree, like pyinstrument's, in nanoseconds.
    """
    frames, index = [], {}

    def frame_of(function):
        position = index.get(function)
        if position is None:
            position = index[function] = len(frames)
            frame = {"name": function.qualname}
            if not function.is_builtin:
                frame.update(file=function.filename, line=function.lineno)
            frames.append(frame)
        return position

    trees = [(thread.name, thread.tree) for thread in data.threads] if data.threads else [(name, data.tree)]
    profiles = []
    for profile_name, root in trees:
        events = []
        clock = 0
        # (node, opened at or None), iteratively: deep recursion must not overflow the exporter.
        pending = [(child, None) for child in reversed(_by_total(root))]
        while pending:
            node, opened_at = pending.pop()
            if opened_at is not None:
                clock = opened_at + node.total_ns
                events.append({"type": "C", "frame": frame_of(node.function), "at": clock})
                continue
            events.append({"type": "O", "frame": frame_of(node.function), "at": clock})
            pending.append((node, clock))
            pending.extend((child, None) for child in reversed(_by_total(node)))
        profiles.append(
            {
                "type": "evented",
                "name": profile_name,
                "unit": "nanoseconds",
                "startValue": 0,
                "endValue": clock,
                "events": events,
            }
        )
    return {
        "$schema": SPEEDSCOPE_SCHEMA,
        "shared": {"frames": frames},
        "profiles": profiles,
        "name": name,
        "activeProfileIndex": 0,
        "exporter": "bytescope",
    }


def _by_total(node):
    return sorted(node.children.values(), key=lambda child: (-child.total_ns, child.function))


def collapsed(data):
    """One line per call path, ``root;caller;callee own_ns``, the input flamegraph.pl and speedscope accept.

    Semicolons inside names would split frames, so they become colons.
    """
    lines = []
    for node, ancestors in data.tree.walk_paths():
        if not ancestors or node.own_ns <= 0:
            continue
        path = [_collapsed_name(ancestor.function) for ancestor in ancestors[1:]] + [_collapsed_name(node.function)]
        lines.append(f"{';'.join(path)} {node.own_ns}")
    return "\n".join(lines) + ("\n" if lines else "")


def _collapsed_name(function):
    label = function.qualname if function.is_builtin else f"{function.qualname} ({function.location})"
    return label.replace(";", ":").replace("\n", " ")
