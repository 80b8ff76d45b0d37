// A comparison with its reason in words, for assertions that check status and reason together.
import { reasonText } from '../../src/report/reasons.js'
import type { MetricComparison } from '../../src/verdict.js'

export function described(m: MetricComparison): MetricComparison & { reason: string } {
  return { ...m, reason: reasonText(m) }
}
