// The second half of GitHub's two-workflow pattern for fork pull requests. A fork's `pull_request` run has a
// read-only token, so it measures and uploads its results as an artifact; a `workflow_run` workflow in the base
// repository (trusted code, a write token, no code from the fork) then runs bytescope, which lands here: it finds
// the pull request from the triggering run's head commit through the API (never from the artifact), downloads the
// run's results artifact, and hands the pipeline schema-valid results to gate, render and comment on.
//
//   const source = await pullRequestRunResults({ octokit, context, artifactName })
//   source.results      the measured results, validated against the schema (nothing else is read from the artifact)
//   source.pullNumber   where the comment goes
//   source.headSha      the commit that was measured
//   source.baseContext  a pull_request-shaped context for loadBaseline (base branch and commits from the API)
//
// The pipeline calls workflowRunSource(config, context, outputDir): null for any other event.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { ArtifactContentError, BaselineError, downloadRunArtifact, RESULTS_FILE } from '../baseline/index.js'
import { createOctokit, type Octokit } from '../github/client.js'
import type { GitHubContext } from '../github/context.js'
import { associatedPullRequests } from '../github/pulls.js'
import type { Config } from '../config.js'
import { parseResults, type Results } from '../results.js'

/** The artifact a pull request run uploads for this mode (with the comment key appended, like baselines). */
export const RESULTS_ARTIFACT = 'bytescope-results'

/** The results file inside it: the action's own name, or what `actions/upload-artifact` keeps of `results-path`. */
const RESULT_FILES = [RESULTS_FILE, 'results.json']

/** Open pull requests scanned at most when the cheaper look-ups find nothing (100 per page). */
const MAX_PULL_PAGES = 10

export interface PullRequestRunSource {
  results: Results
  pullNumber: number
  headSha: string
  baseContext: GitHubContext
  /** The pull request run, for the report's links. */
  runId: number
  runUrl: string | null
}

interface WorkflowRunPayload {
  id?: number
  event?: string
  head_sha?: string
  head_branch?: string | null
  html_url?: string
  head_repository?: { owner?: { login?: string } } | null
}

type Pull = Awaited<ReturnType<Octokit['rest']['pulls']['get']>>['data']

/** Thrown when this mode cannot proceed (not a pull request run, no pull request, no artifact). One line. */
export class WorkflowRunError extends BaselineError {
  override name = 'WorkflowRunError'
}

/** The artifact name for a comment key: matrix legs upload, and comment, separately. */
export function resultsArtifactName(commentKey: string): string {
  const key = commentKey.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '')
  return key ? `${RESULTS_ARTIFACT}-${key}` : RESULTS_ARTIFACT
}

/**
 * The open pull request of this repository whose head is `headSha`. GitHub leaves the run's `pull_requests` empty
 * for forks, so: the commit's associated pull requests; then open pull requests from the run's head owner and
 * branch (names from GitHub's event, checked against the commit); then a scan of open pull requests.
 */
export async function findPullRequestByHead(
  octokit: Octokit,
  owner: string,
  repo: string,
  headSha: string,
  headLabel: string | null,
): Promise<number | null> {
  const matches = (pull: { state?: string; head: { sha: string }; base: { repo: { full_name: string } | null } }) =>
    pull.state === 'open' &&
    pull.head.sha === headSha &&
    pull.base.repo?.full_name.toLowerCase() === `${owner}/${repo}`.toLowerCase()

  const associated = await associatedPullRequests(octokit, owner, repo, headSha)
  const found = associated.find(matches)
  if (found) return found.number

  if (headLabel) {
    const byHead = await octokit.paginate(octokit.rest.pulls.list, {
      owner,
      repo,
      state: 'open',
      head: headLabel,
      per_page: 100,
    })
    const match = byHead.find(matches)
    if (match) return match.number
  }

  let page = 0
  for await (const { data } of octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  })) {
    const match = data.find(matches)
    if (match) return match.number
    if (++page >= MAX_PULL_PAGES) break
  }
  return null
}

