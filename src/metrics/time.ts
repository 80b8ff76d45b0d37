// The time metric: each side's calls (CPU or wall clock) reduced to a statistic (min or median), the relative change
// tested for significance and held to the threshold. Only time depends on the machine, so only time is left out when
// base was measured on another machine or Python.
import { thresholdText } from '../config.js'
import { changeCell } from '../report/cells.js'
import { duration, intervalName, percent, transition } from '../report/format.js'
import { unavailableText } from '../report/unavailable.js'
import { functionKey, type ResultsEntry } from '../results.js'
import { changeInterval, mannWhitneyU, relativeChange, roundValues, statistic } from '../stats.js'
import type { IntervalCovers, MetricComparison, Verdict } from '../verdict.js'
import { comparisonOf, largestGrowth, notCompared, type Metric, type MetricInput } from './metric.js'

type Settings = 'timeThreshold' | 'significance' | 'clock' | 'timeStatistic'

function compare(input: MetricInput<Settings>): MetricComparison {
  const { head, settings } = input
  const { clock, timeStatistic: which, timeThreshold: threshold } = settings
  const base = input.missing === null ? input.base : null
  const samplesOf = (entry: ResultsEntry | null) =>
    (clock === 'cpu' ? entry?.time?.cpu_samples_ns : entry?.time?.samples_ns) ?? []
  const valueOf = (samples: number[]) => (samples.length > 0 ? statistic(which, samples) : null)
  const headSamples = samplesOf(head)
  const baseSamples = samplesOf(base)
  const headValue = valueOf(headSamples)
  const baseValue = valueOf(baseSamples)
  const shown = { clock, statistic: which }
  const skip = (status: 'not-comparable' | 'not-measured', why: MetricComparison['unavailable']) => ({
    ...notCompared('time', status, { base: baseValue, head: headValue, threshold }, why!),
    ...shown,
  })
  if (head.time === null) return skip('not-measured', { why: 'not-measured' })
  if (headValue === null) return skip('not-comparable', { why: 'no-samples', clock, onBaseline: false })
  if (input.missing !== null) return skip('not-comparable', input.missing)
  if (base!.time === null) return skip('not-comparable', { why: 'not-measured-on-baseline' })
  if (baseValue === null) return skip('not-comparable', { why: 'no-samples', clock, onBaseline: true })
  if (input.otherPython) return { ...skip('not-comparable', input.otherPython), cause: 'other-python' }
  // Another CPU or Python build runs the same code at another speed: no statistic of two runs can separate that
  // from a change in the code. Memory and instructions do not depend on the machine, and stay gated.
  if (input.otherMachine)
    return {
      ...skip('not-comparable', { why: 'other-machine', detail: input.otherMachine }),
      cause: 'other-machine',
    }
  const alpha = settings.significance
  const change = relativeChange(baseValue, headValue)
  // The test and the interval look at the samples the statistic speaks for: all of them for the median, the
  // undisturbed (fastest) calls for the minimum. Interference only ever adds time, so slow calls say nothing
  // about the code, and a test over all calls would mostly compare how busy the machine was.
  // Side by side (same-runner mode) the unit of variation is the round, a fresh process per side: calls within one
  // process share its luck (memory layout, hash seeds, a neighbour's burst), so they are not independent samples.
  const rounds = byRound(base!, head, baseSamples, headSamples, which)
  const [baseCompared, headCompared] =
    rounds ?? (which === 'min' ? [fastest(baseSamples), fastest(headSamples)] : [baseSamples, headSamples])
  const { pValue } = mannWhitneyU(baseCompared, headCompared)
  // Without rounds both sides are one process each: the interval and the test see call-to-call variation only
  // (docs/gate.md).
  const covers: IntervalCovers = rounds ? 'rounds' : 'calls'
  const ci = { ...changeInterval(baseCompared, headCompared, 1 - alpha, which), covers }
  const significant = pValue < alpha
  const status =
    !significant || change === null
      ? 'unchanged'
      : change > threshold
        ? 'regression'
        : change < -threshold
          ? 'improvement'
          : 'unchanged'
  return {
    metric: 'time',
    status,
    base: baseValue,
    head: headValue,
    change,
    threshold,
    ci,
    ...shown,
    pValue,
    significance: alpha,
    compared: { base: baseCompared.length, head: headCompared.length },
  }
}

