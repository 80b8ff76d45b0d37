// The memory metric: tracemalloc peaks compared as spreads. Each side's peak is measured in several fresh processes
// (`memory-runs`), and real code peaks a percent or two apart from one process to the next (identity hashes, cache
// and free-list order), so one peak against one peak would flag noise. A change counts only when the spreads are
// apart by more than the threshold; where every peak on both sides is identical the peak is exact and 1 KiB counts.
// The absolute budget (`max-peak-memory`) is this metric's too: head's largest peak over it is a memory regression,
// with or without a baseline.
import { thresholdText } from '../config.js'
import { changeCell } from '../report/cells.js'
import { bytes, bytesRange, count, percent, relative, signed, transition } from '../report/format.js'
import { unavailableText } from '../report/unavailable.js'
import type { MemoryStats } from '../results.js'
import { median, relativeChange } from '../stats.js'
import type { EntryVerdict, MemoryRule, MetricComparison, PeakSpread } from '../verdict.js'
import { comparisonOf, isProjectFile, type Culprit, type Metric, type MetricInput } from './metric.js'

/** On exact peaks (every peak identical on both sides), a growth or shrinkage of this many bytes always counts. */
export const EXACT_CHANGE_BYTES = 1024

type Settings = 'memoryThreshold' | 'maxPeakMemory'

/** A side's peaks; a file written before peaks were kept has one peak, read as a spread of one. */
export function peakSpread(memory: MemoryStats): PeakSpread {
  const peaks = memory.peaks_bytes?.length ? memory.peaks_bytes : [memory.peak_bytes]
  const min = Math.min(...peaks)
  const max = Math.max(...peaks)
  return { peaks, min, max, exact: min === max }
}

/** Head's peaks against base's; without a comparable base (no baseline, new entry, another Python) the budget only. */
function compare(input: MetricInput<Settings>): MetricComparison {
  const { head } = input
  const threshold = input.settings.memoryThreshold
  const budget = input.settings.maxPeakMemory
  if (head.memory === null) {
    const note = head.memory_unmeasured ? `not measured: ${head.memory_unmeasured}` : undefined
    return {
      metric: 'memory',
      status: 'not-measured',
      base: null,
      head: null,
      change: null,
      threshold,
      unavailable: { why: 'not-measured', ...(note ? { note } : {}) },
    }
  }
  const headSpread = peakSpread(head.memory)
  const overBudget = budget !== null && headSpread.max > budget
  const failed = failedProcesses(head.memory)
  const incomparable = input.missing ?? input.otherPython
  const base = input.missing === null ? input.base : null
  const baseSpread = incomparable === null && base?.memory ? peakSpread(base.memory) : null
  const common = {
    metric: 'memory' as const,
    head: headSpread.max,
    threshold,
    budget,
    overBudget,
    headSpread,
    ...(failed ? { failedProcesses: failed } : {}),
    // Peaks, allocations and sites of another Python release are not compared (the budget still applies).
    ...(input.otherPython ? { cause: 'other-python' as const } : {}),
  }
  if (baseSpread === null) {
    return {
      ...common,
      base: base?.memory ? peakSpread(base.memory).max : null,
      status: overBudget ? 'regression' : 'not-comparable',
      change: null,
      unavailable: incomparable ?? { why: 'not-measured-on-baseline' },
    }
  }
  const judgement = judge(baseSpread, headSpread, threshold)
  return {
    ...common,
    base: baseSpread.max,
    baseSpread,
    status: overBudget ? 'regression' : judgement.status,
    change: relativeChange(median(baseSpread.peaks), median(headSpread.peaks)),
    judgement,
  }
}

