// Numbers as a reviewer reads them: units scaled, signs explicit, precision that matches what was measured.
import type { IntervalCovers } from '../verdict.js'

const DURATION_UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
]

const BYTE_UNITS: [number, string][] = [
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
  [1, 'B'],
]

function scaled(value: number, units: [number, string][]): string {
  const magnitude = Math.abs(value)
  const [factor, unit] = units.find(([f]) => magnitude >= f) ?? units[units.length - 1]!
  const n = value / factor
  if (factor === 1) return `${Math.round(n)} ${unit}`
  return `${Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2)} ${unit}`
}

/** 1.23 ms, 456 µs, 12.3 s. */
export function duration(ns: number): string {
  return scaled(ns, DURATION_UNITS)
}

/** 1.20 MiB, 512 B. */
export function bytes(n: number): string {
  return scaled(n, BYTE_UNITS)
}

/** "773–785 KiB", both ends in the larger one's unit; one value when they are equal. */
export function bytesRange(min: number, max: number): string {
  if (min === max) return bytes(max)
  const [factor, unit] = BYTE_UNITS.find(([f]) => max >= f) ?? BYTE_UNITS[BYTE_UNITS.length - 1]!
  // As many digits as it takes to tell the ends apart: 157.10–157.13 KiB, not 157–157 KiB.
  for (let digits = factor === 1 || max / factor >= 100 ? 0 : max / factor >= 10 ? 1 : 2; digits <= 3; digits++) {
    const [low, high] = [(min / factor).toFixed(digits), (max / factor).toFixed(digits)]
    if (low !== high) return `${low}–${high} ${unit}`
  }
  return `${count(min)}–${count(max)} B`
}

/** 1,234,567. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** A relative change as a signed percentage: +12.3%, -4.0%, ±0%. */
export function percent(change: number): string {
  const p = change * 100
  if (Math.abs(p) < 0.05) return '±0%'
  const digits = Math.abs(p) >= 100 ? 0 : 1
  return `${p > 0 ? '+' : '-'}${Math.abs(p).toFixed(digits)}%`
}

/** A signed difference in the given unit: +1.2 ms, -3 allocations. */
export function signed(delta: number, render: (n: number) => string): string {
  if (delta === 0) return '±0'
  return `${delta > 0 ? '+' : '-'}${render(Math.abs(delta))}`
}

/** (head - base) / base, or null when it is undefined. */
export function relative(base: number | null | undefined, head: number | null | undefined): number | null {
  if (base == null || head == null || base === 0) return null
  return (head - base) / base
}

/**
 * "base → head". When base and head were compared, a missing side is explicit: "— → 820 µs" for something new,
 * "820 µs → —" for something gone. Without a baseline (`compared` false) there is only head's value to show.
 */
export function transition(
  base: number | null | undefined,
  head: number | null | undefined,
  render: (n: number) => string,
  compared = false,
): string {
  const show = (n: number | null | undefined): string => (n == null ? '—' : render(n))
  if (base == null && !compared) return show(head)
  return `${show(base)} → ${show(head)}`
}

/** "own time from one profiled call, including the profiler's overhead: ~43% of the profiled time": what a profile's
 * own times are. The profiler does not subtract its callback's cost, so call-heavy code looks slower than it is. */
export function ownTimeNote(overhead: Record<string, unknown> | null | undefined): string {
  const fraction = overhead?.fraction
  const share =
    typeof fraction === 'number' && fraction >= 0 && fraction <= 1
      ? `: ~${Math.round(fraction * 100)}% of the profiled time`
      : ''
  return `own time from one profiled call, including the profiler's overhead${share}`
}

/** Short commit: 7 hex digits, like GitHub shows them. */
export function shortSha(sha: string): string {
  return /^[0-9a-f]{8,}$/i.test(sha) ? sha.slice(0, 7) : sha
}

/** "1 regression", "3 regressions". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`
}

/** "within-run 95% CI": the level, and what the interval covers (src/verdict.ts, IntervalCovers). */
export function intervalName(ci: { level: number; covers: IntervalCovers }): string {
  return `${ci.covers === 'calls' ? 'within-run ' : ''}${+(ci.level * 100).toFixed(2)}% CI`
}
