"""Human units for times and sizes, shared by every bytescope report (profiler, harness, comparisons)."""

_TIME_UNITS = ((1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "µs"))
_SIZE_UNITS = ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"))


def _scaled(value, units, base_unit, base_format):
    # Pick the unit by the value as shown (three significant digits), so 999,999 ns is "1.00 ms", not "1000 µs".
    magnitude = float(f"{abs(value):.3g}")
    for factor, unit in units:
        if magnitude >= factor:
            scaled = value / factor
            digits = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0
            return f"{scaled:.{digits}f} {unit}"
    return f"{value:{base_format}} {base_unit}"


def format_ns(ns):
    """Nanoseconds as ns, µs, ms or s with three significant digits: ``format_ns(1_234_567) == '1.23 ms'``."""
    return _scaled(ns, _TIME_UNITS, "ns", ".0f")


def format_bytes(size):
    """Bytes as B, KiB, MiB or GiB: ``format_bytes(1536) == '1.50 KiB'``."""
    return _scaled(size, _SIZE_UNITS, "B", ".0f")


def format_count(count):
    """An integer with thousands separators: ``format_count(1234567) == '1,234,567'``."""
    return f"{count:,}"


def format_percent(fraction):
    """A fraction as a percentage with one decimal: ``format_percent(0.1234) == '12.3%'``."""
    return f"{fraction * 100:.1f}%"


def _signed(delta, formatted):
    return ("+" if delta > 0 else "-" if delta < 0 else "±") + formatted


def format_delta_ns(delta):
    """A signed time difference: ``format_delta_ns(-1500) == '-1.50 µs'``."""
    return _signed(delta, format_ns(abs(delta)))


def format_delta_bytes(delta):
    """A signed size difference: ``format_delta_bytes(2048) == '+2.00 KiB'``."""
    return _signed(delta, format_bytes(abs(delta)))


def format_change(before, after):
    """The relative change from ``before`` to ``after``: '+12.5%', '-3.0%', 'new' (before was 0) or '±0.0%'."""
    if before == 0:
        return "±0.0%" if after == 0 else "new"
    change = (after - before) / before
    return _signed(change, format_percent(abs(change)))
