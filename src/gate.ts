// The one place the pass/fail decision is made: every entry and metric of head compared with base under the
// configured thresholds. Reports and publishers only read the Verdict this returns.
import { thresholdText, type Config, type EntryPoint } from './config.js'
import { compareEnvironments } from './environment.js'
import { compareMemory } from './memory-gate.js'
import { count, duration, intervalName, percent } from './report/format.js'
import { samePython, type Environment, type Results, type ResultsEntry } from './results.js'
import { changeInterval, mannWhitneyU, relativeChange, roundValues, statistic } from './stats.js'
import type { EntryStatus, EntryVerdict, IntervalCovers, MetricComparison, Verdict } from './verdict.js'

/** The settings the gate reads; a whole Config fits. */
export type GateSettings = Pick<
  Config,
  | 'entryPoints'
  | 'timeThreshold'
  | 'memoryThreshold'
  | 'instructionsThreshold'
  | 'maxPeakMemory'
  | 'significance'
  | 'clock'
  | 'timeStatistic'
>

interface Thresholds {
  time: number
  memory: number
  instructions: number
  budget: number | null
}

export function gate(head: Results, base: Results | null, settings: GateSettings): Verdict {
  const environment = base === null ? null : compareEnvironments(base.environment, head.environment)
  const context: Comparison = {
    settings,
    samePython: base === null || samePython(base, head),
    base: base?.environment ?? null,
    head: head.environment,
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
  const failures = entries.flatMap((entry) =>
    entry.status === 'error'
      ? [
          entry.head!.status === 'ok'
            ? `${entry.name}: base ${errorLine(entry.base!)}`
            : `${entry.name}: ${errorLine(entry.head!)}`,
        ]
      : entry.metrics.filter((m) => m.status === 'regression').map((m) => `${entry.name}: ${m.metric} ${m.reason}`),
  )
  const countOf = (status: EntryStatus) => entries.filter((e) => e.status === status).length
  return {
    result: failures.length > 0 ? 'fail' : base === null ? 'no-baseline' : 'pass',
    entries,
    regressions: countOf('regression'),
    improvements: countOf('improvement'),
    unchanged: countOf('unchanged'),
    samePython: context.samePython,
    environment,
    failures,
    head,
    base,
  }
}

interface Comparison {
  settings: GateSettings
  samePython: boolean
  base: Environment | null
  head: Environment
  /** Why time measured on the baseline's machine is not comparable with this run's (src/environment.ts). */
  otherMachine: string | null
}

function thresholdsFor(name: string, settings: GateSettings): Thresholds {
  const entry: EntryPoint | undefined = settings.entryPoints.find((e) => e.name === name)
  return {
    time: entry?.timeThreshold ?? settings.timeThreshold,
    memory: entry?.memoryThreshold ?? settings.memoryThreshold,
    instructions: entry?.instructionsThreshold ?? settings.instructionsThreshold,
    budget: entry?.maxPeakMemory !== undefined ? entry.maxPeakMemory : settings.maxPeakMemory,
  }
}

function judgeEntry(
  head: ResultsEntry,
  base: ResultsEntry | null,
  haveBaseline: boolean,
  context: Comparison,
): EntryVerdict {
  const thresholds = thresholdsFor(head.name, context.settings)
  if (head.status !== 'ok') return { name: head.name, status: 'error', base, head, metrics: [] }
  // The base imported another checkout's code (same-runner mode): a setup mistake that would hide every change.
  if (base?.error?.type === 'OutsideTree') return { name: head.name, status: 'error', base, head, metrics: [] }
  // Nothing to compare with: a new entry, or one whose baseline run failed. The absolute budget still applies.
  const missing = !haveBaseline
    ? 'no baseline'
    : base === null
      ? 'new entry'
      : base.status !== 'ok'
        ? `the baseline run ${base.status === 'timeout' ? 'timed out' : 'errored'}`
        : null
  const comparable = missing === null ? base : null
  const metrics = [
    compareTime(comparable, head, thresholds.time, context, missing),
    compareMemory(
      comparable,
      head,
      thresholds,
      missing ?? (context.samePython ? null : differentPython(context)),
      !context.samePython,
    ),
    compareInstructions(comparable, head, thresholds.instructions, context, missing),
  ]
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

function notCompared(
  metric: MetricComparison['metric'],
  status: 'not-comparable' | 'not-measured',
  base: number | null,
  head: number | null,
  threshold: number | null,
  reason: string,
): MetricComparison {
  return { metric, status, base, head, change: null, threshold, reason }
}

function compareTime(
  base: ResultsEntry | null,
  head: ResultsEntry,
  threshold: number,
  context: Comparison,
  missing: string | null,
): MetricComparison {
  const { clock, timeStatistic: which } = context.settings
  const samplesOf = (entry: ResultsEntry | null) =>
    (clock === 'cpu' ? entry?.time?.cpu_samples_ns : entry?.time?.samples_ns) ?? []
  const valueOf = (samples: number[]) => (samples.length > 0 ? statistic(which, samples) : null)
  const headSamples = samplesOf(head)
  const baseSamples = samplesOf(missing === null ? base : null)
  const headValue = valueOf(headSamples)
  const baseValue = valueOf(baseSamples)
  const shown = { clock, statistic: which }
  const skip = (status: 'not-comparable' | 'not-measured', reason: string): MetricComparison => ({
    ...notCompared('time', status, baseValue, headValue, threshold, reason),
    ...shown,
  })
  if (head.time === null) return skip('not-measured', 'not measured')
  if (headValue === null) return skip('not-comparable', `no ${clock} time samples`)
  if (missing !== null) return skip('not-comparable', missing)
  if (base!.time === null) return skip('not-comparable', 'not measured on the baseline')
  if (baseValue === null) return skip('not-comparable', `no ${clock} time samples on the baseline`)
  if (!context.samePython) return { ...skip('not-comparable', differentPython(context)), cause: 'other-python' }
  // Another CPU or Python build runs the same code at another speed: no statistic of two runs can separate that
  // from a change in the code. Memory and instructions do not depend on the machine, and stay gated.
  if (context.otherMachine)
    return { ...skip('not-comparable', otherMachineText(context.otherMachine)), cause: 'other-machine' }
  const alpha = context.settings.significance
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
  const measured =
    `${clock === 'cpu' ? 'CPU' : 'wall'} ${which} ${duration(baseValue)} → ${duration(headValue)}, ` +
    `${change === null ? 'n/a' : percent(change)} (${intervalName(ci)} ${percent(ci.low)} … ${percent(ci.high)}, p=${formatP(pValue)}` +
    `${rounds ? `, ${baseCompared.length} + ${headCompared.length} rounds` : ''})`
  const verdictText =
    status === 'regression'
      ? `slower than the ${thresholdText(threshold)} threshold`
      : status === 'improvement'
        ? `faster by more than ${thresholdText(threshold)}`
        : !significant
          ? `not significant at p<${alpha}${tooFewSamples(baseCompared.length, headCompared.length, alpha, rounds !== null)}`
          : `within the ${thresholdText(threshold)} threshold`
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
    reason: `${measured}: ${verdictText}`,
  }
}

function compareInstructions(
  base: ResultsEntry | null,
  head: ResultsEntry,
  threshold: number,
  context: Comparison,
  missing: string | null,
): MetricComparison {
  const headTotal = head.instructions?.total ?? null
  if (headTotal === null) {
    // The harness says why when the pass was asked for but lost (it overran the timeout); the note is its text.
    const why = typeof head.instructions_unmeasured === 'string' ? head.instructions_unmeasured : 'not measured'
    return notCompared('instructions', 'not-measured', null, null, threshold, why)
  }
  if (missing !== null) return notCompared('instructions', 'not-comparable', null, headTotal, threshold, missing)
  const baseTotal = base!.instructions?.total ?? null
  if (baseTotal === null)
    return notCompared('instructions', 'not-comparable', null, headTotal, threshold, 'not measured on the baseline')
  if (!context.samePython)
    return {
      ...notCompared('instructions', 'not-comparable', baseTotal, headTotal, threshold, differentPython(context)),
      cause: 'other-python',
    }
  const change = relativeChange(baseTotal, headTotal)
  const grew = change === null ? headTotal > 0 : change > threshold
  const status = grew ? 'regression' : change !== null && change < -threshold ? 'improvement' : 'unchanged'
  const delta = headTotal - baseTotal
  const measured = `${count(baseTotal)} → ${count(headTotal)} executed instructions (${change === null ? 'new' : percent(change)}, ${delta >= 0 ? '+' : '-'}${count(Math.abs(delta))})`
  const verdictText =
    status === 'regression'
      ? `more than the ${thresholdText(threshold)} threshold`
      : status === 'improvement'
        ? `fewer by more than ${thresholdText(threshold)}`
        : `within the ${thresholdText(threshold)} threshold`
  return {
    metric: 'instructions',
    status,
    base: baseTotal,
    head: headTotal,
    change,
    threshold,
    reason: `${measured}: ${verdictText}`,
  }
}

/** How much slower than the fastest call a call may be and still count as undisturbed. */
const UNDISTURBED = 0.1

/** The undisturbed calls: those within UNDISTURBED of the fastest (at least 5, or all when there are fewer). */
function fastest(samples: readonly number[]): number[] {
  const sorted = [...samples].sort((a, b) => a - b)
  const limit = sorted[0]! * (1 + UNDISTURBED)
  return sorted.filter((x, i) => x <= limit || i < 5)
}

function otherMachineText(why: string): string {
  return `not comparable: other machine (${why}); same-runner mode (compare: same-runner) measures base and head on one runner and compares time`
}

/** "base ran Python 3.12.1, head 3.13.0", naming the implementations when they differ. */
function differentPython(context: Comparison): string {
  const { base, head } = context
  const named = base !== null && base.implementation !== head.implementation
  const side = (env: Environment | null) => `${named ? env!.implementation : 'Python'} ${env?.python_version}`
  return `not comparable: base ran ${side(base)}, head ${named ? side(head) : head.python_version}`
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

export function errorLine(entry: ResultsEntry): string {
  const error = entry.error
  const what = entry.status === 'timeout' ? 'timed out' : 'failed'
  if (!error) return what
  const message = error.message.split('\n')[0]!.slice(0, 200)
  return `${what}${error.phase ? ` during ${error.phase}` : ''}: ${error.type}${message ? `: ${message}` : ''}`
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p < 0.01 ? p.toFixed(4) : p.toFixed(3)
}
