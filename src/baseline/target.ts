// Which baseline a run should compare with, read from the event that triggered it. The event payload only says
// where to look (repository, base branch, commits); what is found there is checked against the API, never trusted.
import type { GitHubContext } from '../github/context.js'

export interface BaselineTarget {
  owner: string
  repo: string
  /** Numeric id of the repository: only runs whose repository and head repository both have it qualify. */
  repositoryId: number
  /** The branch whose baselines count (the pull request's base, or the pushed branch). */
  branch: string
  /** Commits to compare `base...head` for the merge-base, when the event names them. */
  compare: { base: string; head: string } | null
  /** Commits whose baseline is the best match, best first (merge-base is added to the front once known). */
  preferred: string[]
  /** The commit "how far behind" is measured against: the pull request's base, or the commit before a push. */
  reference: string | null
  /** This run's id: a run never compares with its own upload. */
  currentRunId: number
}

interface Ref {
  ref?: string
  sha?: string
}

const ZERO_SHA = /^0+$/

/** What to look for, or a reason there is nothing to look for (e.g. a tag push or an event without a branch). */
export function baselineTarget(context: GitHubContext): BaselineTarget | string {
  const payload = context.payload
  const repositoryId = (payload.repository as { id?: unknown } | undefined)?.id
  if (typeof repositoryId !== 'number') return `the ${context.eventName} event names no repository`
  const common = { owner: context.repo.owner, repo: context.repo.repo, repositoryId, currentRunId: context.runId }
  const defaultBranch = (payload.repository as { default_branch?: string }).default_branch

  const pullRequest = (base: Ref | undefined, head: Ref | undefined): BaselineTarget | string => {
    if (!base?.ref) return `the ${context.eventName} event names no base branch`
    const compare = base.sha && head?.sha ? { base: base.sha, head: head.sha } : null
    return { ...common, branch: base.ref, compare, preferred: base.sha ? [base.sha] : [], reference: base.sha ?? null }
  }

  switch (context.eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      const pr = payload.pull_request as { base?: Ref; head?: Ref } | undefined
      return pullRequest(pr?.base, pr?.head)
    }
    case 'workflow_run': {
      // The triggering run's pull_requests list is empty for forks: then the default branch is the base, and the
      // head commit comes from the run itself (never from anything the run uploaded).
      const run = payload.workflow_run as { head_sha?: string; pull_requests?: { base?: Ref; head?: Ref }[] }
      const pr = run?.pull_requests?.[0]
      if (pr) return pullRequest(pr.base, pr.head)
      if (!defaultBranch) return 'the workflow_run event names no default branch'
      const compare = run?.head_sha ? { base: defaultBranch, head: run.head_sha } : null
      return { ...common, branch: defaultBranch, compare, preferred: [], reference: null }
    }
    case 'push': {
      const ref = String(payload.ref ?? '')
      if (!ref.startsWith('refs/heads/')) return `a push to ${ref || 'an unknown ref'} has no branch baseline`
      const before = typeof payload.before === 'string' && !ZERO_SHA.test(payload.before) ? payload.before : null
      return {
        ...common,
        branch: ref.slice('refs/heads/'.length),
        compare: null,
        preferred: before ? [before] : [],
        reference: before,
      }
    }
    default: {
      const ref = context.ref
      const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : defaultBranch
      if (!branch) return `the ${context.eventName} event names no branch`
      return { ...common, branch, compare: null, preferred: [], reference: null }
    }
  }
}
