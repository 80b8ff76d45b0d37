"""Execution-weighted bytecode diff: how often each instruction of a changed function ran, and where the function's
executed-instruction delta comes from.

The counts come from the instruction pass (``executed`` of a captured function, parallel to its ``instructions``);
one call of the entry, so "ran 2,420x" is per call.
"""

MAX_PARTS = 6


def with_executed(function):
    """The function's normalised instructions, each carrying ``executed`` when the results counted them."""
    if function is None:
        return []
    instructions, executed = function["instructions"], function.get("executed")
    if executed is None or len(executed) != len(instructions):
        return instructions
    return [dict(instruction, executed=n) for instruction, n in zip(instructions, executed)]


def _counted(instructions):
    return all("executed" in instruction for instruction in instructions)


def _parts(instructions, sign):
    """Equal instructions that ran equally often, grouped: [{"count": +2, "opname", "argrepr", "executed"}]."""
    groups = {}
    for instruction in instructions:
        key = (instruction["opname"], instruction["argrepr"], instruction["executed"])
        groups[key] = groups.get(key, 0) + sign
    return [
        {"count": n, "opname": opname, "argrepr": argrepr, "executed": executed}
        for (opname, argrepr, executed), n in groups.items()
    ]


def breakdown(diff, entry_delta):
    """Where a changed function's executed-instruction delta comes from: its added (+) and removed (-) instructions
    with how often each ran in one call, the function's delta and the entry's; None when a side was not counted."""
    before = [i for op in diff.ops for i in op.base]
    after = [i for op in diff.ops for i in op.head]
    if not _counted(before) or not _counted(after) or (diff.status != "removed" and not after):
        return None
    # Instructions no collector sees (executed None: RESUME, a prologue) say nothing about the delta.
    def seen(side, tags):
        return [i for op in diff.ops if op.tag in tags for i in getattr(op, side) if i["executed"] is not None]

    changes = _parts(seen("head", ("insert", "replace")), 1) + _parts(seen("base", ("delete", "replace")), -1)
    delta = sum(i["executed"] or 0 for i in after) - sum(i["executed"] or 0 for i in before)
    return {"changes": changes[:MAX_PARTS], "omitted": max(len(changes) - MAX_PARTS, 0), "delta": delta,
            "entry_delta": entry_delta}


def describe(executed):
    """The breakdown in one sentence: "+1 `LOAD_ATTR lower`, +1 `CALL` - each ran 2,420x per call: +4,840 of this
    entry's +4,840 executed instructions"."""
    changes = executed["changes"]
    runs = {change["executed"] for change in changes}

    def name(change):
        argument = f" {change['argrepr']}" if change["argrepr"] else ""
        return f"{change['count']:+d} `{change['opname']}{argument}`"

    if len(runs) == 1:
        (ran,) = runs
        text = ", ".join(map(name, changes))
        how_often = "never ran in the measured call (cold)" if ran == 0 else f"each ran {ran:,}x per call"
    else:
        text = ", ".join(f"{name(c)} ({c['executed']:,}x)" if c["executed"] else f"{name(c)} (cold)" for c in changes)
        how_often = "per call"
    if executed["omitted"]:
        text += f" and {executed['omitted']} more"
    sentence = f"{text} \u2014 {how_often}: {executed['delta']:+,}" if changes else f"executed {executed['delta']:+,}"
    if executed["entry_delta"] is None:
        return f"{sentence} executed instructions"
    return f"{sentence} of this entry's {executed['entry_delta']:+,} executed instructions"
