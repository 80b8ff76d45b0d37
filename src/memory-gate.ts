// The memory gate: tracemalloc peaks compared as spreads. Each side's peak is measured in several fresh processes
// (`memory-runs`), and real code peaks a percent or two apart from one process to the next (identity hashes, cache
// and free-list order), so one peak against one peak would flag noise. A change counts only when the spreads are
// apart by more than the threshold; where every peak on both sides is identical the peak is exact and 1 KiB counts.
import { thresholdText } from './config.js'
import { bytes, bytesRange, percent, signed } from './report/format.js'
import type { MemoryStats, ResultsEntry } from './results.js'
import { median, relativeChange } from './stats.js'
import type { MetricComparison, PeakSpread } from './verdict.js'

/** On exact peaks (every peak identical on both sides), a growth or shrinkage of this many bytes always counts. */
export const EXACT_CHANGE_BYTES = 1024

export interface MemoryThresholds {
  /** Relative: 0.01 is 1%. */
  memory: number
  /** Absolute budget for the largest peak, in bytes, or null. */
  budget: number | null
}

/** A side's peaks; a file written before peaks were kept has one peak, read as a spread of one. */
export function peakSpread(memory: MemoryStats): PeakSpread {
  const peaks = memory.peaks_bytes?.length ? memory.peaks_bytes : [memory.peak_bytes]
  const min = Math.min(...peaks)
  const max = Math.max(...peaks)
  return { peaks, min, max, exact: min === max }
}

/**
 * Compares head's peaks with base's. `incomparable` says why base cannot be used (no baseline, new entry, another
 * Python); the absolute budget applies either way.
 */
export function compareMemory(
  base: ResultsEntry | null,
  head: ResultsEntry,
  thresholds: MemoryThresholds,
  incomparable: string | null,
  otherPython: boolean,
): MetricComparison {
  const threshold = thresholds.memory
  const budget = thresholds.budget
  if (head.memory === null) {
    const why = head.memory_unmeasured ? `not measured: ${head.memory_unmeasured}` : 'not measured'
    return { metric: 'memory', status: 'not-measured', base: null, head: null, change: null, threshold, reason: why }
  }
  const headSpread = peakSpread(head.memory)
  const overBudget = budget !== null && headSpread.max > budget
  const budgetText = overBudget ? `peak ${bytes(headSpread.max)} is over the ${bytes(budget)} budget` : null
  const failed = failedProcesses(head.memory)
  const baseMemory = incomparable === null ? (base?.memory ?? null) : null
  const baseSpread = baseMemory ? peakSpread(baseMemory) : null
  const common = {
    metric: 'memory' as const,
    head: headSpread.max,
    threshold,
    budget,
    overBudget,
    headSpread,
    // Peaks, allocations and sites of another Python release are not compared (the budget still applies).
    ...(otherPython ? { cause: 'other-python' as const } : {}),
  }
  if (baseSpread === null) {
    const why = incomparable ?? 'not measured on the baseline'
    const reason = [budgetText ?? `peak ${bytesRange(headSpread.min, headSpread.max)}: ${why}`, failed]
    return {
      ...common,
      base: base?.memory ? peakSpread(base.memory).max : null,
      status: overBudget ? 'regression' : 'not-comparable',
      change: null,
      reason: reason.filter(Boolean).join('; '),
    }
  }
  const judged = judge(baseSpread, headSpread, threshold)
  const reasons = [judged.status === 'regression' ? judged.text : null, budgetText].filter((r) => r !== null)
  return {
    ...common,
    base: baseSpread.max,
    baseSpread,
    status: overBudget ? 'regression' : judged.status,
    change: relativeChange(median(baseSpread.peaks), median(headSpread.peaks)),
    reason: [reasons.length > 0 ? reasons.join('; ') : judged.text, failed].filter(Boolean).join('; '),
  }
}

interface Judged {
  status: 'regression' | 'improvement' | 'unchanged'
  text: string
}

/** Regression: head's smallest peak above base's largest by more than the threshold (or by 1 KiB on exact peaks). */
function judge(base: PeakSpread, head: PeakSpread, threshold: number): Judged {
  const exact = base.exact && head.exact
  const limit = thresholdText(threshold)
  const shown = `peak ${bytesRange(base.min, base.max)} → ${bytesRange(head.min, head.max)}`
  if (exact) {
    const delta = head.max - base.max
    const change = relativeChange(base.max, head.max)
    const measured = `${shown} (${change === null ? 'new' : percent(change)}, ${signed(delta, bytes)}), exact on both sides`
    const past = change === null ? delta > 0 : Math.abs(change) > threshold
    const counts = past || Math.abs(delta) >= EXACT_CHANGE_BYTES
    const why = past ? `more than the ${limit} threshold` : `at least ${bytes(EXACT_CHANGE_BYTES)}`
    if (counts && delta > 0) return { status: 'regression', text: `${measured}: ${why}` }
    if (counts && delta < 0) return { status: 'improvement', text: `${measured}: smaller by ${why}` }
    return {
      status: 'unchanged',
      text: `${measured}: within the ${limit} threshold and under ${bytes(EXACT_CHANGE_BYTES)}`,
    }
  }
  // The gap between the spreads: positive when head's peaks all lie above base's (growth) or all below (shrinkage).
  const growth = head.min - base.max
  const shrinkage = base.min - head.max
  const grew = relativeChange(base.max, head.min)
  const shrank = relativeChange(base.min, head.max)
  if (growth > 0 && (grew === null || grew > threshold)) {
    const by = grew === null ? '' : ` (${percent(grew)})`
    return {
      status: 'regression',
      text: `${shown}: head's smallest peak is ${bytes(growth)}${by} above base's largest, more than the ${limit} threshold`,
    }
  }
  if (shrinkage > 0 && shrank !== null && -shrank > threshold) {
    return {
      status: 'improvement',
      text: `${shown}: head's largest peak is ${bytes(shrinkage)} (${percent(shrank)}) below base's smallest, more than the ${limit} threshold`,
    }
  }
  const apart = growth > 0 || shrinkage > 0
  const gap = growth > 0 ? `+${bytes(growth)}` : `-${bytes(shrinkage)}`
  return {
    status: 'unchanged',
    text: apart
      ? `${shown}: the spreads are ${gap} apart, within the ${limit} threshold`
      : `${shown}: the spreads overlap`,
  }
}

function failedProcesses(memory: MemoryStats): string | null {
  const failed = memory.failed_processes ?? []
  if (failed.length === 0) return null
  const total = failed.length + (memory.peaks_bytes?.length ?? 1)
  const first = failed[0]!
  const reason = first.reason.length > 120 ? `${first.reason.slice(0, 119)}…` : first.reason
  return `${failed.length} of ${total} memory processes measured no peak (process ${first.process}: ${reason})`
}
