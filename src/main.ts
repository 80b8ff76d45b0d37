// The pipeline: parse config -> run harness -> load baseline -> gate -> render report -> publish (job summary,
// annotations, PR comment, baseline upload) -> outputs. The action and the local CLI run the same steps; only where
// settings come from and where the report goes differ.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { annotations } from './annotations.js'
import { BaselineError, RESULTS_FILE, storeBaseline } from './baseline/index.js'
import { commandLine, helpText, parseArgs } from './cli.js'
import { ConfigError, loadConfig, SETTINGS, type Config, type RawSettings } from './config.js'
import { measureAndCompare, readMeasured } from './compare.js'
import { GitHubError } from './github/client.js'
import { actionsContext, type GitHubContext } from './github/context.js'
import { bytecodeDiff, findInterpreter, HarnessError } from './harness.js'
import { joinPairs } from './pairing.js'
import { actionsLog, consoleLog, type Log } from './log.js'
import { COMMENT_BODY_MAX_LENGTH, publishComment } from './publish/comment.js'
import { workflowRunSource } from './sources/workflow-run.js'
import { renderReport, SUMMARY_MAX_LENGTH, type BytecodeDiffReport, type ReportContext } from './report/index.js'
import { renderTerminal, useColor } from './report/terminal.js'
import { ResultsValidationError, type Results } from './results.js'
import type { BaselineInfo, GateResult, Verdict } from './verdict.js'
import packageJson from '../package.json' with { type: 'json' }

/** GitHub refuses a step summary over 1 MiB. */
const SUMMARY_MAX_BYTES = 1024 * 1024

/** Runs as the action inside GitHub Actions (no arguments), otherwise as the local CLI. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const inActions = process.env.GITHUB_ACTIONS === 'true' && argv.length === 0
  process.exitCode = inActions ? await runAction() : await runLocal(argv)
}

// ---- the action ----------------------------------------------------------------------------------------------------

async function runAction(): Promise<number> {
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
    const done = await pipeline(config, settings, outputDir, log, context, (key, value) => core.setOutput(key, value))
    await publishAction(config, done, context, log)
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
  if (verdict.failures.length > 0) {
    if (outcome.value.config.failOnRegression) {
      core.setFailed(verdict.failures.join('\n'))
      return 1
    }
    for (const failure of verdict.failures)
      core.warning(failure, { title: 'bytescope regression (fail-on-regression: false)' })
  }
  return 0
}

interface Done {
  config: Config
  verdict: Verdict
  baseline: BaselineInfo | null
  resultsPath: string
  reportPath: string
  /** The report bounded for the job summary, and for a comment. */
  summary: string
  comment: string
  /** workflow_run mode: the pull request found for the measured commit. */
  pullNumber?: number
  /** Why same-runner mode fell back to the artifact, or null. */
  fallback: string | null
  /** What the reports were rendered with, for the CLI's terminal rendering. */
  reportContext: ReportContext
}

