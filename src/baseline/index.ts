// Baselines as workflow artifacts (docs/baselines.md). The pipeline calls loadBaseline before the gate and
// storeBaseline when publishing; downloadRunArtifact is shared with the workflow_run comment mode.
//
//   loadBaseline(config, context)  -> { results, info } | null   (null: no usable baseline; the reasons are logged)
//   storeBaseline(config, context, resultsPath, profileFiles) -> { name, id, size } | { skipped }
//
// Both throw BaselineError (one line, e.g. the missing `actions: read` permission) for what the user must fix.
import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import type { Config } from '../config.js'
import { parseResults, ResultsValidationError, type Results } from '../results.js'
import type { BaselineInfo } from '../verdict.js'
import { ArtifactContentError, DEFAULT_LIMITS, downloadArtifactZip, extractZip, type Limits } from './download.js'
import { listCandidates, MAX_PAGES, type Candidate } from './find.js'
import {
  createOctokit,
  DEFAULT_RETRY,
  describeFailure,
  failureText,
  type Octokit,
  type RetryOptions,
} from '../github/client.js'
import type { GitHubContext } from '../github/context.js'
import { BaselineError } from './error.js'
import { baselineArtifactName, RESULTS_FILE } from './name.js'
import { baselineTarget, type BaselineTarget } from './target.js'

export { BaselineError } from './error.js'
export { ArtifactContentError, downloadArtifactZip, downloadRunArtifact, extractZip } from './download.js'
export { baselineArtifactName, sanitizeArtifactName, RESULTS_FILE } from './name.js'
export { storeBaseline, skipUploadReason } from './store.js'
export type { GitHubContext } from '../github/context.js'

export interface LoadedBaseline {
  results: Results
  info: BaselineInfo
}

export interface LoadOptions {
  /** Defaults to one made from `config.githubToken` and `context.apiUrl`. */
  octokit?: Octokit
  limits?: Limits
  retry?: RetryOptions
  /** Candidates downloaded at most (each failed one is reported and the next tried). */
  maxDownloads?: number
}

// Runs looked up at most: enough to step over a few failed or in-progress runs on the branch.
const MAX_RUN_CHECKS = 20
const MAX_DOWNLOADS = 5

/** The baseline this run compares with: `baseline-path` when set, else the best artifact on the base branch. */
export async function loadBaseline(
  config: Pick<Config, 'baselinePath' | 'baselineArtifact' | 'commentKey' | 'githubToken'>,
  context: GitHubContext,
  options: LoadOptions = {},
): Promise<LoadedBaseline | null> {
  if (config.baselinePath) return loadBaselineFile(config.baselinePath)
  const target = baselineTarget(context)
  if (typeof target === 'string') {
    core.info(`No baseline artifact to look for: ${target}.`)
    return null
  }
  const octokit = options.octokit ?? createOctokit(config.githubToken, context.apiUrl, options.retry)
  return new ArtifactSearch(octokit, target, baselineArtifactName(config), options).run()
}

