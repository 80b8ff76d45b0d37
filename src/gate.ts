// The one place the pass/fail decision is made: every entry of head compared with base, metric by metric
// (src/metrics/), under the configured thresholds. Reports and publishers only read the Verdict this returns; the
// words for it are theirs (src/report/).
import type { Config } from './config.js'
import { compareEnvironments } from './environment.js'
import { METRICS, type MetricSetting } from './metrics/index.js'
import { settingsFor } from './metrics/metric.js'
import { samePython, type Results, type ResultsEntry } from './results.js'
import type { EntryStatus, EntryVerdict, MetricComparison, Unavailable, Verdict } from './verdict.js'

/** The settings the gate reads: the entries and every metric's settings; a whole Config fits. */
export type GateSettings = Pick<Config, 'entryPoints' | MetricSetting>

interface Comparison {
  settings: GateSettings
  /** Base and head ran other Python releases, as the reason's data; null when they did not (or no baseline). */
  otherPython: Unavailable | null
  /** Why time measured on the baseline's machine is not comparable with this run's (src/environment.ts). */
  otherMachine: string | null
}

export function gate(head: Results, base: Results | null, settings: GateSettings): Verdict {
  const environment = base === null ? null : compareEnvironments(base.environment, head.environment)
  const same = base === null || samePython(base, head)
  const release = (results: Results) => ({
    implementation: results.environment.implementation,
    version: results.environment.python_version,
  })
  const context: Comparison = {
    settings,
    otherPython: same ? null : { why: 'other-python', base: release(base!), head: release(head) },
    otherMachine: environment?.otherMachine ?? null,
  }
  const entries: EntryVerdict[] = head.entries.map((entry) =>
    judgeEntry(entry, base?.entries.find((b) => b.name === entry.name) ?? null, base !== null, context),
  )
  for (const removed of base?.entries ?? []) {
    if (!head.entries.some((e) => e.name === removed.name)) {
      entries.push({ name: removed.name, status: 'removed', base: removed, head: null, metrics: [] })
    }
  }
  const failed = entries.some(
    (entry) => entry.status === 'error' || entry.metrics.some((m) => m.status === 'regression'),
  )
  const countOf = (status: EntryStatus) => entries.filter((e) => e.status === status).length
  return {
    result: failed ? 'fail' : base === null ? 'no-baseline' : 'pass',
    entries,
    regressions: countOf('regression'),
    improvements: countOf('improvement'),
    unchanged: countOf('unchanged'),
    samePython: same,
    environment,
    head,
    base,
  }
}

function judgeEntry(
  head: ResultsEntry,
  base: ResultsEntry | null,
  haveBaseline: boolean,
  context: Comparison,
): EntryVerdict {
  if (head.status !== 'ok') return { name: head.name, status: 'error', base, head, metrics: [] }
  // The base imported another checkout's code (same-runner mode): a setup mistake that would hide every change.
  if (base?.error?.type === 'OutsideTree') return { name: head.name, status: 'error', base, head, metrics: [] }
  // Nothing to compare with: a new entry, or one whose baseline run failed. The absolute budget still applies.
  const missing: Unavailable | null = !haveBaseline
    ? { why: 'no-baseline' }
    : base === null
      ? { why: 'new-entry' }
      : base.status !== 'ok'
        ? { why: 'baseline-failed', timedOut: base.status === 'timeout' }
        : null
  const metrics = METRICS.map((metric) =>
    metric.compare({
      head,
      base: missing === null ? base : null,
      missing,
      otherPython: context.otherPython,
      otherMachine: context.otherMachine,
      settings: settingsFor(metric, context.settings, head.name),
    }),
  )
  const has = (status: MetricComparison['status']) => metrics.some((m) => m.status === status)
  const status: EntryStatus = has('regression')
    ? 'regression'
    : missing !== null && (base === null || !haveBaseline)
      ? 'new'
      : has('improvement')
        ? 'improvement'
        : has('unchanged')
          ? 'unchanged'
          : 'not-comparable'
  return { name: head.name, status, base, head, metrics }
}
