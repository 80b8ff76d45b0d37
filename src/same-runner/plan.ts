// Which comparison a run makes: head against the base measured side by side on this runner (same-runner), against a
// stored baseline artifact, or against a results file (baseline-path, which wins). `compare: auto` measures side by
// side on pull requests, and on workflow_dispatch runs of a branch other than the default one; pushes keep storing
// and comparing artifacts.
import { ConfigError, type Config } from '../config.js'
import type { GitHubContext } from '../baseline/index.js'
import { createOctokit, failureText } from '../github/client.js'
import { git } from './base-tree.js'

/** The `comparison` output: what head was compared with. */
export type Comparison = 'same-runner' | 'artifact' | 'path' | 'none'

/** Where the base commit comes from: a commit to use as is, or two commits whose merge-base it is. */
export interface BaseCommit {
  /** Used as is, or when the merge-base cannot be found. */
  ref: string | null
  compare: { base: string; head: string } | null
}

export type Plan =
  { mode: 'path' } | { mode: 'artifact'; local: boolean } | { mode: 'same-runner'; base: BaseCommit; required: boolean }

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

export function planComparison(
  config: Pick<Config, 'baselinePath' | 'compare' | 'baseRef'>,
  context: GitHubContext | null,
): Plan {
  if (config.baselinePath) return { mode: 'path' }
  const local = context === null
  if (config.compare === 'artifact') return { mode: 'artifact', local }
  const base = baseCommit(config.baseRef, context)
  const required = config.compare === 'same-runner'
  if (base) return { mode: 'same-runner', base, required }
  if (required) {
    throw new ConfigError(
      local
        ? '--compare same-runner needs the commit to compare with: add --base-ref (e.g. --base-ref main)'
        : `compare: same-runner needs a base commit, and this ${context.eventName} run has none (set base-ref, or run on pull_request)`,
    )
  }
  return { mode: 'artifact', local }
}

function baseCommit(baseRef: string | null, context: GitHubContext | null): BaseCommit | null {
  if (baseRef) return { ref: baseRef, compare: null }
  if (!context) return null
  if (PULL_REQUEST_EVENTS.has(context.eventName)) {
    const pr = context.payload.pull_request as { base?: { sha?: string }; head?: { sha?: string } } | undefined
    const base = pr?.base?.sha
    const head = pr?.head?.sha
    if (!base) return null
    return { ref: base, compare: head ? { base, head } : null }
  }
  if (context.eventName === 'workflow_dispatch') {
    const defaultBranch = (context.payload.repository as { default_branch?: string } | undefined)?.default_branch
    const sha = process.env.GITHUB_SHA
    if (!defaultBranch || !sha || context.ref === `refs/heads/${defaultBranch}`) return null
    return { ref: null, compare: { base: defaultBranch, head: sha } }
  }
  return null
}

/**
 * The base commit to measure: the merge-base of the pull request as GitHub computes it (the commit the artifact
 * lookup prefers too), else as local history shows it, else the base commit itself. Null only when nothing names one.
 */
export async function resolveBaseCommit(
  base: BaseCommit,
  config: Pick<Config, 'githubToken' | 'workingDirectory'>,
  context: GitHubContext | null,
  info: (line: string) => void,
): Promise<string | null> {
  if (!base.compare) return base.ref
  const { base: from, head: to } = base.compare
  if (context?.repo.owner && config.githubToken) {
    try {
      const octokit = createOctokit(config.githubToken, context.apiUrl, { attempts: 2, delayMs: 500 })
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner: context.repo.owner,
        repo: context.repo.repo,
        basehead: `${from}...${to}`,
        per_page: 1,
      })
      return data.merge_base_commit.sha
    } catch (error) {
      info(`bytescope: GitHub could not compare ${from.slice(0, 12)}...${to.slice(0, 12)} (${failureText(error)}).`)
    }
  }
  const local = await git(['merge-base', from, to], config.workingDirectory)
  if (local.code === 0 && local.stdout.trim()) return local.stdout.trim()
  if (base.ref) info(`bytescope: the merge-base is unknown; measuring the base commit ${base.ref.slice(0, 12)}.`)
  return base.ref
}