function resultsFrom(files: Map<string, Uint8Array>, where: string): Results {
  const name = RESULT_FILES.find((n) => files.has(n))
  if (!name) {
    throw new ArtifactContentError(
      `${where} has no ${RESULT_FILES.join(' or ')} (it holds: ${[...files.keys()].slice(0, 5).join(', ') || 'nothing'})`,
    )
  }
  return parseResults(Buffer.from(files.get(name)!).toString('utf8'), `${where} ${name}`)
}

/** A pull_request-shaped context from the pull request as the API returns it, for finding its baseline. */
function pullRequestContext(context: GitHubContext, pull: Pull): GitHubContext {
  return {
    ...context,
    eventName: 'pull_request',
    ref: `refs/pull/${pull.number}/merge`,
    payload: { ...context.payload, pull_request: pull, number: pull.number },
  }
}

export interface PullRequestRunOptions {
  octokit: Octokit
  context: GitHubContext
  commentKey: string
}

/** See the top of this file. Throws WorkflowRunError (or ArtifactContentError / ResultsValidationError) with one line. */
export async function pullRequestRunResults(options: PullRequestRunOptions): Promise<PullRequestRunSource> {
  const { octokit, context } = options
  const { owner, repo } = context.repo
  const run = (context.payload.workflow_run ?? {}) as WorkflowRunPayload
  if (typeof run.id !== 'number' || typeof run.head_sha !== 'string') {
    throw new WorkflowRunError('the workflow_run event names no run or head commit')
  }
  if (run.event !== 'pull_request' && run.event !== 'pull_request_target') {
    throw new WorkflowRunError(
      `the triggering run was a ${run.event ?? 'unknown'} run, not a pull request run; nothing to comment on`,
    )
  }
  const headOwner = run.head_repository?.owner?.login
  const headLabel = headOwner && run.head_branch ? `${headOwner}:${run.head_branch}` : null
  const pullNumber = await findPullRequestByHead(octokit, owner, repo, run.head_sha, headLabel)
  if (pullNumber === null) {
    throw new WorkflowRunError(`no open pull request has head commit ${run.head_sha} (closed, or pushed again since)`)
  }
  const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber })
  const name = resultsArtifactName(options.commentKey)
  const artifact = await downloadRunArtifact(octokit, {
    owner,
    repo,
    runId: run.id,
    name,
    wanted: (file) => RESULT_FILES.includes(file),
  })
  if (!artifact) {
    throw new WorkflowRunError(
      `run ${run.id} uploaded no artifact named ${name}: the pull request workflow must upload the results-path output under that name (see docs/workflows/)`,
    )
  }
  const results = resultsFrom(artifact.files, `artifact ${name} of run ${run.id}`)
  core.info(`bytescope: results of run ${run.id} (commit ${run.head_sha}) for pull request #${pullNumber}`)
  return {
    results,
    pullNumber,
    headSha: run.head_sha,
    baseContext: pullRequestContext(context, pull),
    runId: run.id,
    runUrl: run.html_url ?? null,
  }
}

/**
 * In workflow_run mode, the pull request run's results (also written to `outputDir`/results.json for the bytecode
 * diff), where to comment and what to compare with; null for any other event.
 */
export async function workflowRunSource(
  config: Pick<Config, 'githubToken' | 'commentKey'>,
  context: GitHubContext | null,
  outputDir: string,
): Promise<(PullRequestRunSource & { resultsPath: string }) | null> {
  if (context?.eventName !== 'workflow_run') return null
  const octokit = createOctokit(config.githubToken, context.apiUrl)
  const source = await pullRequestRunResults({ octokit, context, commentKey: config.commentKey })
  const resultsPath = path.join(outputDir, 'results.json')
  writeFileSync(resultsPath, JSON.stringify(source.results))
  return { ...source, resultsPath }
}