async function publishAction(config: Config, done: Done, context: GitHubContext, log: Log): Promise<void> {
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
  )) {
    const properties = { title: annotation.title, file: annotation.file, startLine: annotation.startLine }
    if (done.verdict.failures.length > 0 && config.failOnRegression) core.error(annotation.message, properties)
    else core.warning(annotation.message, properties)
  }
  const url = await publishComment({
    token: config.githubToken,
    mode: config.comment,
    commentKey: config.commentKey,
    body: done.comment,
    pullNumber: done.pullNumber,
    regressed: done.verdict.failures.length > 0,
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

// ---- the local CLI ---------------------------------------------------------------------------------------------------

async function runLocal(argv: string[]): Promise<number> {
  const log = consoleLog()
  let outcome: Outcome<Done>
  try {
    const line = parseArgs(argv)
    if (line.help) {
      process.stdout.write(helpText())
      return 0
    }
    if (line.version) {
      process.stdout.write(`bytescope ${packageJson.version}\n`)
      return 0
    }
    outcome = await guarded(log, async () => {
      const config = loadConfig({
        settings: line.settings,
        label: (key) => `--${key}`,
        cwd: process.cwd(),
        defaultToken: process.env.GITHUB_TOKEN,
        measuring: line.resultsPath === null,
      })
      const outputDir = line.outputDir ? path.resolve(line.outputDir) : mkdtempSync(path.join(tmpdir(), 'bytescope-'))
      return pipeline(config, line.settings, outputDir, log, null, () => undefined, line.resultsPath)
    })
  } catch (error) {
    outcome = { ok: false, message: (error as Error).message }
  }
  if (!outcome.ok) {
    process.stderr.write(`bytescope: error: ${outcome.message}\n`)
    return 2
  }
  const { verdict, reportPath, resultsPath, config } = outcome.value
  // The same report for a terminal; it repeats this very command (the markdown one names the action's flags).
  const reproduceCommand = commandLine([
    'node',
    path.relative(process.cwd(), process.argv[1] ?? 'dist/index.js'),
    ...argv,
  ])
  const rendered = renderTerminal(
    verdict,
    outcome.value.baseline,
    { ...outcome.value.reportContext, reproduceCommand },
    { color: useColor(process.stdout, process.env) },
  )
  process.stdout.write(rendered)
  process.stderr.write(`\nresult: ${verdict.result}\nresults: ${resultsPath}\nreport: ${reportPath}\n`)
  for (const failure of verdict.failures)
    process.stderr.write(`${config.failOnRegression ? 'regression' : 'warning'}: ${failure}\n`)
  return verdict.failures.length > 0 && config.failOnRegression ? 1 : 0
}

// ---- shared ----------------------------------------------------------------------------------------------------------

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string }

const USER_FACING = [ConfigError, HarnessError, ResultsValidationError, BaselineError, GitHubError]

/** Every failure becomes one line; unexpected ones also leave their stack in the debug log. */
async function guarded<T>(log: Log, body: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await body() }
  } catch (error) {
    log.close()
    if (!USER_FACING.some((kind) => error instanceof kind)) core.debug((error as Error).stack ?? String(error))
    return { ok: false, message: (error as Error).message ?? String(error) }
  }
}

async function pipeline(
  config: Config,
  explicit: RawSettings,
  outputDir: string,
  log: Log,
  context: GitHubContext | null,
  output: (key: string, value: string) => void,
  /** Gate this results file instead of measuring (the local CLI's --results). */
  measured: string | null = null,
): Promise<Done> {
  mkdirSync(outputDir, { recursive: true })
  const interpreter = await findInterpreter(config)
  // workflow_run mode (docs/workflows/): the pull request run measured; this run only compares and comments.
  const pullRun = await workflowRunSource(config, context, outputDir)
  const measuredElsewhere = pullRun ?? (measured ? readMeasured(measured) : null)
  const compared = await measureAndCompare(
    config,
    interpreter,
    context,
    outputDir,
    log,
    measuredElsewhere,
    pullRun?.baseContext ?? context,
  )
  const { harness, baseline, verdict: gated } = compared
  output('results-path', harness.resultsPath)
  output('comparison', compared.comparison)
  for (const entry of harness.results.entries.filter((e) => e.status !== 'ok')) {
    log.startGroup(`bytescope: ${entry.name} ${entry.status === 'timeout' ? 'timed out' : 'failed'}`)
    log.untrusted(
      [
        entry.error?.traceback ?? `${entry.error?.type}: ${entry.error?.message}`,
        entry.output?.stdout,
        entry.output?.stderr,
      ]
        .filter(Boolean)
        .join('\n'),
    )
    log.endGroup()
  }
  // A skip reason quotes the artifact (a JSON.parse snippet, a schema path made of its keys): untrusted text.
  for (const skipped of baseline?.info.skipped ?? []) log.untrusted(`bytescope: skipped baseline candidate: ${skipped}`)

  let diff: BytecodeDiffReport | null = null
  if (baseline) {
    const basePath = path.join(outputDir, 'baseline.json')
    writeFileSync(basePath, JSON.stringify(baseline.results))
    diff = (await bytecodeDiff(interpreter, basePath, harness.resultsPath, log)) as BytecodeDiffReport | null
  }
  const verdict = joinPairs(gated, diff)
  const reportContext = reportContextFor(
    config,
    explicit,
    harness.results,
    pullRun?.baseContext ?? context,
    baseline?.info ?? null,
    diff,
  )
  const reportPath = path.join(outputDir, 'report.md')
  writeFileSync(
    reportPath,
    renderReport(verdict, baseline?.info ?? null, reportContext, { maxLength: Number.MAX_SAFE_INTEGER }).markdown,
  )
  output('report-path', reportPath)
  return {
    config,
    verdict,
    baseline: baseline?.info ?? null,
    resultsPath: harness.resultsPath,
    reportPath,
    reportContext,
    summary: boundedSummary(verdict, baseline?.info ?? null, reportContext),
    comment: renderReport(verdict, baseline?.info ?? null, reportContext, { maxLength: COMMENT_BODY_MAX_LENGTH })
      .markdown,
    pullNumber: pullRun?.pullNumber,
    fallback: compared.fallback,
  }
}

