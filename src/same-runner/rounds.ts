// Base and head measured alternately on this runner, in ABBA blocks of rounds (base, head, head, base, ...), each
// round a fresh harness process per side with the same interpreter and settings: a noisy neighbour or a thermal
// drift lands on both sides alike, and the order favours neither. The first round of each side also measures memory,
// instructions and the profile; later rounds add time samples, pooled per side and kept by round (the gate's unit of
// variation).
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Config, EntryPoint } from '../config.js'
import { pool, timeOnly, type Remeasure } from '../confirm.js'
import { HarnessError, runHarness, type HarnessRun, type Interpreter } from '../harness.js'
import type { Log } from '../log.js'
import type { Results } from '../results.js'
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
  let baseError: string | null = null
  let round = 0

  const measure = async (side: Side, settings: Config, first: boolean): Promise<Results | null> => {
    round++
    log.info(`bytescope: round ${round}: ${side} (${side === 'base' ? tree.commit.slice(0, 12) : 'this checkout'})`)
    const where = {
      projectDir: side === 'base' ? baseProject : config.workingDirectory,
      tree: side === 'base' ? tree.root : tree.headRoot,
      profile: first,
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
    // Without a base to interleave with, head is measured once with all its calls, as in artifact mode.
    const repeat = first && baseError ? config.repeat : perRound
    const settings = first ? { ...config, repeat } : { ...timeOnly(config, entries), repeat }
    const results = await measure(side, settings, first)
    if (results === null) continue
    pooled = { ...pooled, [side]: first ? byRounds(results) : pool(pooled[side]!, results) }
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
      again[side] = await measure(side, { ...timeOnly(config, suspects), repeat: perRound }, false)
    return { head: again.head!, base: again.base }
  }
  return { head: { results: pooled.head!, resultsPath: headPath }, base: pooled.base, baseError, remeasure }
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
