// The per-entry table: one row per entry with time, peak memory, allocations, executed instructions and status.
import { markdownTable } from 'markdown-table'
import type { EntryVerdict, MetricComparison, MetricName, Verdict } from '../verdict.js'
import { code } from './escape.js'
import { bytes, bytesRange, count, duration, intervalName, percent, relative, transition } from './format.js'
import { ENTRY_MARK, METRIC_MARK } from './marks.js'

function metric(entry: EntryVerdict, name: MetricName): MetricComparison | undefined {
  return entry.metrics.find((m) => m.metric === name)
}

const CAUSE: Record<NonNullable<MetricComparison['cause']>, string> = {
  'other-machine': 'other machine',
  'other-python': 'other Python',
}

/** "+12.3% (within-run 95% CI +8.1% … +16.0%)", with the status mark; "not comparable" when the gate says so. */
function changeCell(m: MetricComparison | undefined): string {
  if (!m || m.status === 'not-measured') return ''
  if (m.status === 'not-comparable') return `⚠️ not comparable${m.cause ? `: ${CAUSE[m.cause]}` : ''}`
  if (m.change == null) return ''
  const mark = METRIC_MARK[m.status]
  const ci = m.ci ? ` (${intervalName(m.ci)} ${percent(m.ci.low)} … ${percent(m.ci.high)})` : ''
  return `${mark ? `${mark} ` : ''}${percent(m.change)}${ci}`
}

/** Peaks as spreads over the fresh processes, "773–785 KiB → 790–801 KiB"; a change the gate did not count is
 * "unchanged" whatever its sign. */
function memoryValues(m: MetricComparison): string {
  const side = (spread: MetricComparison['headSpread'], peak: number | null) =>
    spread ? bytesRange(spread.min, spread.max) : peak == null ? null : bytes(peak)
  const [base, head] = [side(m.baseSpread, m.base), side(m.headSpread, m.head)]
  return base === null ? (head ?? '—') : `${base} → ${head ?? '—'}`
}

function valueCell(m: MetricComparison | undefined, render: (n: number) => string, pythons = ''): string {
  if (!m || m.status === 'not-measured') return ''
  const values = m.metric === 'memory' ? memoryValues(m) : transition(m.base, m.head, render)
  if (m.metric === 'time') return values
  if (m.metric === 'memory' && m.status === 'unchanged') return `${values} (unchanged)`
  if (m.metric === 'memory' && m.cause === 'other-python' && !m.overBudget)
    return `${values} (⚠️ not comparable: ${pythons})`
  const over = m.overBudget && m.budget != null ? ` 🔴 over the ${render(m.budget)} budget` : ''
  const change = changeCell(m)
  return `${values}${change ? ` (${change})` : ''}${over}`
}

function allocationsCell(entry: EntryVerdict): string {
  if (metric(entry, 'memory')?.cause === 'other-python')
    return `${count(entry.head?.memory?.allocations ?? 0)} (not comparable)`
  const base = entry.base?.memory?.allocations
  const head = entry.head?.memory?.allocations
  if (base == null && head == null) return ''
  const change = relative(base, head)
  return `${transition(base, head, count)}${change != null && base !== head ? ` (${percent(change)})` : ''}`
}

/** What the time column compares, as the gate says: "CPU time (min)", "Wall time (median)". */
export function timeLabel(verdict: Verdict): string {
  const time = verdict.entries.flatMap((e) => e.metrics).find((m) => m.metric === 'time' && m.statistic)
  if (!time) return 'Time'
  return `${time.clock === 'cpu' ? 'CPU time' : time.clock === 'wall' ? 'Wall time' : 'Time'} (${time.statistic})`
}

/** Regressions first, then errors, then the rest in the order the user configured them. */
const ORDER = ['regression', 'error', 'not-comparable', 'improvement', 'new', 'removed', 'unchanged']

export function orderedEntries(verdict: Verdict): EntryVerdict[] {
  return verdict.entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => ORDER.indexOf(a.entry.status) - ORDER.indexOf(b.entry.status) || a.index - b.index)
    .map(({ entry }) => entry)
}

/**
 * The table with at most `limit` rows (regressions first); a compact rendering names how many rows it left out.
 * The instructions column appears only when some entry counted them.
 */
export function summaryTable(verdict: Verdict, limit = Infinity): string {
  const entries = orderedEntries(verdict)
  const withInstructions = entries.some(
    (e) => metric(e, 'instructions') && metric(e, 'instructions')!.status !== 'not-measured',
  )
  const header = ['Entry', timeLabel(verdict), 'Time change', 'Peak memory', 'Allocations']
  if (withInstructions) header.push('Instructions')
  header.push('Status')
  // Untrusted (the baseline's), so as code; only shown when the releases differ.
  const pythons = verdict.base
    ? `Python ${code(verdict.base.environment.python_version, 30)} → ${code(verdict.head.environment.python_version, 30)}`
    : ''
  const rows = entries.slice(0, limit).map((entry) => {
    const row = [
      code(entry.name, 60),
      valueCell(metric(entry, 'time'), duration),
      changeCell(metric(entry, 'time')),
      valueCell(metric(entry, 'memory'), bytes, pythons),
      allocationsCell(entry),
    ]
    if (withInstructions) row.push(valueCell(metric(entry, 'instructions'), count))
    row.push(ENTRY_MARK[entry.status])
    return row
  })
  const align = header.map((_, i) => (i === 0 || i === header.length - 1 ? 'l' : 'r'))
  const table = markdownTable([header, ...rows], { align, alignDelimiters: false })
  const rest = entries.length - rows.length
  const notes = [rest > 0 ? `_${rest} more entries are in the full report._` : '', intervalNote(verdict)]
  return [table, ...notes.filter(Boolean)].join('\n\n')
}

/** What a within-run interval does not cover, said once under the table that shows it. */
function intervalNote(verdict: Verdict): string {
  const withinRun = verdict.entries.some((e) => metric(e, 'time')?.ci?.covers === 'calls')
  return withinRun
    ? '_Within-run intervals and p-values cover the variation between the calls of each side’s run, not between ' +
        'two runs: two runs of unchanged code on a shared runner differ by more. The threshold, and re-measuring ' +
        'suspected regressions, are what absorb that._'
    : ''
}