/** The report within GitHub's 1 MiB step-summary limit, counted in bytes (characters can take up to 4). */
function boundedSummary(verdict: Verdict, baseline: BaselineInfo | null, context: ReportContext): string {
  let maxLength = SUMMARY_MAX_LENGTH
  for (;;) {
    const fullReportAt = 'the markdown file at the `report-path` output'
    const { markdown } = renderReport(verdict, baseline, context, { maxLength, fullReportAt })
    const size = Buffer.byteLength(markdown, 'utf8')
    if (size <= SUMMARY_MAX_BYTES - 1024 || maxLength < 10_000) return markdown
    maxLength = Math.floor(maxLength * ((SUMMARY_MAX_BYTES - 1024) / size) * 0.95)
  }
}

function reportContextFor(
  config: Config,
  explicit: RawSettings,
  head: Results,
  context: GitHubContext | null,
  baseline: BaselineInfo | null,
  diff: BytecodeDiffReport | null,
): ReportContext {
  const repository = process.env.GITHUB_REPOSITORY || null
  const serverUrl = process.env.GITHUB_SERVER_URL || 'https://github.com'
  const runId = process.env.GITHUB_RUN_ID
  const pullHead = (context?.payload.pull_request as { head?: { sha?: string } } | undefined)?.head?.sha
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  return {
    repository,
    serverUrl,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    headSha: pullHead ?? process.env.GITHUB_SHA ?? head.environment.commit,
    commentKey: config.commentKey,
    reproduceCommand: reproduceCommand(config, explicit, baseline, workspace),
    sourceRoot: path.relative(workspace, config.workingDirectory).split(path.sep).join('/'),
    artifactName: null,
    bytecodeDiff: diff,
  }
}

/** The local command that repeats this comparison: the same settings as flags, the same baseline. */
function reproduceCommand(
  config: Config,
  explicit: RawSettings,
  baseline: BaselineInfo | null,
  workspace: string,
): string {
  const args = ['node', 'path/to/bytescope/dist/index.js']
  const relative = (p: string) => path.relative(workspace, p).split(path.sep).join('/') || '.'
  if (config.workingDirectory !== workspace) args.push('--working-directory', relative(config.workingDirectory))
  // What was set besides the config file (which the checkout has); not where this run's GitHub things go.
  for (const setting of SETTINGS.filter((s) => MEASUREMENT_KINDS.has(s.kind) || s.key === 'entry-points')) {
    const value = explicit[setting.key]?.trim()
    if (!value) continue
    if (setting.key === 'entry-points') {
      for (const line of value
        .split(/\r?\n/)
        .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
        .filter(Boolean))
        args.push('--entry-points', line)
    } else args.push(`--${setting.key}`, value)
  }
  let download: string | null = null
  if (baseline?.source === 'path') args.push('--baseline-path', relative(baseline.location))
  else if (baseline?.runId) {
    download = `gh run download ${baseline.runId} -n ${quote(baseline.location)} -D bytescope-baseline`
    args.push('--baseline-path', `bytescope-baseline/${RESULTS_FILE}`)
  }
  const command = args.map(quote).join(' ')
  return download ? `${download} && ${command}` : command
}

const MEASUREMENT_KINDS = new Set(['int', 'seconds', 'percent', 'probability', 'size', 'bool', 'paths'])

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

function safe(key: string): string {
  return key.replace(/[^\w.-]+/g, '-')
}
