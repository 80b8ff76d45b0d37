// Confirmation of time regressions. On a shared machine a whole measurement can land in a window where another
// process slows every call down; no statistic of that one run can tell it from a real regression. So an entry whose
// time regressed is measured again, its samples pooled with the earlier ones, and gated again: a real regression
// stays, a disturbed window is outvoted by the undisturbed ones. A time that grew past the threshold without being
// significant yet is a suspect too: one disturbed round among few (same-runner mode's four per side) can hide a real
// regression, and more rounds settle it either way. Only suspects are re-measured, so unchanged code pays nothing.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Config, EntryPoint } from './config.js'
import { gate } from './gate.js'
import { runHarness, type Interpreter } from './harness.js'
import type { Log } from './log.js'
import type { Results, ResultsEntry } from './results.js'
import { summarize } from './stats.js'
import type { Verdict } from './verdict.js'

export interface Confirmed {
  verdict: Verdict
  /** Head results with the re-measured samples pooled in (written back to the results file). */
  results: Results
  /** The base with its re-measured samples pooled in (same-runner mode re-measures both sides). */
  base: Results | null
}

/** Measures the suspects again: head only (artifact mode), or head and base side by side (same-runner mode). */
export type Remeasure = (suspects: EntryPoint[], attempt: number) => Promise<{ head: Results; base: Results | null }>

export async function confirmTimeRegressions(
  config: Config,
  interpreter: Interpreter,
  head: { results: Results; resultsPath: string },
  initialBase: Results | null,
  outputDir: string,
  log: Log,
  remeasure: Remeasure = remeasureHead(config, interpreter, outputDir, log),
): Promise<Confirmed> {
  let results = head.results
  let base = initialBase
  let verdict = gate(results, base, config)
  for (let attempt = 1; attempt <= config.timeConfirmations; attempt++) {
    const suspects = new Set(verdict.entries.filter((e) => timeSuspect(e.metrics)).map((e) => e.name))
    if (suspects.size === 0) break
    log.info(
      `bytescope: time grew past the threshold for ${suspects.size} ${suspects.size === 1 ? 'entry' : 'entries'}; measuring again to confirm (${attempt}/${config.timeConfirmations})`,
    )
    const again = await remeasure(
      config.entryPoints.filter((e) => suspects.has(e.name)),
      attempt,
    )
    results = pool(results, again.head)
    if (base && again.base) base = pool(base, again.base)
    verdict = gate(results, base, config)
  }
  if (results !== head.results) writeFileSync(head.resultsPath, JSON.stringify(results))
  return { verdict, results, base }
}

/** Only time is in question: memory and instructions are exact and already measured. */
export function timeOnly(config: Config, entryPoints: EntryPoint[]): Config {
  return { ...config, entryPoints, memory: false, instructions: false }
}

function remeasureHead(config: Config, interpreter: Interpreter, outputDir: string, log: Log): Remeasure {
  return async (suspects, attempt) => {
    const again = await runHarness(
      timeOnly(config, suspects),
      interpreter,
      path.join(outputDir, `confirm-${attempt}`),
      log,
    )
    return { head: again.results, base: null }
  }
}

/** A time regression, or a growth past the threshold that is not significant yet. */
function timeSuspect(metrics: Verdict['entries'][number]['metrics']): boolean {
  return metrics.some(
    (m) =>
      m.metric === 'time' &&
      (m.status === 'regression' ||
        (m.status === 'unchanged' && m.change !== null && m.threshold !== null && m.change > m.threshold)),
  )
}

/**
 * `results` with each entry's timings extended by the same entry's timings in `more` (when both measured ok); when
 * the entry's timings are kept by round (same-runner mode), `more` is one more round.
 */
export function pool(results: Results, more: Results): Results {
  return {
    ...results,
    entries: results.entries.map((entry): ResultsEntry => {
      const extra = more.entries.find((e) => e.name === entry.name)
      if (!entry.time || !extra?.time || extra.status !== 'ok') return entry
      const rounds = entry.time.round_sizes
      return {
        ...entry,
        time: {
          ...summarize(
            [...entry.time.samples_ns, ...extra.time.samples_ns],
            [...entry.time.cpu_samples_ns, ...extra.time.cpu_samples_ns],
          ),
          ...(rounds ? { round_sizes: [...rounds, extra.time.samples_ns.length] } : {}),
        },
      }
    }),
  }
}
