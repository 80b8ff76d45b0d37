// Same-runner mode end to end: the base commit (the pull request's merge-base), its worktree, the interleaved rounds
// and the time gate's confirmations on both sides; the worktree is always removed. When the base cannot be measured
// the caller gets the reason (and whatever head measured) to fall back to the artifact.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { GitHubContext } from '../baseline/index.js'
import type { Config } from '../config.js'
import { confirmTimeRegressions } from '../confirm.js'
import type { HarnessRun, Interpreter } from '../harness.js'
import type { Log } from '../log.js'
import type { Results } from '../results.js'
import type { BaselineInfo, Verdict } from '../verdict.js'
import { BaseTreeError, checkoutBase, repositoryRoot } from './base-tree.js'
import { resolveBaseCommit, type BaseCommit } from './plan.js'
import { measureSideBySide, ROUNDS_PER_SIDE } from './rounds.js'

export { planComparison, type Comparison, type Plan } from './plan.js'

export type SameRunnerOutcome =
  | { ok: true; harness: HarnessRun; base: Results; info: BaselineInfo; verdict: Verdict }
  | { ok: false; why: string; harness: HarnessRun | null }

export async function compareOnThisRunner(
  config: Config,
  interpreter: Interpreter,
  base: BaseCommit,
  context: GitHubContext | null,
  outputDir: string,
  log: Log,
): Promise<SameRunnerOutcome> {
  let tree
  try {
    const headRoot = await repositoryRoot(config.workingDirectory)
    const commit = await resolveBaseCommit(base, config, context, (line) => log.info(line))
    if (!commit) return { ok: false, why: 'the base commit is unknown', harness: null }
    tree = await checkoutBase(headRoot, commit, process.env.RUNNER_TEMP || tmpdir())
  } catch (error) {
    if (!(error instanceof BaseTreeError)) throw error
    return { ok: false, why: error.message, harness: null }
  }
  try {
    log.info(`bytescope: measuring base ${tree.commit.slice(0, 12)} and head side by side (${tree.root})`)
    const sides = await measureSideBySide(config, interpreter, tree, outputDir, log)
    if (!sides.base) return { ok: false, why: sides.baseError ?? 'the base was not measured', harness: sides.head }
    const confirmed = await confirmTimeRegressions(
      config,
      interpreter,
      sides.head,
      sides.base,
      outputDir,
      log,
      sides.remeasure,
    )
    writeFileSync(path.join(outputDir, 'base-results.json'), JSON.stringify(confirmed.base))
    const info: BaselineInfo = {
      source: 'same-runner',
      location: tree.commit,
      commit: tree.commit,
      rounds: ROUNDS_PER_SIDE,
    }
    return {
      ok: true,
      harness: { results: confirmed.results, resultsPath: sides.head.resultsPath },
      base: confirmed.base!,
      info,
      verdict: confirmed.verdict,
    }
  } finally {
    tree.remove()
  }
}
