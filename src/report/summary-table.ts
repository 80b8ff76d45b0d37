// The per-entry table: one row per entry, the columns each metric supplies (src/metrics/), and its status.
import { markdownTable } from 'markdown-table'
import { METRICS } from '../metrics/index.js'
import type { Column, Medium } from '../metrics/metric.js'
import type { EntryVerdict, Verdict } from '../verdict.js'
import { code } from './escape.js'
import { ENTRY_MARK, METRIC_MARK } from './marks.js'

/** Regressions first, then errors, then the rest in the order the user configured them. */
const ORDER = ['regression', 'error', 'not-comparable', 'improvement', 'new', 'removed', 'unchanged']

export function orderedEntries(verdict: Verdict): EntryVerdict[] {
  return verdict.entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => ORDER.indexOf(a.entry.status) - ORDER.indexOf(b.entry.status) || a.index - b.index)
    .map(({ entry }) => entry)
}

/** The metrics' columns for this verdict: an optional one only when some entry measured its metric. */
export function metricColumns(verdict: Verdict): Column[] {
  const measured = (name: string) =>
    verdict.entries.some((e) => e.metrics.some((m) => m.metric === name && m.status !== 'not-measured'))
  return METRICS.flatMap((metric) => metric.columns.filter((c) => !c.optional || measured(metric.name)))
}

const MARKDOWN: Medium = {
  code,
  mark: (status) => (METRIC_MARK[status] ? `${METRIC_MARK[status]} ` : ''),
}

/**
 * The table with at most `limit` rows (regressions first); a compact rendering names how many rows it left out.
 */
export function summaryTable(verdict: Verdict, limit = Infinity): string {
  const entries = orderedEntries(verdict)
  const columns = metricColumns(verdict)
  const header = ['Entry', ...columns.map((c) => c.header(verdict)), 'Status']
  const rows = entries
    .slice(0, limit)
    .map((entry) => [
      code(entry.name, 60),
      ...columns.map((c) => c.cell(entry, verdict, MARKDOWN)),
      ENTRY_MARK[entry.status],
    ])
  const align = header.map((_, i) => (i === 0 || i === header.length - 1 ? 'l' : 'r'))
  const table = markdownTable([header, ...rows], { align, alignDelimiters: false })
  const rest = entries.length - rows.length
  const notes = [rest > 0 ? `_${rest} more entries are in the full report._` : '', intervalNote(verdict)]
  return [table, ...notes.filter(Boolean)].join('\n\n')
}

/** What a within-run interval does not cover, said once under the table that shows it. */
export function intervalNote(verdict: Verdict): string {
  const withinRun = verdict.entries.some((e) => e.metrics.some((m) => m.ci?.covers === 'calls'))
  return withinRun
    ? '_Within-run intervals and p-values cover the variation between the calls of each side’s run, not between ' +
        'two runs: two runs of unchanged code on a shared runner differ by more. The threshold, and re-measuring ' +
        'suspected regressions, are what absorb that._'
    : ''
}
