// One mark per status, shared by the headline, the table and the details so they always agree.
import type { EntryStatus, GateResult, MetricStatus } from '../verdict.js'

export const ENTRY_MARK: Record<EntryStatus, string> = {
  regression: '🔴 regression',
  improvement: '🟢 improvement',
  unchanged: '⚪ unchanged',
  new: '🆕 new',
  removed: '➖ removed',
  error: '❌ error',
  'not-comparable': '⚠️ not comparable',
}

export const METRIC_MARK: Record<MetricStatus, string> = {
  regression: '🔴',
  improvement: '🟢',
  unchanged: '',
  'not-comparable': '⚠️',
  'not-measured': '',
}

export const RESULT_MARK: Record<GateResult, string> = {
  pass: '✅',
  fail: '🔴',
  'no-baseline': 'ℹ️',
  error: '❌',
}
