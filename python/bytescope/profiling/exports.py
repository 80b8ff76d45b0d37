"""Exports other tools read: pstats files, speedscope JSON and collapsed stacks for flamegraph.pl."""

import json
import marshal
import os

from .tree import edge_rows

_NS_PER_SECOND = 1e9
SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"


def write_text(path, text):
    """Write atomically: a reader never sees half a file, and a failed write leaves the old one in place."""
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def write_json(path, data):
    write_text(path, json.dumps(data, ensure_ascii=False))


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
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as file:
        marshal.dump(pstats_table(data), file)
    os.replace(temporary, path)


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
