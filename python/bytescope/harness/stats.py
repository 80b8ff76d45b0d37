"""Summary statistics of timing samples (every sample is kept as well; these are for reading, not gating alone).

This is the one definition of the summary in the results file. The action recomputes it only for samples it pools
between gate passes (``summarize`` in src/stats.ts); __tests__/stats-parity.test.ts holds the two to the same numbers.
The gate's own statistics (Mann-Whitney U, the bootstrap interval) are TypeScript's alone and read only the samples.
"""

import statistics


def summarize(samples_ns, cpu_samples_ns):
    """Median, mean, min, max, sample standard deviation and unscaled median absolute deviation of wall time."""
    median = statistics.median(samples_ns)
    return {
        "samples_ns": list(samples_ns),
        "cpu_samples_ns": list(cpu_samples_ns),
        "median_ns": median,
        "mean_ns": statistics.fmean(samples_ns),
        "min_ns": min(samples_ns),
        "max_ns": max(samples_ns),
        "stdev_ns": statistics.stdev(samples_ns) if len(samples_ns) > 1 else 0.0,
        "mad_ns": statistics.median(abs(s - median) for s in samples_ns),
        "cpu_median_ns": statistics.median(cpu_samples_ns),
    }
