// The one GitHub REST client (baselines, the workflow_run source, the comment, same-runner's merge-base): Octokit from
// @actions/github with the base URL of the server the run is on, a deadline per request and a bounded retry for
// transient failures (5xx, 429, network errors, stalls), and errors turned into one line a user can act on.
import { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>

/** A GitHub call that cannot be made as configured (no token); `message` is one line, no stack trace needed. */
export class GitHubError extends Error {
  override name = 'GitHubError'
}

export interface RetryOptions {
  /** Total attempts, including the first. */
  attempts: number
  /** Delay before the second attempt; doubles each time (capped by a server's Retry-After, at most 30 s). */
  delayMs: number
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, delayMs: 1000 }

interface HttpFailure {
  status?: number
  response?: { headers?: Record<string, string | undefined> }
}

function transient(error: unknown): boolean {
  const status = (error as HttpFailure).status
  // No status: the connection failed (reset, refused, DNS) before GitHub answered.
  return status === undefined || status === 429 || status >= 500
}

function retryAfterMs(error: unknown): number | null {
  const header = (error as HttpFailure).response?.headers?.['retry-after']
  const seconds = header === undefined ? NaN : Number(header)
  return Number.isFinite(seconds) ? Math.min(seconds, 30) * 1000 : null
}

/** Runs `attempt` until it succeeds, fails permanently, or runs out of attempts. */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (i >= options.attempts || !transient(error)) throw error
      const delay = retryAfterMs(error) ?? options.delayMs * 2 ** (i - 1)
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

// How long one attempt may take, answer and body included, before it counts as a stall: a connection that never
// answers would otherwise hold the step for the job's six hours.
export const API_TIMEOUT_MS = 60_000
export const DOWNLOAD_TIMEOUT_MS = 300_000

/** `defaultMs`, or BYTESCOPE_REQUEST_TIMEOUT_MS when set (tests shorten every deadline with it). */
export function requestTimeoutMs(defaultMs: number): number {
  const override = Number(process.env.BYTESCOPE_REQUEST_TIMEOUT_MS)
  return Number.isInteger(override) && override > 0 ? override : defaultMs
}

/**
 * Runs `attempt` with a signal that aborts it after `ms`. A stall becomes an error without a status, which
 * withRetry treats like a dropped connection, and which says who did not answer.
 */
export async function withDeadline<T>(
  who: string,
  ms: number,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(ms)
  try {
    return await attempt(signal)
  } catch (error) {
    if (signal.aborted) throw new Error(`${who} did not answer within ${+(ms / 1000).toFixed(1)} s`, { cause: error })
    throw error
  }
}

/** An Octokit whose every request has a deadline and retries transient failures and stalls. */
export function createOctokit(token: string, apiUrl: string, retry: RetryOptions = DEFAULT_RETRY): Octokit {
  if (!token)
    throw new GitHubError('a github-token is needed to call the GitHub API (the default is `${{ github.token }}`)')
  const octokit = getOctokit(token, { baseUrl: apiUrl })
  const timeoutMs = requestTimeoutMs(API_TIMEOUT_MS)
  octokit.hook.wrap('request', (request, options) =>
    withRetry(
      () =>
        withDeadline('GitHub', timeoutMs, async (signal) => {
          // Set on the options object itself: with @octokit/core 7 a signal on a spread copy never reached fetch.
          options.request = { ...options.request, signal }
          return request(options)
        }),
      retry,
    ),
  )
  return octokit
}

/** "HTTP 404: Not Found", or the connection error: the first line, without Octokit's documentation link. */
export function failureText(error: unknown): string {
  const status = (error as HttpFailure).status
  const message = ((error as Error).message ?? String(error)).split('\n')[0]!.replace(/ - https:\/\/\S+$/, '')
  return status ? `HTTP ${status}: ${message}` : message
}

/** One line for a failed API call; a 403 names the permission the workflow must grant. */
export function describeFailure(error: unknown, what: string): string {
  const text = failureText(error)
  if ((error as HttpFailure).status === 403 && !/rate limit/i.test(text)) {
    return (
      `cannot ${what}: the token was refused (${text}). ` +
      "Grant it `actions: read` in the workflow's `permissions:` block (see docs/baselines.md)."
    )
  }
  return `cannot ${what}: ${text}`
}
