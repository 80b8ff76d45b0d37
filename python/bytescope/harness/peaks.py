"""The tracemalloc peak of an entry, measured in several fresh processes and kept as a spread.

One call's peak is exact for the same process state, but not across processes: objects hashed by identity land in
other buckets, caches and free lists fill in another order, so unchanged code peaks a percent or two apart from one
run to the next.  The gate compares spreads (``src/memory-gate.ts``), so every process's peak is kept.  Allocation
counts and top sites are those of the first process that measured a peak: they show where memory goes, the peaks
say how much.
"""

STOPPED_TRACING = "the entry stopped tracemalloc during the measured call"


def outcome(index, record):
    """What memory process ``index`` (1-based) reported: its memory record, or why it has none."""
    if record["status"] != "ok":
        error = record.get("error") or {}
        phase = f" during {error['phase']}" if error.get("phase") else ""
        return unmeasured(index, f"{error.get('type')}: {error.get('message')}{phase}")
    if record.get("memory") is None:
        return unmeasured(index, record.get("memory_unmeasured") or "no peak was reported")
    return {"index": index, "memory": record["memory"]}


def unmeasured(index, reason):
    return {"index": index, "reason": reason}


def combine(outcomes):
    """The entry's ``memory`` (every peak, their minimum and maximum; ``peak_bytes`` is the largest) and, when no
    process measured a peak, ``memory_unmeasured``: why, in one line."""
    measured = [o for o in outcomes if "memory" in o]
    failed = [{"process": o["index"], "reason": o["reason"]} for o in outcomes if "reason" in o]
    if not measured:
        reasons = sorted({f["reason"] for f in failed})
        return {"memory": None, "memory_unmeasured": "; ".join(reasons) or "no process measured a peak"}
    peaks = [o["memory"]["peak_bytes"] for o in measured]
    memory = dict(measured[0]["memory"])
    memory.update(
        peak_bytes=max(peaks),
        peaks_bytes=peaks,
        peak_min_bytes=min(peaks),
        peak_max_bytes=max(peaks),
        failed_processes=failed,
    )
    return {"memory": memory, "memory_unmeasured": None}
