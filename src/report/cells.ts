// Pieces of summary-table cells that several metrics' columns share (src/metrics/*.ts supply the columns).
import type { MetricComparison } from '../verdict.js'
import { intervalName, percent } from './format.js'
import type { Medium } from '../metrics/metric.js'

const CAUSE: Record<NonNullable<MetricComparison['cause']>, string> = {
  'other-machine': 'other machine',
  'other-python': 'other Python',
}

/** "+12.3% (within-run 95% CI +8.1% … +16.0%)", with the status mark; "not comparable" when the gate says so. */
export function changeCell(m: MetricComparison | undefined, medium: Medium): string {
  if (!m || m.status === 'not-measured') return ''
  if (m.status === 'not-comparable')
    return `${medium.mark('not-comparable')}not comparable${m.cause ? `: ${CAUSE[m.cause]}` : ''}`
  if (m.change == null) return ''
  const ci = m.ci ? ` (${intervalName(m.ci)} ${percent(m.ci.low)} … ${percent(m.ci.high)})` : ''
  return `${medium.mark(m.status)}${percent(m.change)}${ci}`
}
