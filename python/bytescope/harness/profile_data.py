"""Make a ``Profiler.to_dict()`` fit for a results file: project-relative file names and a size-bounded tree.

Pruning only ever drops whole subtrees that are small next to the entry's total (recorded on their parent as
``pruned_nodes``/``pruned_ns``) and rows far down both rankings; the values of every row and node that is kept are
the profiler's own, so the top rows are exactly what was measured.
"""

from collections import deque

# A subtree under this share of the root's total time is summarised on its parent instead of listed.
MIN_NODE_SHARE = 0.001
MAX_NODES = 2000
MAX_DEPTH = 128
# Rows kept: the top of each ranking (own time, total time), plus every row of the user's project.
TOP_ROWS = 150


def relocate(profile, namer):
    """File names in rows, tree nodes and memory sites as the results name them (in place)."""
    for row in profile.get("functions") or []:
        row["filename"] = namer.name(row["filename"])
    pending = [profile["tree"]] if profile.get("tree") else []
    while pending:
        node = pending.pop()
        node["filename"] = namer.name(node["filename"])
        pending.extend(node.get("children") or [])
    for site in ((profile.get("memory") or {}).get("top_sites")) or []:
        for frame in site["traceback"]:
            frame["filename"] = namer.name(frame["filename"])
    return profile


def prune_rows(rows, always_keep):
    """The top rows of both rankings and the rows whose index is in ``always_keep``, in their original order."""
    keep = set(always_keep)
    for key in ("own_ns", "total_ns"):
        ranked = sorted(range(len(rows)), key=lambda i: rows[i][key], reverse=True)
        keep.update(ranked[:TOP_ROWS])
    return [row for i, row in enumerate(rows) if i in keep]


def prune_tree(root):
    """Keep the heaviest paths: nodes by total time, breadth first, within the share, depth and count limits."""
    floor = root.get("total_ns", 0) * MIN_NODE_SHARE
    budget = MAX_NODES - 1
    pending = deque([(root, 0)])
    while pending:
        node, depth = pending.popleft()
        children = sorted(node.get("children") or [], key=lambda child: child["total_ns"], reverse=True)
        kept = []
        for child in children:
            if depth < MAX_DEPTH and budget > 0 and child["total_ns"] >= floor:
                kept.append(child)
                budget -= 1
        dropped = children[len(kept):]
        if dropped:
            node["pruned_nodes"] = sum(_count_nodes(child) for child in dropped)
            node["pruned_ns"] = sum(child["total_ns"] for child in dropped)
        node["children"] = kept
        pending.extend((child, depth + 1) for child in kept)
    return root


def _count_nodes(node):
    count, pending = 0, [node]
    while pending:
        current = pending.pop()
        count += 1
        pending.extend(current.get("children") or [])
    return count


def shrink(profile, namer):
    """The profile as stored: relocated, rows pruned (the project's rows always kept), tree pruned."""
    rows = profile.get("functions") or []
    project_rows = [i for i, row in enumerate(rows) if namer.is_project(row["filename"])]
    relocate(profile, namer)
    profile["functions"] = prune_rows(rows, project_rows)
    profile["omitted_functions"] = len(rows) - len(profile["functions"])
    if profile.get("tree"):
        prune_tree(profile["tree"])
    return profile
