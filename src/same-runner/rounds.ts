// Base and head measured alternately on this runner, in ABBA blocks of rounds (base, head, head, base, ...), each
// round a fresh harness process per side with the same interpreter and settings: a noisy neighbour or a thermal
// drift lands on both sides alike, and the order favours neither. Every round times its share of the calls, kept by
// round (the gate's unit of variation), and its worker measures the peak right after the warm-up: the rounds are the
// fresh processes the memory gate compares peaks of, at no extra process. The first round of each side also counts
// instructions and profiles one call.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Config, EntryPoint } from '../config.js'
import { pool, timeOnly, type Remeasure } from '../confirm.js'
import { HarnessError, runHarness, type HarnessRun, type HarnessSide, type Interpreter } from '../harness.js'
import type { Log } from '../log.js'
import type { Results, ResultsEntry } from '../results.js'
import type { BaseTree } from './base-tree.js'

/** Rounds per side: two ABBA blocks. */
export const ROUNDS_PER_SIDE = 4
const ORDER = ['base', 'head', 'head', 'base'] as const

type Side = 'base' | 'head'

export interface SideBySide {
  head: HarnessRun
  /** The base's pooled results, or null when the base could not be measured (`baseError` says why). */
  base: Results | null
  baseError: string | null
  /** Re-measures suspects on both sides, for the time gate's confirmations. */
  remeasure: Remeasure
}

export async function measureSideBySide(
  config: Config,
  interpreter: Interpreter,
  tree: BaseTree,
  outputDir: string,
  log: Log,
): Promise<SideBySide> {
  const perRound = Math.max(1, Math.ceil(config.repeat / ROUNDS_PER_SIDE))
  const baseProject = path.join(tree.root, path.relative(tree.headRoot, config.workingDirectory))
  let pooled: Record<Side, Results | null> = { base: null, head: null }
  const measured: Record<Side, number> = { base: 0, head: 0 }
  let baseError: string | null = null
  let round = 0

  const measure = async (side: Side, settings: Config, passes: RoundPasses): Promise<Results | null> => {
    round++
    log.info(`bytescope: round ${round}: ${side} (${side === 'base' ? tree.commit.slice(0, 12) : 'this checkout'})`)
    const where: HarnessSide = {
      projectDir: side === 'base' ? baseProject : config.workingDirectory,
      tree: side === 'base' ? tree.root : tree.headRoot,
      ...passes,
    }
    try {
      const run = await runHarness(
        settings,
        interpreter,
        path.join(outputDir, 'rounds', `${round}-${side}`),
        log,
        where,
      )
      return side === 'base' ? withCommit(run.results, tree.commit) : run.results
    } catch (error) {
      // The base's failure loses the base, never the head's measurements.
      if (side === 'head' || !(error instanceof HarnessError)) throw error
      baseError = `the base commit could not be measured: ${error.message}`
      return null
    }
  }

  for (let index = 0; index < ROUNDS_PER_SIDE * 2; index++) {
    const side = ORDER[index % ORDER.length]!
    if (side === 'base' && baseError) continue
    const first = pooled[side] === null
    // Later rounds only for entries both sides measured: the others cannot be compared anyway.
    const entries = first ? config.entryPoints : comparable(config.entryPoints, pooled)
    if (entries.length === 0) continue
    const plan = first
      ? firstRound(config, perRound, baseError !== null)
      : laterRound(config, entries, perRound, measured[side] + 1)
    const results = await measure(side, plan.settings, plan.passes)
    if (results === null) continue
    measured[side]++
    pooled = { ...pooled, [side]: first ? byRounds(results) : poolRound(pooled[side]!, results) }
  }

  const headPath = path.join(outputDir, 'results.json')
  writeFileSync(headPath, JSON.stringify(pooled.head))
  if (pooled.base) writeFileSync(path.join(outputDir, 'base-results.json'), JSON.stringify(pooled.base))
  let attempts = 0
  const remeasure: Remeasure = async (suspects, attempt) => {
    attempts = attempt
    // Alternate which side goes first, continuing the ABBA pattern.
    const sides: Side[] = attempts % 2 === 1 ? ['head', 'base'] : ['base', 'head']
    const again: Record<Side, Results | null> = { base: null, head: null }
    for (const side of sides)
      again[side] = await measure(side, { ...timeOnly(config, suspects), repeat: perRound }, TIME_ONLY)
    return { head: again.head!, base: again.base }
  }
  return { head: { results: pooled.head!, resultsPath: headPath }, base: pooled.base, baseError, remeasure }
}

