"""Entry points for the action's end-to-end tests.

FIXTURE_VARIANT=heavier makes `crunch` execute more instructions and hold more memory at its peak, so a run with
it regresses deterministically against a baseline without it (time is left to chance, and to lenient thresholds).
"""
import os

HEAVIER = os.environ.get("FIXTURE_VARIANT") == "heavier"


def _step(value):
    return (value * 31 + 7) % 1009


def crunch():
    keep = bytearray(200_000) if HEAVIER else b""
    rounds = 3000 if HEAVIER else 2000
    total = 0
    for i in range(rounds):
        total += _step(i)
    return total + len(keep)


def tally():
    return sum(range(2000))