function describe(m: MetricComparison): string {
  if (m.unavailable) return unavailableText(m.unavailable)
  if (m.base == null || m.head == null || !m.ci || m.pValue == null) return ''
  const threshold = thresholdText(m.threshold!)
  const alpha = m.significance ?? 0.05
  const rounds = m.ci?.covers === 'rounds'
  const counts = m.compared ?? { base: 0, head: 0 }
  const measured =
    `${m.clock === 'cpu' ? 'CPU' : 'wall'} ${m.statistic} ${duration(m.base)} → ${duration(m.head)}, ` +
    `${m.change == null ? 'n/a' : percent(m.change)} (${intervalName(m.ci)} ${percent(m.ci.low)} … ${percent(m.ci.high)}, p=${formatP(m.pValue)}` +
    `${rounds ? `, ${counts.base} + ${counts.head} rounds` : ''})`
  const verdictText =
    m.status === 'regression'
      ? `slower than the ${threshold} threshold`
      : m.status === 'improvement'
        ? `faster by more than ${threshold}`
        : !(m.pValue < alpha)
          ? `not significant at p<${alpha}${tooFewSamples(counts.base, counts.head, alpha, rounds)}`
          : `within the ${threshold} threshold`
  return `${measured}: ${verdictText}`
}

/** The project function whose own time (one profiled call) grew most. */
function culprit(entry: Parameters<Metric['culprit']>[0]) {
  if (!entry.head) return null
  const before = new Map((entry.base?.profile?.functions ?? []).map((f) => [functionKey(f), f.own_ns]))
  return largestGrowth(
    (entry.head.profile?.functions ?? []).map((f) => ({ ...f, delta: f.own_ns - (before.get(functionKey(f)) ?? 0) })),
    (delta) => `own time +${(delta / 1e6).toFixed(2)} ms`,
  )
}

/** What the time column compares, as the gate says: "CPU time (min)", "Wall time (median)". */
export function timeLabel(verdict: Verdict): string {
  const time = verdict.entries.flatMap((e) => e.metrics).find((m) => m.metric === 'time' && m.statistic)
  if (!time) return 'Time'
  return `${time.clock === 'cpu' ? 'CPU time' : time.clock === 'wall' ? 'Wall time' : 'Time'} (${time.statistic})`
}

export const time: Metric<Settings> = {
  name: 'time',
  settings: ['timeThreshold', 'significance', 'clock', 'timeStatistic'],
  compare,
  describe,
  culprit,
  columns: [
    {
      header: timeLabel,
      cell(entry) {
        const m = comparisonOf(entry, 'time')
        return !m || m.status === 'not-measured' ? '' : transition(m.base, m.head, duration)
      },
    },
    { header: () => 'Time change', cell: (entry, _, medium) => changeCell(comparisonOf(entry, 'time'), medium) },
  ],
}

/** How much slower than the fastest call a call may be and still count as undisturbed. */
const UNDISTURBED = 0.1

/** The undisturbed calls: those within UNDISTURBED of the fastest (at least 5, or all when there are fewer). */
function fastest(samples: readonly number[]): number[] {
  const sorted = [...samples].sort((a, b) => a - b)
  const limit = sorted[0]! * (1 + UNDISTURBED)
  return sorted.filter((x, i) => x <= limit || i < 5)
}

/** The smallest two-sided p-value samples this small can reach is 2 / C(m + n, m); say so when it cannot pass. */
function tooFewSamples(m: number, n: number, alpha: number, rounds: boolean): string {
  let combinations = 1
  for (let i = 1; i <= Math.min(m, n); i++) combinations = (combinations * (m + n - Math.min(m, n) + i)) / i
  if (2 / combinations < alpha) return ''
  return rounds
    ? ` (${m} and ${n} rounds can never be; raise significance)`
    : ` (${m} and ${n} samples can never be; raise repeat)`
}

/** Each round's statistic on both sides, when both were measured in rounds (at least two each); else null. */
function byRound(
  base: ResultsEntry,
  head: ResultsEntry,
  baseSamples: number[],
  headSamples: number[],
  which: 'min' | 'median',
): [number[], number[]] | null {
  const baseSizes = base.time?.round_sizes
  const headSizes = head.time?.round_sizes
  if (!baseSizes || !headSizes || baseSizes.length < 2 || headSizes.length < 2) return null
  return [roundValues(which, baseSamples, baseSizes), roundValues(which, headSamples, headSizes)]
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p < 0.01 ? p.toFixed(4) : p.toFixed(3)
}