/** Regression: head's smallest peak above base's largest by more than the threshold (or by 1 KiB on exact peaks). */
function judge(base: PeakSpread, head: PeakSpread, threshold: number): NonNullable<MetricComparison['judgement']> {
  if (base.exact && head.exact) {
    const delta = head.max - base.max
    const change = relativeChange(base.max, head.max)
    const past = change === null ? delta > 0 : Math.abs(change) > threshold
    const rule: MemoryRule = past ? 'threshold' : 'exact-bytes'
    if ((past || Math.abs(delta) >= EXACT_CHANGE_BYTES) && delta !== 0)
      return { status: delta > 0 ? 'regression' : 'improvement', rule }
    return { status: 'unchanged', rule: 'within' }
  }
  // The gap between the spreads: positive when head's peaks all lie above base's (growth) or all below (shrinkage).
  const grew = relativeChange(base.max, head.min)
  const shrank = relativeChange(base.min, head.max)
  if (head.min > base.max && (grew === null || grew > threshold)) return { status: 'regression', rule: 'threshold' }
  if (base.min > head.max && shrank !== null && -shrank > threshold) return { status: 'improvement', rule: 'threshold' }
  return { status: 'unchanged', rule: head.min > base.max || base.min > head.max ? 'apart' : 'overlap' }
}

/** The judgement in words, with the numbers that decided it. */
function judgementText(base: PeakSpread, head: PeakSpread, threshold: number, judged: MetricComparison['judgement']) {
  const limit = thresholdText(threshold)
  const shown = `peak ${bytesRange(base.min, base.max)} → ${bytesRange(head.min, head.max)}`
  const { status, rule } = judged!
  if (base.exact && head.exact) {
    const delta = head.max - base.max
    const change = relativeChange(base.max, head.max)
    const measured = `${shown} (${change === null ? 'new' : percent(change)}, ${signed(delta, bytes)}), exact on both sides`
    const why = rule === 'threshold' ? `more than the ${limit} threshold` : `at least ${bytes(EXACT_CHANGE_BYTES)}`
    if (status === 'regression') return `${measured}: ${why}`
    if (status === 'improvement') return `${measured}: smaller by ${why}`
    return `${measured}: within the ${limit} threshold and under ${bytes(EXACT_CHANGE_BYTES)}`
  }
  const growth = head.min - base.max
  const shrinkage = base.min - head.max
  if (status === 'regression') {
    const grew = relativeChange(base.max, head.min)
    const by = grew === null ? '' : ` (${percent(grew)})`
    return `${shown}: head's smallest peak is ${bytes(growth)}${by} above base's largest, more than the ${limit} threshold`
  }
  if (status === 'improvement') {
    const shrank = relativeChange(base.min, head.max)!
    return `${shown}: head's largest peak is ${bytes(shrinkage)} (${percent(shrank)}) below base's smallest, more than the ${limit} threshold`
  }
  const gap = growth > 0 ? `+${bytes(growth)}` : `-${bytes(shrinkage)}`
  return rule === 'apart'
    ? `${shown}: the spreads are ${gap} apart, within the ${limit} threshold`
    : `${shown}: the spreads overlap`
}

function describe(m: MetricComparison): string {
  if (m.status === 'not-measured') return unavailableText(m.unavailable ?? { why: 'not-measured' })
  const headSpread =
    m.headSpread ?? (m.head == null ? null : { peaks: [m.head], min: m.head, max: m.head, exact: true })
  if (!headSpread) return m.unavailable ? unavailableText(m.unavailable) : ''
  const budgetText = m.overBudget ? `peak ${bytes(headSpread.max)} is over the ${bytes(m.budget!)} budget` : null
  const failed = m.failedProcesses
  const failedText = failed
    ? `${failed.count} of ${failed.total} memory processes measured no peak (process ${failed.process}: ${failed.reason})`
    : null
  if (!m.baseSpread || !m.judgement) {
    const why = unavailableText(m.unavailable ?? { why: 'not-measured-on-baseline' })
    return [budgetText ?? `peak ${bytesRange(headSpread.min, headSpread.max)}: ${why}`, failedText]
      .filter(Boolean)
      .join('; ')
  }
  const judged = judgementText(m.baseSpread, headSpread, m.threshold!, m.judgement)
  const reasons = [m.judgement.status === 'regression' ? judged : null, budgetText].filter((r) => r !== null)
  return [reasons.length > 0 ? reasons.join('; ') : judged, failedText].filter(Boolean).join('; ')
}

