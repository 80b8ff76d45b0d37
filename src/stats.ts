// The statistics behind the time gate: a Mann–Whitney U test decides whether two sets of timings differ, and a
// bootstrap confidence interval says by how much their median (or minimum) changed. Both are distribution-free: run
// times on CI runners are skewed with long tails (GC pauses, preemption), so tests that assume normality lie exactly
// when it matters. Everything here is deterministic: the bootstrap is seeded from the samples, so re-gating the same
// two results files always prints the same interval.
//
// Who owns which statistic: the gate reads only the samples, and every statistic it decides with (the location
// statistic per entry or per round, the test, the interval, relative change) lives here and nowhere else. The
// summary written into the results file (median, mean, min, max, stdev, MAD, CPU median) is the harness's
// (python/bytescope/harness/stats.py `summarize`); `summarize` below recomputes it only for samples the action pools
// between gate passes (confirmations, same-runner rounds), where no harness runs. It must match the harness's
// exactly: __tests__/stats-parity.test.ts runs both on fixed samples.
import type { TimeStats } from './results.js'

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** (head - base) / base; 0 for two zeros, null for growth from zero. */
export function relativeChange(base: number, head: number): number | null {
  return base === 0 ? (head === 0 ? 0 : null) : (head - base) / base
}

export interface MannWhitney {
  /** U statistic of the second sample (head): how often a head value exceeds a base value, ties counting half. */
  u: number
  /** Two-sided p-value. */
  pValue: number
  method: 'exact' | 'normal'
}

// Exact null distributions are cheap up to this many pairs (the recursion is O(m·n·m·n) in the worst case).
const EXACT_MAX_PAIRS = 2500

/**
 * Two-sided Mann–Whitney U test of `a` against `b`. Exact when there are no ties and the samples are small,
 * otherwise the normal approximation with tie and continuity corrections.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  const m = a.length
  const n = b.length
  if (m === 0 || n === 0) throw new RangeError('Mann–Whitney U needs two non-empty samples')
  const { ranks, tieGroups } = rank([...a, ...b])
  let rankSumB = 0
  for (let i = m; i < m + n; i++) rankSumB += ranks[i]!
  const u = rankSumB - (n * (n + 1)) / 2
  const meanU = (m * n) / 2
  if (tieGroups.length === 0 && m * n <= EXACT_MAX_PAIRS) {
    const cdf = exactCdf(m, n)
    const low = cdf[Math.floor(Math.min(u, m * n - u))]!
    return { u, pValue: Math.min(1, 2 * low), method: 'exact' }
  }
  const total = m + n
  const tieTerm = tieGroups.reduce((sum, t) => sum + (t * t * t - t), 0) / (total * (total - 1))
  const variance = ((m * n) / 12) * (total + 1 - tieTerm)
  if (variance === 0) return { u, pValue: 1, method: 'normal' }
  const z = Math.max(0, Math.abs(u - meanU) - 0.5) / Math.sqrt(variance)
  return { u, pValue: Math.min(1, 2 * normalSf(z)), method: 'normal' }
}

/** Average ranks (1-based) of `values`, and the sizes of groups of tied values. */
function rank(values: readonly number[]): { ranks: number[]; tieGroups: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!)
  const ranks = new Array<number>(values.length)
  const tieGroups: number[] = []
  for (let start = 0; start < order.length;) {
    let end = start + 1
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++
    const averageRank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k]!] = averageRank
    if (end - start > 1) tieGroups.push(end - start)
    start = end
  }
  return { ranks, tieGroups }
}

/** P(U <= u) for u = 0..m·n under the null hypothesis, for samples of sizes m and n without ties. */
function exactCdf(m: number, n: number): number[] {
  // p[i][j] is the distribution of U for sizes (i, j); P_{i,j}(u) = i/(i+j)·P_{i-1,j}(u-j) + j/(i+j)·P_{i,j-1}(u).
  let previous: number[][] = [] // row i - 1, indexed by j
  for (let i = 0; i <= m; i++) {
    const row: number[][] = []
    for (let j = 0; j <= n; j++) {
      if (i === 0 || j === 0) {
        row.push([1])
        continue
      }
      const dist = new Array<number>(i * j + 1).fill(0)
      const fromA = previous[j]!
      const fromB = row[j - 1]!
      for (let u = 0; u < fromA.length; u++) dist[u + j]! += (fromA[u]! * i) / (i + j)
      for (let u = 0; u < fromB.length; u++) dist[u]! += (fromB[u]! * j) / (i + j)
      row.push(dist)
    }
    previous = row
  }
  const dist = previous[n]!
  const cdf = new Array<number>(dist.length)
  let running = 0
  for (let u = 0; u < dist.length; u++) cdf[u] = running += dist[u]!
  return cdf
}

