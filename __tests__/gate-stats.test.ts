import { describe, expect, it } from 'vitest'
import { changeInterval, mannWhitneyU, median, normalSf, statistic } from '../src/stats.js'
import { noisy } from './support/results.js'

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(() => median([])).toThrow(RangeError)
  })
})

describe('normalSf', () => {
  it('matches the standard normal tail', () => {
    expect(normalSf(0)).toBeCloseTo(0.5, 6)
    expect(normalSf(1.959964)).toBeCloseTo(0.025, 6)
    expect(normalSf(-1.959964)).toBeCloseTo(0.975, 6)
    expect(normalSf(3.090232)).toBeCloseTo(0.001, 6)
  })
})

describe('mannWhitneyU', () => {
  it('computes the exact two-sided p-value for small samples without ties', () => {
    // U of b: every b exceeds every a; P(U >= 9) = 1/20 for sizes 3 and 3, so p = 0.1.
    const separated = mannWhitneyU([1, 2, 3], [4, 5, 6])
    expect(separated).toMatchObject({ u: 9, method: 'exact' })
    expect(separated.pValue).toBeCloseTo(0.1, 12)
    // Interleaved: U = 6, P(U <= 3) = 7/20, p = 0.7.
    const interleaved = mannWhitneyU([1, 3, 5], [2, 4, 6])
    expect(interleaved.u).toBe(6)
    expect(interleaved.pValue).toBeCloseTo(0.7, 12)
    // 5 vs 5, complete separation: 2 / C(10, 5) = 2/252.
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).pValue).toBeCloseTo(2 / 252, 12)
  })

  it('is symmetric in direction', () => {
    const a = noisy(1000, 12, 0.05, 3)
    const b = noisy(1040, 12, 0.05, 4)
    expect(mannWhitneyU(a, b).pValue).toBeCloseTo(mannWhitneyU(b, a).pValue, 12)
    expect(mannWhitneyU(a, b).u + mannWhitneyU(b, a).u).toBe(144)
  })

  it('uses the tie-corrected normal approximation when values tie', () => {
    const result = mannWhitneyU([1, 1, 2, 2, 3, 3], [2, 2, 3, 3, 4, 4])
    expect(result.method).toBe('normal')
    // By hand: b's average ranks 4.5, 4.5, 8.5, 8.5, 11.5, 11.5 sum to 49, so U = 49 - 21 = 28 (mean 18); tie
    // groups 2, 4, 4, 2 give variance 36/12·(13 - 132/132) = 36; z = (10 - 0.5)/6, p = 2·(1 - Φ(1.5833)) = 0.1134.
    expect(result.u).toBe(28)
    expect(result.pValue).toBeCloseTo(0.1134, 3)
  })

  it('agrees with the exact distribution where both apply', () => {
    // 50 vs 50 is the largest size the exact path takes; one more value switches to the normal approximation.
    const a = noisy(1_000_000, 50, 0.05, 7)
    const b = noisy(1_020_000, 50, 0.05, 8)
    const exact = mannWhitneyU(a, b)
    expect(exact.method).toBe('exact')
    const shifted = mannWhitneyU([...a, 1], b) // 51·50 pairs
    expect(shifted.method).toBe('normal')
    expect(Math.abs(Math.log(shifted.pValue / exact.pValue))).toBeLessThan(0.35)
  })

  it('gives p = 1 when every value is identical', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).pValue).toBe(1)
  })

  it('detects a 10% shift in 20 noisy samples and not a null one', () => {
    const base = noisy(1_000_000, 20, 0.08, 11)
    expect(mannWhitneyU(base, noisy(1_100_000, 20, 0.08, 12)).pValue).toBeLessThan(0.01)
    expect(mannWhitneyU(base, noisy(1_000_000, 20, 0.08, 13)).pValue).toBeGreaterThan(0.05)
  })
})

describe('statistic', () => {
  it('is the median or the minimum', () => {
    expect(statistic('median', [5, 1, 3])).toBe(3)
    expect(statistic('min', [5, 1, 3])).toBe(1)
  })
})

describe('changeInterval', () => {
  it('bootstraps the change of the minimum when asked', () => {
    // Heads' fastest calls are 10% slower; their slow outliers would drag a median-based interval elsewhere.
    const base = [100, 101, 102, 103, 180, 190, 200, 210, 220, 230]
    const head = [110, 111, 112, 113, 114, 115, 116, 117, 118, 119]
    const ci = changeInterval(base, head, 0.9, 'min')
    expect(ci.low).toBeGreaterThanOrEqual(0.05)
    expect(ci.high).toBeLessThanOrEqual(0.2)
    expect(changeInterval(base, head, 0.9, 'median').low).toBeLessThan(0)
  })

  it('brackets the true change and excludes zero for a clear shift', () => {
    const base = noisy(1_000_000, 30, 0.05, 21)
    const head = noisy(1_150_000, 30, 0.05, 22)
    const ci = changeInterval(base, head, 0.99)
    expect(ci.level).toBe(0.99)
    expect(ci.low).toBeGreaterThan(0.08)
    expect(ci.high).toBeLessThan(0.22)
    expect(ci.low).toBeLessThan(0.15)
    expect(ci.high).toBeGreaterThan(0.15)
  })

  it('contains zero for identical distributions and is deterministic', () => {
    const base = noisy(500, 25, 0.1, 31)
    const head = noisy(500, 25, 0.1, 32)
    const ci = changeInterval(base, head, 0.95)
    expect(ci.low).toBeLessThan(0)
    expect(ci.high).toBeGreaterThan(0)
    expect(changeInterval(base, head, 0.95)).toEqual(ci)
  })

  it('gets narrower at a lower confidence level', () => {
    const base = noisy(500, 25, 0.1, 41)
    const head = noisy(520, 25, 0.1, 42)
    const wide = changeInterval(base, head, 0.99)
    const narrow = changeInterval(base, head, 0.8)
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low)
  })
})
