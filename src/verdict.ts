// What the gate decides (src/gate.ts computes it; reports and publishers only read it).
import type { EnvironmentComparison } from './environment.js'
import type { Results, ResultsEntry } from './results.js'

/** A metric's name, as its module in src/metrics/ declares it: 'time', 'memory', 'instructions'… */
export type MetricName = string

/** regression/improvement: past the threshold (and significant, for time); not-comparable: e.g. other Python minor. */
export type MetricStatus = 'regression' | 'improvement' | 'unchanged' | 'not-comparable' | 'not-measured'

/**
 * What a time interval (and its p-value) accounts for. `calls`: the variation between calls within each side's run
 * (one process per side): not the variation between two runs, which on shared machines is larger. `rounds`: the
 * variation between rounds, fresh processes of both sides interleaved on one runner (same-runner mode).
 */
export type IntervalCovers = 'calls' | 'rounds'

export interface MetricComparison {
  metric: MetricName
  status: MetricStatus
  /** Base and head values: median wall ns (time), tracemalloc peak bytes (memory), executed instructions. */
  base: number | null
  head: number | null
  /** Relative change, (head - base) / base; null when either side is missing. */
  change: number | null
  /** Relative threshold in force for this entry and metric, e.g. 0.1 for 10%. */
  threshold: number | null
  /** Time only: confidence interval of the relative change of the statistic, and its confidence level. */
  ci?: { low: number; high: number; level: number; covers: IntervalCovers } | null
  /** Time only: which samples were compared, process CPU time or wall time, and which statistic of them. */
  clock?: 'cpu' | 'wall'
  statistic?: 'median' | 'min'
  /** Time only: two-sided p-value of the significance test. */
  pValue?: number | null
  /** Why a metric is not comparable when the environment, not the data, decided it (other Python minor, machine). */
  cause?: 'other-python' | 'other-machine'
  /** Memory only: the absolute peak budget in bytes, when set, and whether head's largest peak exceeds it. */
  budget?: number | null
  overBudget?: boolean
  /** Memory only: each side's peaks over its fresh processes (base/head above are the largest peaks). */
  baseSpread?: PeakSpread
  headSpread?: PeakSpread
  /** Why the metric was not compared (or, for memory over its budget, why base was not used). */
  unavailable?: Unavailable
  /** Time only: the significance level the p-value was held to, and how many samples (or rounds) each side had. */
  significance?: number
  compared?: { base: number; head: number }
  /** Memory only: which rule of the spread comparison decided, before the budget (src/metrics/memory.ts). */
  judgement?: { status: 'regression' | 'improvement' | 'unchanged'; rule: MemoryRule }
  /** Memory only: processes of head that measured no peak, and the first one's reason. */
  failedProcesses?: { count: number; total: number; process: number; reason: string }
}

/** Memory: past the relative threshold, by the exact-peak byte step, within both, spreads apart but within, or overlapping. */
export type MemoryRule = 'threshold' | 'exact-bytes' | 'within' | 'apart' | 'overlap'

/** One side's Python, as data for the "other Python" reason. */
export interface PythonRelease {
  implementation: string
  version: string
}

/** Why a metric was not compared: data, worded by the report (src/report/unavailable.ts). */
export type Unavailable =
  | { why: 'not-measured'; note?: string }
  | { why: 'no-baseline' }
  | { why: 'new-entry' }
  | { why: 'baseline-failed'; timedOut: boolean }
  | { why: 'not-measured-on-baseline' }
  | { why: 'no-samples'; clock: 'cpu' | 'wall'; onBaseline: boolean }
  | { why: 'other-python'; base: PythonRelease; head: PythonRelease }
  | { why: 'other-machine'; detail: string }

/** One side's tracemalloc peaks, one per fresh process; exact when they are all identical. */
export interface PeakSpread {
  peaks: number[]
  min: number
  max: number
  exact: boolean
}

export type EntryStatus = 'regression' | 'improvement' | 'unchanged' | 'new' | 'removed' | 'error' | 'not-comparable'

export interface EntryVerdict {
  name: string
  status: EntryStatus
  base: ResultsEntry | null
  head: ResultsEntry | null
  metrics: MetricComparison[]
}

export type GateResult = 'pass' | 'fail' | 'no-baseline' | 'error'

export interface Verdict {
  result: GateResult
  entries: EntryVerdict[]
  regressions: number
  improvements: number
  unchanged: number
  /** False when base and head ran different Python implementations or minor versions (nothing but the budget compared). */
  samePython: boolean
  /** What differs between the base and head environments, and whether time could be compared; null without base. */
  environment: EnvironmentComparison | null
  head: Results
  base: Results | null
}

/** Where the baseline came from, for the report footer. */
export interface BaselineInfo {
  /** same-runner: the base commit measured side by side with head in this job. */
  source: 'path' | 'artifact' | 'same-runner'
  /** A file path, the artifact name, or (same-runner) the base commit. */
  location: string
  commit: string | null
  /** Workflow run that produced the artifact, and its URL. */
  runId?: number
  runUrl?: string
  /** How many commits the baseline is behind the pull request's base, when known. */
  behindBy?: number | null
  /** Candidates that were skipped, one line each (corrupt, schema mismatch, expired…). */
  skipped?: string[]
  /** Same-runner mode: rounds (fresh processes) per side, interleaved. */
  rounds?: number
  /** Why same-runner mode was not possible and this baseline was used instead. */
  fallback?: string
}
