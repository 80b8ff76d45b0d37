// The verdict in sentences: each comparison's reason (worded by its metric, src/metrics/), and the failure lines
// given to core.setFailed, the CLI's stderr and the annotations.
import { metricNamed } from '../metrics/registry.js'
import type { ResultsEntry } from '../results.js'
import type { EntryVerdict, MetricComparison, Verdict } from '../verdict.js'

/** One line a person reads, e.g. "CPU min 1.00 ms → 1.13 ms, +13.0% (within-run 95% CI …, p=0.002): slower than …". */
export function reasonText(m: MetricComparison): string {
  return metricNamed(m.metric)?.describe(m) ?? ''
}

/** "failed during timing: ZeroDivisionError: division by zero", the first line of the message, cut at 200. */
export function errorLine(entry: ResultsEntry): string {
  const error = entry.error
  const what = entry.status === 'timeout' ? 'timed out' : 'failed'
  if (!error) return what
  const message = error.message.split('\n')[0]!.slice(0, 200)
  return `${what}${error.phase ? ` during ${error.phase}` : ''}: ${error.type}${message ? `: ${message}` : ''}`
}

/** An entry's failure lines: its error, or one line per regressed metric ("checkout: time CPU min …"). */
export function entryFailures(entry: EntryVerdict): string[] {
  if (entry.status === 'error')
    return [
      entry.head!.status === 'ok'
        ? `${entry.name}: base ${errorLine(entry.base!)}`
        : `${entry.name}: ${errorLine(entry.head!)}`,
    ]
  return entry.metrics
    .filter((m) => m.status === 'regression')
    .map((m) => `${entry.name}: ${m.metric} ${reasonText(m)}`)
}

/** One line per failed entry and regressed metric, as given to core.setFailed. */
export function failureLines(verdict: Verdict): string[] {
  return verdict.entries.flatMap(entryFailures)
}