function failedProcesses(memory: MemoryStats): MetricComparison['failedProcesses'] | null {
  const failed = memory.failed_processes ?? []
  if (failed.length === 0) return null
  const first = failed[0]!
  return {
    count: failed.length,
    total: failed.length + (memory.peaks_bytes?.length ?? 1),
    process: first.process,
    reason: first.reason.length > 120 ? `${first.reason.slice(0, 119)}…` : first.reason,
  }
}

/** The allocation site (its innermost project frame) whose size grew most. Sites of another Python release are not
 * comparable: the largest of head's own sites is the culprit then. */
function culprit(entry: EntryVerdict): Culprit | null {
  if (!entry.head) return null
  const base = comparisonOf(entry, 'memory')?.cause === 'other-python' ? null : entry.base
  const key = (frames: { filename: string; lineno: number }[]) =>
    frames.map((f) => `${f.filename}:${f.lineno}`).join('|')
  const before = new Map((base?.memory?.top_sites ?? []).map((s) => [key(s.traceback), s.size_bytes]))
  let best: Culprit | null = null
  let bestDelta = 0
  for (const site of entry.head.memory?.top_sites ?? []) {
    const delta = site.size_bytes - (before.get(key(site.traceback)) ?? 0)
    const frame = site.traceback.find((f) => isProjectFile(f.filename))
    if (frame && delta > bestDelta) {
      bestDelta = delta
      best = {
        qualname: `${frame.filename}:${frame.lineno}`,
        filename: frame.filename,
        lineno: frame.lineno,
        growth: `+${delta} bytes allocated here`,
      }
    }
  }
  return best
}

/** Peaks as spreads over the fresh processes, "773–785 KiB → 790–801 KiB". */
function peaks(m: MetricComparison): string {
  const side = (spread: PeakSpread | undefined, peak: number | null) =>
    spread ? bytesRange(spread.min, spread.max) : peak == null ? null : bytes(peak)
  const [base, head] = [side(m.baseSpread, m.base), side(m.headSpread, m.head)]
  return base === null ? (head ?? '—') : `${base} → ${head ?? '—'}`
}

export const memory: Metric<Settings> = {
  name: 'memory',
  settings: ['memoryThreshold', 'maxPeakMemory'],
  compare,
  describe,
  culprit,
  columns: [
    {
      header: () => 'Peak memory',
      // A change the gate did not count is "unchanged" whatever its sign.
      cell(entry, verdict, medium) {
        const m = comparisonOf(entry, 'memory')
        if (!m || m.status === 'not-measured') return ''
        const values = peaks(m)
        if (m.status === 'unchanged') return `${values} (unchanged)`
        if (m.cause === 'other-python' && !m.overBudget && verdict.base) {
          // Untrusted (the baseline's), so shown as code.
          const python = (version: string) => medium.code(version, 30)
          const pythons = `Python ${python(verdict.base.environment.python_version)} → ${python(verdict.head.environment.python_version)}`
          return `${values} (${medium.mark('not-comparable')}not comparable: ${pythons})`
        }
        const over =
          m.overBudget && m.budget != null ? ` ${medium.mark('regression')}over the ${bytes(m.budget)} budget` : ''
        const change = changeCell(m, medium)
        return `${values}${change ? ` (${change})` : ''}${over}`
      },
    },
    {
      header: () => 'Allocations',
      cell(entry) {
        const base = entry.base?.memory?.allocations
        const head = entry.head?.memory?.allocations
        if (comparisonOf(entry, 'memory')?.cause === 'other-python') return `${count(head ?? 0)} (not comparable)`
        if (base == null && head == null) return ''
        const change = relative(base, head)
        return `${transition(base, head, count)}${change != null && base !== head ? ` (${percent(change)})` : ''}`
      },
    },
  ],
}
