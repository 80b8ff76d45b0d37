"""Workloads and counting helpers shared by the profiler's test modules (cProfile as the oracle for call counts)."""

import cProfile
import functools
import pstats

from bytescope.profiling import Profiler

HERE = __file__


# ------------------------------------------------------------------------------------------------------- workloads


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


class Shape:
    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size

    @property
    def double(self):
        return self.area() * 2

    @classmethod
    def unit(cls):
        return cls(1)

    @staticmethod
    def describe(value):
        return f"shape {value}"

    def __eq__(self, other):
        return isinstance(other, Shape) and self.size == other.size

    def __hash__(self):
        return hash(self.size)

    def __lt__(self, other):
        return self.size < other.size


def make_counter():
    count = 0

    def increment(step=1):
        nonlocal count
        count += step
        return count

    return increment


def deep_raise(depth):
    if depth == 0:
        raise ValueError("bottom")
    return deep_raise(depth - 1)


def catch_deep():
    caught = 0
    for depth in range(5):
        try:
            deep_raise(depth)
        except ValueError:
            caught += 1
    return caught


def traced(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@traced
def decorated(x):
    return x + 1


def sort_key(value):
    return -value


def mixed_workload():
    fib(10)
    is_even(12)
    shapes = [Shape(size) for size in range(20)]
    total = sum(shape.area() for shape in shapes[:0]) + sum(map(Shape.area, shapes))
    doubles = [shape.double for shape in shapes]
    sorted(shapes)  # __lt__ called back from C
    sorted(range(50), key=sort_key)
    sorted(range(50), key=lambda value: value % 7)
    unique = {Shape(size % 5) for size in range(30)}  # __hash__ / __eq__ from C
    counter = make_counter()
    for step in range(10):
        counter(step)
    Shape.unit()
    Shape.describe(3)
    catch_deep()
    for value in range(5):
        decorated(value)
    return total, doubles, unique


def with_generators():
    def numbers(limit):
        for value in range(limit):
            yield value

    return sum(numbers(10)) + sum(x * 2 for x in range(10))


# --------------------------------------------------------------------------------------------------------- helpers


def last_name(qualname):
    return qualname.rsplit(".", 1)[-1]


def cprofile_counts(workload):
    """{(filename, lineno, name): (calls, primitive calls)} of this file's functions, from cProfile."""
    profiler = cProfile.Profile()
    profiler.enable()
    workload()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    return {
        (filename, lineno, name): (nc, cc)
        for (filename, lineno, name), (cc, nc, _, _, _) in stats.items()
        if filename == HERE
    }


def bytescope_counts(workload, **options):
    profiler = Profiler(**options)
    with profiler:
        workload()
    return {
        (row.filename, row.lineno, last_name(row.qualname)): (row.calls, row.primitive_calls)
        for row in profiler.functions()
        if row.filename == HERE
    }, profiler


def all_nodes(root):
    return list(root.walk())


def fib_calls(n):
    return 1 if n < 2 else 1 + fib_calls(n - 1) + fib_calls(n - 2)