/** Survival function of the standard normal distribution, 1 - Φ(z), via erfc (accurate in the tail). */
export function normalSf(z: number): number {
  return erfc(z / Math.SQRT2) / 2
}

// Complementary error function, Numerical Recipes' Chebyshev fit (relative error < 1.2e-7 everywhere).
function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + z / 2)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

/** The statistic of each round's samples (`sizes` says how many samples each round took, in order). */
export function roundValues(which: Statistic, samples: readonly number[], sizes: readonly number[]): number[] {
  const values: number[] = []
  let start = 0
  for (const size of sizes) {
    if (size > 0) values.push(statistic(which, samples.slice(start, start + size)))
    start += size
  }
  return values
}

export interface ConfidenceInterval {
  low: number
  high: number
  level: number
}

const BOOTSTRAP_RESAMPLES = 2000

/** A location statistic of timings: what "the time" of an entry is. */
export type Statistic = 'median' | 'min'

export function statistic(which: Statistic, values: readonly number[]): number {
  return which === 'min' ? Math.min(...values) : median(values)
}

/**
 * Percentile bootstrap confidence interval of the relative change of a statistic, stat(b) / stat(a) - 1,
 * resampling both samples independently.
 */
export function changeInterval(
  a: readonly number[],
  b: readonly number[],
  level: number,
  which: Statistic = 'median',
): ConfidenceInterval {
  if (a.length === 0 || b.length === 0) throw new RangeError('a confidence interval needs two non-empty samples')
  const random = mulberry32(seedFrom(a, b))
  const changes = new Float64Array(BOOTSTRAP_RESAMPLES)
  const bufferA = new Float64Array(a.length)
  const bufferB = new Float64Array(b.length)
  for (let r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
    const baseValue = resampled(a, bufferA, random, which)
    const headValue = resampled(b, bufferB, random, which)
    changes[r] = baseValue === 0 ? (headValue === 0 ? 0 : Infinity) : headValue / baseValue - 1
  }
  changes.sort()
  const tail = (1 - level) / 2
  return { low: quantileSorted(changes, tail), high: quantileSorted(changes, 1 - tail), level }
}

function resampled(values: readonly number[], buffer: Float64Array, random: () => number, which: Statistic): number {
  for (let i = 0; i < values.length; i++) buffer[i] = values[Math.floor(random() * values.length)]!
  buffer.sort()
  if (which === 'min') return buffer[0]!
  const mid = buffer.length >> 1
  return buffer.length % 2 === 1 ? buffer[mid]! : (buffer[mid - 1]! + buffer[mid]!) / 2
}

/** Linear-interpolation quantile (type 7, like numpy's default) of sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.min(sorted.length - 1, below + 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below)
}

function seedFrom(a: readonly number[], b: readonly number[]): number {
  let hash = 2166136261 // FNV-1a over the samples' values
  for (const value of [...a, -1, ...b]) {
    hash = Math.imul(hash ^ (value % 4294967296), 16777619) >>> 0
    hash = Math.imul(hash ^ Math.floor(value / 4294967296), 16777619) >>> 0
  }
  return hash
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The harness's timing summary (python/bytescope/harness/stats.py `summarize`, same fields and definitions: sample
 * standard deviation, unscaled MAD) of pooled samples. The gate never reads it; it keeps a pooled results file what
 * the harness would have written.
 */
export function summarize(samples: readonly number[], cpuSamples: readonly number[]): TimeStats {
  const center = median(samples)
  const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length
  const variance = samples.length > 1 ? samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (samples.length - 1) : 0
  return {
    samples_ns: [...samples],
    cpu_samples_ns: [...cpuSamples],
    median_ns: center,
    mean_ns: mean,
    min_ns: Math.min(...samples),
    max_ns: Math.max(...samples),
    stdev_ns: Math.sqrt(variance),
    mad_ns: median(samples.map((x) => Math.abs(x - center))),
    ...(cpuSamples.length ? { cpu_median_ns: median(cpuSamples) } : {}),
  }
}
