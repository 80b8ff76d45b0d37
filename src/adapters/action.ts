// The action adapter: settings from the action's inputs, then the pipeline, then everything GitHub shows — outputs,
// the job summary, annotations, the sticky comment, the baseline artifact, and the step's result.
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { annotations } from '../annotations.js'
import { storeBaseline } from '../baseline/index.js'
import { loadConfig, SETTINGS, type Config, type RawSettings } from '../config.js'
import { actionsContext, type GitHubContext } from '../github/context.js'
import { actionsLog, type Log } from '../log.js'
import { guarded, pipeline, type Done } from '../pipeline.js'
import { publishComment } from '../publish/comment.js'
import { title } from '../report/headline.js'
import type { GateResult } from '../verdict.js'

/** Runs the action; returns the process's exit code. */
export async function runAction(): Promise<number> {
  const log = actionsLog()
  const outcome = await guarded(log, async () => {
    const settings: RawSettings = Object.fromEntries(SETTINGS.map((s) => [s.key, core.getInput(s.key)]))
    const config = loadConfig({
      settings,
      label: (key) => `input ${key}`,
      cwd: process.cwd(),
      defaultToken: process.env.GITHUB_TOKEN,
    })
    const outputDir = path.join(
      process.env.RUNNER_TEMP || tmpdir(),
      `bytescope${config.commentKey ? `-${safe(config.commentKey)}` : ''}`,
    )
    const context = actionsContext()
    const done = await pipeline({
      config,
      explicit: settings,
      outputDir,
      log,
      context,
      output: (key, value) => core.setOutput(key, value),
    })
    await publish(config, done, context, log)
    return done
  })
  log.close()
  if (!outcome.ok) {
    core.setOutput('result', 'error' satisfies GateResult)
    core.setFailed(`bytescope: ${outcome.message}`)
    return 1
  }
  const { verdict, fallback } = outcome.value
  if (fallback) core.notice(`bytescope: ${fallback}`, { title: 'bytescope: not compared on this runner' })
  core.setOutput('result', verdict.result)
  core.setOutput('regressions', String(verdict.regressions))
  if (verdict.result === 'no-baseline') {
    core.notice(
      'bytescope: no baseline to compare with, so nothing was gated (the check passes). Baselines are stored on pushes to the default branch; see the job summary.',
      { title: 'bytescope: no baseline' },
    )
  }
  // Each failure is an annotation already (publish): the step's failure only sums them up.
  if (verdict.result === 'fail' && outcome.value.config.failOnRegression) {
    core.setFailed(`bytescope: ${title(verdict)} (the annotations and the job summary say where and why)`)
    return 1
  }
  return 0
}

async function publish(config: Config, done: Done, context: GitHubContext, log: Log): Promise<void> {
  try {
    await core.summary.addRaw(done.summary, true).write()
  } catch (error) {
    // An old GitHub Enterprise Server has no job summaries; the report is still in report-path.
    core.warning(`bytescope: could not write the job summary: ${(error as Error).message}`)
  }
  for (const annotation of annotations(
    done.verdict,
    config.workingDirectory,
    process.env.GITHUB_WORKSPACE || process.cwd(),
    done.reportContext,
  )) {
    const properties = { title: annotation.title, file: annotation.file, startLine: annotation.startLine }
    if (done.verdict.result === 'fail' && config.failOnRegression) core.error(annotation.message, properties)
    else core.warning(annotation.message, properties)
  }
  const url = await publishComment({
    token: config.githubToken,
    mode: config.comment,
    commentKey: config.commentKey,
    body: done.comment,
    pullNumber: done.pullNumber,
    regressed: done.verdict.result === 'fail',
  })
  if (url) core.setOutput('comment-url', url)
  try {
    const stored = await storeBaseline(config, context, done.resultsPath)
    log.info(
      'skipped' in stored
        ? `bytescope: baseline not uploaded: ${stored.skipped}`
        : `bytescope: uploaded baseline artifact ${stored.name}`,
    )
  } catch (error) {
    // A failed upload loses the next runs' baseline, not this run's verdict.
    core.warning(`bytescope: could not upload the baseline artifact: ${(error as Error).message}`)
  }
}

function safe(key: string): string {
  return key.replace(/[^\w.-]+/g, '-')
}
