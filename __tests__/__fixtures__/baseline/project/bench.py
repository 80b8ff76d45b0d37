"""A tiny workload for the baseline end-to-end tests: fast, deterministic, allocates a little."""


def work():
    total = 0
    for i in range(2000):
        total += i * i
    return [total] * 10