type RoundPasses = Required<Pick<HarnessSide, 'profile' | 'peakInWorker'>>
const TIME_ONLY: RoundPasses = { profile: false, peakInWorker: false }

/**
 * A side's first round: every pass. Its worker measures the first of the side's `memory-runs` peaks, the next rounds'
 * workers the following ones; only peaks beyond the rounds there are take processes of their own, in this round.
 * Head without a base to interleave with is measured once with all its calls, as in artifact mode.
 */
function firstRound(config: Config, perRound: number, alone: boolean): { settings: Config; passes: RoundPasses } {
  if (alone) return { settings: config, passes: { profile: true, peakInWorker: false } }
  const memoryRuns = Math.max(1, config.memoryRuns - (ROUNDS_PER_SIDE - 1))
  return { settings: { ...config, repeat: perRound, memoryRuns }, passes: { profile: true, peakInWorker: true } }
}

/** The side's round `sideRound` (2 and up): time samples, and a peak while the side has fewer than `memory-runs`. */
function laterRound(config: Config, entries: EntryPoint[], perRound: number, sideRound: number) {
  const memory = config.memory && sideRound <= config.memoryRuns
  const settings = { ...config, entryPoints: entries, repeat: perRound, instructions: false, memory, memoryRuns: 1 }
  return { settings, passes: { profile: false, peakInWorker: memory } }
}

/** A later round added to a side: its calls as one more round, its worker's peak as one more memory process. */
function poolRound(pooled: Results, round: Results): Results {
  const timed = pool(pooled, round)
  return {
    ...timed,
    entries: timed.entries.map((entry) =>
      withPeaks(
        entry,
        round.entries.find((e) => e.name === entry.name),
      ),
    ),
  }
}

/** The entry's peaks followed by the round's, its failed processes numbered on (process k of the side). */
function withPeaks(entry: ResultsEntry, round: ResultsEntry | undefined): ResultsEntry {
  const memory = entry.memory
  if (!memory || !round || round.status !== 'ok' || (!round.memory && !round.memory_unmeasured)) return entry
  const peaks = memory.peaks_bytes ?? [memory.peak_bytes]
  const failed = memory.failed_processes ?? []
  const offset = peaks.length + failed.length
  const more = round.memory ? (round.memory.peaks_bytes ?? [round.memory.peak_bytes]) : []
  const moreFailed =
    round.memory?.failed_processes ?? (round.memory ? [] : [{ process: 1, reason: round.memory_unmeasured! }])
  const all = [...peaks, ...more]
  return {
    ...entry,
    memory: {
      ...memory,
      peak_bytes: Math.max(...all),
      peaks_bytes: all,
      peak_min_bytes: Math.min(...all),
      peak_max_bytes: Math.max(...all),
      failed_processes: [...failed, ...moreFailed.map((f) => ({ ...f, process: f.process + offset }))],
    },
  }
}

/** Entries that measured ok on both sides so far. */
function comparable(entries: EntryPoint[], pooled: Record<Side, Results | null>): EntryPoint[] {
  const ok = (side: Side, name: string) =>
    pooled[side]?.entries.some((e) => e.name === name && e.status === 'ok' && e.time !== null) ?? false
  return entries.filter((e) => ok('base', e.name) && ok('head', e.name))
}

/** A first round's results with every entry's samples marked as one round. */
function byRounds(results: Results): Results {
  return {
    ...results,
    entries: results.entries.map((entry) =>
      entry.time ? { ...entry, time: { ...entry.time, round_sizes: [entry.time.samples_ns.length] } } : entry,
    ),
  }
}

/** The harness records GITHUB_SHA as the commit; the base's is the worktree's. */
function withCommit(results: Results, commit: string): Results {
  return { ...results, environment: { ...results.environment, commit } }
}
