// What a gate metric is: one module in this folder that reads its settings, compares base with head into data,
// words that data, names the function (or line) to blame, and supplies its columns of the summary table. The gate,
// the reports and the annotations loop over the list in ./index.ts and know no metric by name.
import path from 'node:path'
import type { Config } from '../config.js'
import type { BytecodeDiffReport } from '../report/context.js'
import type { ResultsEntry } from '../results.js'
import type { EntryVerdict, MetricComparison, MetricStatus, Unavailable, Verdict } from '../verdict.js'

/** What one metric compares for one entry. */
export interface MetricInput<S extends keyof Config = keyof Config> {
  head: ResultsEntry
  /** The baseline's entry when it can be compared; null with `missing` saying why. */
  base: ResultsEntry | null
  /** Why there is no base to compare with (no baseline, new entry, the baseline run failed), or null. */
  missing: Unavailable | null
  /** Base and head ran other Python releases (data for the reason), or null. */
  otherPython: Unavailable | null
  /** Why time from the baseline's machine is not comparable with this run's (src/environment.ts), or null. */
  otherMachine: string | null
  /** The settings the metric declared, with the entry's own overrides applied (settingFor). */
  settings: Pick<Config, S | 'entryPoints'>
}

/** The project function (or line) to blame for a regression, and how much it grew, in words. */
export interface Culprit {
  qualname: string
  filename: string
  lineno: number
  growth: string
}

/** What a culprit may read besides the verdict: the harness's diff (`python -m bytescope diff --json`), if any. */
export interface Evidence {
  bytecodeDiff?: BytecodeDiffReport | null
}

/** How a medium shows measured text and status marks: markdown (code spans, emoji) or plain terminal text. */
export interface Medium {
  code(text: string, max: number): string
  /** The status's mark followed by a space, or nothing. */
  mark(status: MetricStatus): string
}

/** One column of the summary table. */
export interface Column {
  header(verdict: Verdict): string
  cell(entry: EntryVerdict, verdict: Verdict, medium: Medium): string
  /** Shown only when some entry measured the metric (e.g. instructions, which may be off). */
  optional?: boolean
}

export interface Metric<S extends keyof Config = keyof Config> {
  /** The name in the verdict, the failure lines and the reports. */
  name: string
  /** The settings it reads; per-entry overrides of these (src/config/entries.ts) apply to it. */
  settings: readonly S[]
  compare(input: MetricInput<S>): MetricComparison
  /** The comparison in one line a person reads, e.g. "CPU min 1.00 ms → 1.13 ms, +13.0% (…): slower than …". */
  describe(comparison: MetricComparison): string
  culprit(entry: EntryVerdict, evidence: Evidence): Culprit | null
  columns: Column[]
}

/** The settings a metric reads, with the named entry's overrides in place of the run-wide values. */
export function settingsFor<S extends keyof Config>(
  metric: Metric<S>,
  settings: Pick<Config, S | 'entryPoints'>,
  entry: string,
): Pick<Config, S | 'entryPoints'> {
  const overrides = settings.entryPoints.find((e) => e.name === entry) as Partial<Record<keyof Config, unknown>>
  if (!overrides) return settings
  const own = metric.settings.filter((key) => overrides[key] !== undefined).map((key) => [key, overrides[key]])
  return { ...settings, ...Object.fromEntries(own) }
}

/** This metric's comparison in the entry, if it has one. */
export function comparisonOf(entry: EntryVerdict, metric: string): MetricComparison | undefined {
  return entry.metrics.find((m) => m.metric === metric)
}

/** A comparison that was not made, with why. */
export function notCompared(
  metric: string,
  status: 'not-comparable' | 'not-measured',
  values: { base: number | null; head: number | null; threshold: number | null },
  unavailable: Unavailable,
): MetricComparison {
  return { metric, status, ...values, change: null, unavailable }
}

/** Project files are relative paths; the standard library and site-packages are absolute, `<frozen …>` is neither. */
export function isProjectFile(filename: string): boolean {
  return filename !== '' && !filename.startsWith('<') && !path.isAbsolute(filename) && !filename.startsWith('..')
}

/** The project row that grew most (positive growth only), as a culprit. */
export function largestGrowth(
  rows: { qualname: string; filename: string; lineno: number; delta: number }[],
  growth: (delta: number) => string,
): Culprit | null {
  const inProject = rows.filter((r) => isProjectFile(r.filename) && r.delta > 0)
  const top = inProject.sort((a, b) => b.delta - a.delta)[0]
  return top ? { qualname: top.qualname, filename: top.filename, lineno: top.lineno, growth: growth(top.delta) } : null
}