function loadBaselineFile(path: string): LoadedBaseline {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new BaselineError(
      `baseline-path ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
  try {
    const results = parseResults(text, `baseline-path ${path}`)
    return { results, info: { source: 'path', location: path, commit: results.environment.commit } }
  } catch (error) {
    throw new BaselineError((error as Error).message)
  }
}

type Run = Awaited<ReturnType<Octokit['rest']['actions']['getWorkflowRun']>>['data']

class ArtifactSearch {
  private readonly skipped: string[] = []

  constructor(
    private readonly octokit: Octokit,
    private readonly target: BaselineTarget,
    private readonly name: string,
    private readonly options: LoadOptions,
  ) {}

  async run(): Promise<LoadedBaseline | null> {
    const { target, name } = this
    core.info(`Looking for baseline artifact ${name} from ${target.owner}/${target.repo} on ${target.branch}.`)
    const mergeBase = target.compare ? await this.mergeBase(target.compare) : null
    if (mergeBase && !target.preferred.includes(mergeBase)) target.preferred.unshift(mergeBase)

    const list = await this.api('list the workflow artifacts that hold baselines', () =>
      listCandidates(this.octokit, target, name),
    )
    if (list.expired) this.skipped.push(`${list.expired} expired artifact${list.expired === 1 ? '' : 's'}`)
    if (list.foreign) core.info(`Ignored ${list.foreign} ${name} artifact(s) from forks or other repositories.`)
    if (list.truncated) core.info(`Stopped listing artifacts after ${MAX_PAGES * 100}; older ones were not considered.`)

    let checks = 0
    let downloads = 0
    for (const candidate of list.candidates) {
      if (checks++ >= MAX_RUN_CHECKS || downloads >= (this.options.maxDownloads ?? MAX_DOWNLOADS)) break
      const run = await this.verifiedRun(candidate)
      if (!run) continue
      downloads++
      const results = await this.fetchResults(candidate)
      if (!results) continue
      const info: BaselineInfo = {
        source: 'artifact',
        location: name,
        commit: run.head_sha,
        runId: run.id,
        runUrl: run.html_url,
        behindBy: await this.behindBy(run.head_sha),
        skipped: this.skipped,
      }
      const at =
        mergeBase === run.head_sha
          ? 'the merge-base'
          : target.reference === run.head_sha
            ? 'the base commit'
            : 'the newest usable run'
      core.info(`Baseline: ${name} from run ${run.id} at ${run.head_sha.slice(0, 7)} (${at}).`)
      return { results, info }
    }
    for (const line of this.skipped) core.warning(`Skipped a baseline candidate: ${line}.`)
    core.info(`No usable ${name} artifact from a successful run on ${target.branch} of ${target.owner}/${target.repo}.`)
    return null
  }

  /** The run behind a candidate, if it succeeded and really belongs to this repository and branch. */
  private async verifiedRun(candidate: Candidate): Promise<Run | null> {
    const { target } = this
    const run = await this.api(`read workflow run ${candidate.runId}`, async () => {
      try {
        const { data } = await this.octokit.rest.actions.getWorkflowRun({
          owner: target.owner,
          repo: target.repo,
          run_id: candidate.runId,
        })
        return data
      } catch (error) {
        // A run deleted since its artifact was listed.
        if ((error as { status?: number }).status === 404) return null
        throw error
      }
    })
    if (!run) {
      this.skipped.push(`${this.name} of run ${candidate.runId}: the run no longer exists`)
      return null
    }
    const label = `${this.name} of run ${run.id} (${run.head_sha.slice(0, 7)})`
    if (run.repository.id !== target.repositoryId || run.head_repository?.id !== target.repositoryId) {
      core.info(`Ignored ${label}: the run's code comes from another repository.`)
      return null
    }
    if (run.head_branch !== target.branch || run.head_sha !== candidate.headSha) {
      core.info(`Ignored ${label}: the run is not on ${target.branch}.`)
      return null
    }
    if (run.status !== 'completed' || run.conclusion !== 'success') {
      this.skipped.push(
        `${label}: the run ${run.status === 'completed' ? `concluded ${run.conclusion}` : `is ${run.status}`}`,
      )
      return null
    }
    return run
  }

  /** The candidate's results, or null (with the reason recorded) when it is corrupt or not a results file. */
  private async fetchResults(candidate: Candidate): Promise<Results | null> {
    const { target } = this
    const label = `${this.name} of run ${candidate.runId} (${candidate.headSha.slice(0, 7)})`
    const limits = this.options.limits ?? DEFAULT_LIMITS
    try {
      const zip = await downloadArtifactZip(
        this.octokit,
        {
          owner: target.owner,
          repo: target.repo,
          id: candidate.artifactId,
          name: candidate.name,
          sizeInBytes: candidate.sizeInBytes,
        },
        limits,
        this.options.retry ?? DEFAULT_RETRY,
      )
      const file = extractZip(zip, limits, (n) => n === RESULTS_FILE).get(RESULTS_FILE)
      if (!file) throw new ArtifactContentError(`has no ${RESULTS_FILE}`)
      return parseResults(new TextDecoder().decode(file), RESULTS_FILE)
    } catch (error) {
      const status = (error as { status?: number }).status
      if (error instanceof ArtifactContentError) this.skipped.push(`${label} ${error.message}`)
      else if (error instanceof ResultsValidationError) this.skipped.push(`${label}: ${error.message}`)
      else if (status === 404 || status === 410) this.skipped.push(`${label}: gone (HTTP ${status})`)
      else throw new BaselineError(describeFailure(error, `download baseline artifact ${candidate.artifactId}`))
      return null
    }
  }

  /** The merge-base of the pull request, or null when GitHub cannot tell (e.g. a force-pushed base). */
  private async mergeBase(compare: { base: string; head: string }): Promise<string | null> {
    const comparison = await this.compare(compare.base, compare.head)
    return comparison?.merge_base_commit.sha ?? null
  }

  /** Commits the reference (the base or the commit before a push) is ahead of the baseline's commit. */
  private async behindBy(sha: string): Promise<number | null> {
    const reference = this.target.reference
    if (!reference) return null
    if (reference === sha) return 0
    return (await this.compare(sha, reference))?.ahead_by ?? null
  }

  private async compare(base: string, head: string) {
    const { owner, repo } = this.target
    try {
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${base}...${head}`,
        per_page: 1,
      })
      return data
    } catch (error) {
      // Comparing is a refinement: without it the newest baseline is used and its distance is unknown.
      core.info(`Could not compare ${base.slice(0, 7)}...${head.slice(0, 7)} (${failureText(error)}).`)
      return null
    }
  }

  private async api<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw new BaselineError(describeFailure(error, what))
    }
  }
}
