"""The processed data model: functions, call-tree nodes and per-function rows, built once and rendered many ways."""

from typing import NamedTuple

BUILTIN_FILENAME = "~"  # what pstats shows for C functions


class Function(NamedTuple):
    """A function's identity in reports: code objects and C functions with the same name, file and line merge."""

    qualname: str
    filename: str
    lineno: int

    @property
    def is_builtin(self):
        return self.filename == BUILTIN_FILENAME

    @property
    def location(self):
        return "built-in" if self.is_builtin else f"{self.filename}:{self.lineno}"


ROOT_FUNCTION = Function("<root>", "", 0)


class CallNode:
    """One call path: ``function`` reached through exactly the ancestors above it.

    ``calls`` counts calls (a generator's or coroutine's resumes are counted in ``resumes`` instead), ``total_ns`` is
    the time spent in this path including children (suspended time excluded), ``own_ns`` the part not spent in
    children.
    """

    __slots__ = ("function", "calls", "resumes", "total_ns", "own_ns", "children")

    def __init__(self, function, calls=0, resumes=0, total_ns=0):
        self.function = function
        self.calls = calls
        self.resumes = resumes
        self.total_ns = total_ns
        self.own_ns = 0
        self.children = {}  # Function -> CallNode

    def __repr__(self):
        return f"CallNode({self.function.qualname!r}, calls={self.calls}, total_ns={self.total_ns})"

    def child(self, function):
        node = self.children.get(function)
        if node is None:
            node = self.children[function] = CallNode(function)
        return node

    def merge(self, other):
        """Add ``other`` (same function, same path) into this node, recursively. Own times are left to
        ``finish()``."""
        pending = [(self, other)]  # iterative: deep recursion makes deep trees
        while pending:
            into, node = pending.pop()
            into.calls += node.calls
            into.resumes += node.resumes
            into.total_ns += node.total_ns
            pending.extend((into.child(function), child) for function, child in node.children.items())

    def finish(self):
        """Compute own times bottom-up (iteratively: call trees of deep recursion exceed Python's recursion limit)."""
        for node in self.walk():
            node.own_ns = max(0, node.total_ns - sum(child.total_ns for child in node.children.values()))

    def walk(self):
        """Every node of this subtree, parents before children."""
        pending = [self]
        while pending:
            node = pending.pop()
            yield node
            pending.extend(reversed(list(node.children.values())))

    def walk_paths(self):
        """(node, ancestors) pairs, depth first, parents before children; ``ancestors`` is a tuple of nodes."""
        pending = [(self, ())]
        while pending:
            node, ancestors = pending.pop()
            yield node, ancestors
            below = ancestors + (node,)
            pending.extend((child, below) for child in reversed(list(node.children.values())))

    def copy(self):
        clone = CallNode(self.function)
        clone.merge(self)
        clone.own_ns = self.own_ns
        return clone

    def to_dict(self):
        """The node as the results schema's ``treeNode`` (recursively)."""
        return _node_dict(self)

    @classmethod
    def from_dict(cls, data):
        """A tree from its ``to_dict()`` form (siblings with the same function merge)."""
        root = None
        pending = [(data, None)]
        while pending:
            item, parent = pending.pop()
            function = Function(item["name"], item["filename"], int(item["lineno"]))
            node = cls(function) if parent is None else parent.child(function)
            node.calls += int(item["calls"])
            node.resumes += int(item.get("resumes", 0))
            node.total_ns += item["total_ns"]
            node.own_ns += item["own_ns"]
            root = root or node
            pending.extend((child, node) for child in item["children"])
        return root


def _node_dict(root):
    # Iterative so that deep recursion in the profiled program cannot overflow the exporter.
    def shell(node):
        function = node.function
        return {
            "name": function.qualname,
            "filename": function.filename,
            "lineno": function.lineno,
            "calls": node.calls,
            "resumes": node.resumes,
            "own_ns": node.own_ns,
            "total_ns": node.total_ns,
            "children": [],
        }

    top = shell(root)
    pending = [(root, top)]
    while pending:
        node, data = pending.pop()
        for child in sorted(node.children.values(), key=lambda n: -n.total_ns):
            child_data = shell(child)
            data["children"].append(child_data)
            pending.append((child, child_data))
    return top


class FunctionRow(NamedTuple):
    """Per-function totals over the whole tree, as pstats reports them.

    ``primitive_calls`` are calls not nested inside another call of the same function; ``total_ns`` counts only
    those outermost calls, so recursion is never counted twice.
    """

    function: Function
    calls: int
    primitive_calls: int
    resumes: int
    own_ns: int
    total_ns: int

    @property
    def qualname(self):
        return self.function.qualname

    @property
    def filename(self):
        return self.function.filename

    @property
    def lineno(self):
        return self.function.lineno

    def to_dict(self):
        function = self.function
        return {
            "qualname": function.qualname,
            "filename": function.filename,
            "lineno": function.lineno,
            "calls": self.calls,
            "primitive_calls": self.primitive_calls,
            "resumes": self.resumes,
            "own_ns": self.own_ns,
            "total_ns": self.total_ns,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            Function(data["qualname"], data["filename"], int(data["lineno"])),
            int(data["calls"]),
            int(data["primitive_calls"]),
            int(data.get("resumes", 0)),
            data["own_ns"],
            data["total_ns"],
        )


def function_rows(root):
    """Aggregate the tree into one ``FunctionRow`` per function (root excluded)."""
    totals = {}  # Function -> [calls, primitive_calls, resumes, own, total]
    on_path = {}  # Function -> how many ancestors of the current node are that function
    pending = [(root, False)]
    while pending:
        node, leaving = pending.pop()
        function = node.function
        if leaving:
            on_path[function] -= 1
            continue
        if node is not root:
            row = totals.get(function)
            if row is None:
                row = totals[function] = [0, 0, 0, 0, 0]
            row[0] += node.calls
            row[2] += node.resumes
            row[3] += node.own_ns
            if not on_path.get(function):
                row[1] += node.calls
                row[4] += node.total_ns
        on_path[function] = on_path.get(function, 0) + 1
        pending.append((node, True))
        pending.extend((child, False) for child in node.children.values())
    return [FunctionRow(function, *values) for function, values in totals.items()]


def edge_rows(root):
    """Caller -> callee totals, as pstats keeps them: {(caller, callee): [calls, primitive, own, total]}.

    A call is primitive for the edge when the callee was not already on the stack; the total likewise counts
    only calls of the callee that are not nested inside another call of it.
    """
    edges = {}
    for node, ancestors in root.walk_paths():
        if not ancestors or ancestors[-1] is root:
            continue
        callee = node.function
        recursive = any(ancestor.function == callee for ancestor in ancestors)
        edge = edges.get((ancestors[-1].function, callee))
        if edge is None:
            edge = edges[(ancestors[-1].function, callee)] = [0, 0, 0, 0]
        edge[0] += node.calls
        edge[2] += node.own_ns
        if not recursive:
            edge[1] += node.calls
            edge[3] += node.total_ns
    return edges
