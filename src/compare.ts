// Measure head and decide what it is compared with: the base side by side on this runner (same-runner mode), a stored
// baseline artifact, or a results file (baseline-path); then the time gate with its confirmations.
import { readFileSync } from 'node:fs'
import { BaselineError, loadBaseline, type GitHubContext, type LoadedBaseline } from './baseline/index.js'
import { ConfigError, type Config } from './config.js'
import { confirmTimeRegressions } from './confirm.js'
import { gate } from './gate.js'
import { runHarness, type HarnessRun, type Interpreter } from './harness.js'
import type { Log } from './log.js'
import { parseResults } from './results.js'
import { compareOnThisRunner, planComparison, type Comparison } from './same-runner/index.js'
import type { Verdict } from './verdict.js'
import path from 'node:path'

export interface Compared {
  harness: HarnessRun
  baseline: LoadedBaseline | null
  verdict: Verdict
  comparison: Comparison
  /** Why same-runner mode fell back to the artifact (one line for a notice), or null. */
  fallback: string | null
}

const NO_GITHUB: GitHubContext = {
  eventName: 'local',
  ref: '',
  payload: {},
  repo: { owner: '', repo: '' },
  runId: 0,
  serverUrl: '',
  apiUrl: '',
}

export async function measureAndCompare(
  config: Config,
  interpreter: Interpreter,
  context: GitHubContext | null,
  outputDir: string,
  log: Log,
  /** Results measured elsewhere (a pull request's run, --results): compared, never re-measured. */
  measuredElsewhere: HarnessRun | null,
  baseContext: GitHubContext | null,
): Promise<Compared> {
  if (measuredElsewhere) {
    const baseline = await storedBaseline(config, baseContext)
    const verdict = gate(measuredElsewhere.results, baseline?.results ?? null, config)
    return { harness: measuredElsewhere, baseline, verdict, comparison: comparisonOf(baseline), fallback: null }
  }
  const plan = planComparison(config, context)
  let head: HarnessRun | null = null
  let fallback: string | null = null
  if (plan.mode === 'same-runner') {
    const side = await compareOnThisRunner(config, interpreter, plan.base, context, outputDir, log)
    if (side.ok) {
      const baseline = { results: side.base, info: side.info }
      return { harness: side.harness, baseline, verdict: side.verdict, comparison: 'same-runner', fallback: null }
    }
    if (plan.required) throw new BaselineError(`compare: same-runner: ${side.why}`)
    fallback = `same-runner comparison not possible (${side.why}); compared with the baseline artifact instead`
    log.info(`bytescope: ${fallback}`)
    head = side.harness
  }
  head ??= await measure(config, interpreter, outputDir, log)
  const loaded = await storedBaseline(config, context)
  const baseline = loaded && fallback ? { ...loaded, info: { ...loaded.info, fallback } } : loaded
  const { verdict } = await confirmTimeRegressions(config, interpreter, head, baseline?.results ?? null, outputDir, log)
  return { harness: head, baseline, verdict, comparison: comparisonOf(baseline), fallback }
}

/** Locally only a baseline file can be compared with: there is no run whose artifacts could be searched. */
async function storedBaseline(config: Config, context: GitHubContext | null): Promise<LoadedBaseline | null> {
  if (context === null && !config.baselinePath) return null
  const baseline = await loadBaseline(config, context ?? NO_GITHUB)
  return baseline
}

function comparisonOf(baseline: LoadedBaseline | null): Comparison {
  return baseline === null ? 'none' : baseline.info.source
}

function measure(config: Config, interpreter: Interpreter, outputDir: string, log: Log): Promise<HarnessRun> {
  log.info(
    `bytescope: measuring ${config.entryPoints.length} entries with ${interpreter.implementation} ${interpreter.version} (${interpreter.executable})`,
  )
  return runHarness(config, interpreter, outputDir, log)
}

export function readMeasured(file: string): HarnessRun {
  const resultsPath = path.resolve(file)
  let text: string
  try {
    text = readFileSync(resultsPath, 'utf8')
  } catch (error) {
    throw new ConfigError(
      `--results: cannot read ${resultsPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
  return { results: parseResults(text, resultsPath), resultsPath }
}
