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


def _name(instruction):
    argument = f" {instruction['argrepr']}" if instruction["argrepr"] else ""
    return f"`{instruction['opname']}{argument}`"


def _parts(instructions, sign):
    """[(text, executions)] grouping equal instructions that ran equally often: '+2 `LOAD_FAST x`'."""
    groups = {}
    for instruction in instructions:
        key = (_name(instruction), instruction["executed"])
        groups[key] = groups.get(key, 0) + 1
    return [(f"{sign}{n} {name}", executed) for (name, executed), n in groups.items()]


def _signed(n):
    return f"{n:+,}"


def summary(diff, entry_delta):
    """One sentence for a changed function, e.g. "+1 `LOAD_ATTR lower`, +1 `CALL` - each ran 2,420x per call:
    +4,840 of this entry's +4,840 executed instructions"; None when either side was not counted."""
    before = [i for op in diff.ops for i in op.base]
    after = [i for op in diff.ops for i in op.head]
    if not _counted(before) or not _counted(after) or (diff.status != "removed" and not after):
        return None
    # Instructions no collector sees (executed None: RESUME, a prologue) say nothing about the delta.
    before = [i for i in before if i["executed"] is not None]
    after = [i for i in after if i["executed"] is not None]
    added = [i for op in diff.ops if op.tag in ("insert", "replace") for i in op.head if i["executed"] is not None]
    removed = [i for op in diff.ops if op.tag in ("delete", "replace") for i in op.base if i["executed"] is not None]
    parts = _parts(added, "+") + _parts(removed, "-")
    runs = {executed for _, executed in parts}
    shown = parts[:MAX_PARTS]
    if len(runs) == 1:
        (executed,) = runs
        changes = ", ".join(text for text, _ in shown)
        how_often = "never ran in the measured call (cold)" if executed == 0 else f"each ran {executed:,}x per call"
    else:
        changes = ", ".join(f"{text} ({executed:,}x)" if executed else f"{text} (cold)" for text, executed in shown)
        how_often = "per call"
    if len(parts) > len(shown):
        changes += f" and {len(parts) - len(shown)} more"
    delta = sum(i["executed"] for i in after) - sum(i["executed"] for i in before)
    sentence = f"{changes} \u2014 {how_often}: {_signed(delta)}" if parts else f"executed {_signed(delta)}"
    if entry_delta is None:
        return f"{sentence} executed instructions"
    return f"{sentence} of this entry's {_signed(entry_delta)} executed instructions"
