// Where a run is and what triggered it: the parts of @actions/github's `context` bytescope reads, as plain data so
// tests and the local CLI can pass their own.
import * as github from '@actions/github'

export interface GitHubContext {
  eventName: string
  /** GITHUB_REF, e.g. `refs/heads/main`. */
  ref: string
  payload: Record<string, unknown>
  repo: { owner: string; repo: string }
  runId: number
  serverUrl: string
  apiUrl: string
}

/** This workflow run's context (the repository is empty outside a repository's run). */
export function actionsContext(): GitHubContext {
  const { context } = github
  return {
    eventName: context.eventName,
    ref: context.ref,
    payload: context.payload as Record<string, unknown>,
    repo: process.env.GITHUB_REPOSITORY ? context.repo : { owner: '', repo: '' },
    runId: context.runId,
    serverUrl: context.serverUrl,
    apiUrl: context.apiUrl,
  }
}
