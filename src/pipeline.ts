// The pipeline, the same wherever it runs: measure (or read results measured elsewhere) -> compare with the baseline
// -> gate -> bytecode diff and pairs -> report. It writes results.json and report.md to the output directory and
// hands the adapters (src/adapters/) a Done; they decide what to show and where (GitHub, or a terminal).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { BaselineError } from './baseline/index.js'
import { ConfigError, type Config, type RawSettings } from './config.js'
import { measureAndCompare, readMeasured } from './compare.js'
import { GitHubError } from './github/client.js'
import type { GitHubContext } from './github/context.js'
import { bytecodeDiff, findInterpreter, HarnessError } from './harness.js'
import type { Log } from './log.js'
import { joinPairs } from './pairing.js'
import { COMMENT_BODY_MAX_LENGTH } from './publish/comment.js'
import { renderReport, SUMMARY_MAX_LENGTH, type BytecodeDiffReport, type ReportContext } from './report/index.js'
import { reproduceCommand } from './reproduce.js'
import { ResultsValidationError, type Results } from './results.js'
import { workflowRunSource } from './sources/workflow-run.js'
import type { BaselineInfo, Verdict } from './verdict.js'

/** GitHub refuses a step summary over 1 MiB. */
const SUMMARY_MAX_BYTES = 1024 * 1024

export interface Done {
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

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string }

const USER_FACING = [ConfigError, HarnessError, ResultsValidationError, BaselineError, GitHubError]

/** Every failure becomes one line; unexpected ones also leave their stack in the debug log. */
export async function guarded<T>(log: Log, body: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await body() }
  } catch (error) {
    log.close()
    if (!USER_FACING.some((kind) => error instanceof kind)) core.debug((error as Error).stack ?? String(error))
    return { ok: false, message: (error as Error).message ?? String(error) }
  }
}

export interface PipelineRun {
  config: Config
  /** The settings as given (inputs or flags, before the config file), for the reproduce command. */
  explicit: RawSettings
  /** Where results.json, report.md and the intermediate files go. */
  outputDir: string
  log: Log
  /** The workflow run's context; null for the local CLI. */
  context: GitHubContext | null
  /** Sets an action output (`results-path`, `comparison`, `report-path`) as soon as it is known. */
  output?: (key: string, value: string) => void
  /** Gate this results file instead of measuring (the local CLI's --results). */
  measured?: string | null
}

/** Runs the stages into `outputDir`. */
export async function pipeline(run: PipelineRun): Promise<Done> {
  const { config, explicit, outputDir, log, context, output = () => undefined, measured = null } = run
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
  // A failed entry's error is in its progress line and in the report; what it printed is only here.
  for (const entry of harness.results.entries.filter((e) => e.status !== 'ok')) {
    const printed = [entry.output?.stdout, entry.output?.stderr].filter(Boolean).join('\n')
    if (!printed) continue
    log.startGroup(`bytescope: output of ${entry.name} (${entry.status === 'timeout' ? 'timed out' : 'failed'})`)
    log.untrusted(printed)
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
    reproduceCommand: reproduceCommand({
      config,
      explicit,
      baseline,
      workspace,
      pythonVersion: head.environment.python_version,
      local: context === null,
    }),
    sourceRoot: path.relative(workspace, config.workingDirectory).split(path.sep).join('/'),
    artifactName: null,
    bytecodeDiff: diff,
  }
}
