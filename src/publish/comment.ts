// The sticky pull-request comment: one per pull request and comment key, found by a hidden marker on its first line
// and edited in place on every push. Only comments written by the token's own identity are ever edited, so a marker
// pasted by someone else is left alone. Commenting never decides the job's result: any failure is one warning and
// the report stays in the job summary.
//
// publishComment(options) -> the comment's URL, or null when no comment was written. Options:
//   token       token for the REST API (the action's `github-token`)
//   mode        `comment` input: 'auto' (pull-request events only), 'always' (also a regression on another event
//               when a pull request can be found for the commit), 'never'
//   commentKey  `comment-key`: runs with different keys (matrix legs) keep separate comments
//   body        the rendered report, at most COMMENT_BODY_MAX_LENGTH characters (renderReport's maxLength)
//   regressed   whether the gate found a regression (for mode 'always' outside pull requests)
//   github      where and what: { repository: 'owner/name', eventName, payload (the event), sha, apiUrl? };
//               defaults come from @actions/github's context
//   pullNumber  comment on this pull request instead of finding it from the event (the workflow_run mode)
import * as core from '@actions/core'
import * as actionsGithub from '@actions/github'
import { createOctokit, type Octokit } from '../github/client.js'
import { associatedPullRequests } from '../github/pulls.js'
import { COMMENT_MAX_LENGTH } from '../report/index.js'

export type CommentMode = 'auto' | 'always' | 'never'

export interface GitHubTarget {
  /** owner/name */
  repository: string
  eventName: string
  payload: Record<string, unknown>
  /** The commit the run measured. */
  sha: string
  /** REST API root; defaults to GITHUB_API_URL, then https://api.github.com. */
  apiUrl?: string
}

export interface PublishCommentOptions {
  token: string
  mode: CommentMode
  commentKey: string
  body: string
  regressed: boolean
  github?: GitHubTarget
  pullNumber?: number
}

/** The encoded key is cut to this length, so the marker never takes more than MARKER_MAX_LENGTH characters. */
const ENCODED_KEY_MAX_LENGTH = 300
const MARKER_MAX_LENGTH = `<!-- bytescope-comment key= -->\n`.length + ENCODED_KEY_MAX_LENGTH

/** What renderReport may produce for a comment: the limit less the marker line. */
export const COMMENT_BODY_MAX_LENGTH = COMMENT_MAX_LENGTH - MARKER_MAX_LENGTH

/** The app identity GitHub uses for the workflow's GITHUB_TOKEN, which cannot call GET /user. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]'

/**
 * The hidden marker: an HTML comment with the key percent-encoded, so no key can end the comment early or look like
 * another key's marker.
 */
export function commentMarker(commentKey: string): string {
  const encode = (key: string) =>
    encodeURIComponent(key).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
  // Cut by whole code points (half a UTF-16 pair cannot be percent-encoded); each encodes to at least one character.
  const points = Array.from(commentKey).slice(0, ENCODED_KEY_MAX_LENGTH)
  let encoded = encode(points.join(''))
  while (encoded.length > ENCODED_KEY_MAX_LENGTH) {
    points.pop()
    encoded = encode(points.join(''))
  }
  return `<!-- bytescope-comment key=${encoded} -->`
}

/** Whether a comment body is this key's sticky comment: the marker must be its whole first line. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  if (!body) return false
  const firstLine = body.split(/\r?\n/, 1)[0]
  return firstLine === marker
}

function currentTarget(): GitHubTarget {
  const { context } = actionsGithub
  return {
    repository: `${context.repo.owner}/${context.repo.repo}`,
    eventName: context.eventName,
    payload: context.payload as Record<string, unknown>,
    sha: context.sha,
    apiUrl: context.apiUrl,
  }
}

function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown } | null)?.status
  return typeof value === 'number' ? value : undefined
}

/**
 * The login whose comments we may edit. Personal and OAuth tokens answer GET /user. Installation tokens (the
 * workflow's GITHUB_TOKEN included) get 403 there; GraphQL's `viewer` names their bot, as
 * marocchino/sticky-pull-request-comment relies on. When neither answers, the token is taken to be GITHUB_TOKEN,
 * whose comments are written by github-actions[bot].
 */
export async function tokenIdentity(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    if (status(error) !== 403 && status(error) !== 401) throw error
  }
  try {
    const data = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')
    return data.viewer.login
  } catch (error) {
    core.debug(`bytescope: GraphQL viewer unavailable (${(error as Error).message}); assuming ${GITHUB_ACTIONS_BOT}`)
    return GITHUB_ACTIONS_BOT
  }
}

/** The pull request a run comments on, or null with the reason logged. */
async function findPullNumber(
  octokit: Octokit,
  options: PublishCommentOptions,
  target: GitHubTarget,
  owner: string,
  repo: string,
): Promise<number | null> {
  if (options.pullNumber != null) return options.pullNumber
  const pull = target.payload['pull_request'] as { number?: unknown } | undefined
  if (typeof pull?.number === 'number') return pull.number
  if (options.mode !== 'always') {
    core.info(`bytescope: not a pull request (${target.eventName}); no comment with comment: auto`)
    return null
  }
  if (!options.regressed) {
    core.info('bytescope: no regression outside a pull request; no comment')
    return null
  }
  const pulls = await associatedPullRequests(octokit, owner, repo, target.sha)
  const open = pulls.filter((p) => p.state === 'open')
  const chosen = open.find((p) => p.head.sha === target.sha) ?? open[0]
  if (!chosen) {
    core.info(`bytescope: no open pull request contains ${target.sha}; no comment`)
    return null
  }
  return chosen.number
}

interface ExistingComment {
  id: number
  body?: string | null
  html_url: string
  user: { login: string; type?: string } | null
}

/**
 * Whether `user` (a REST comment author) is the token's identity. REST names an app's bot `slug[bot]`; GraphQL's
 * viewer may name it with or without the suffix, so a Bot author also matches the bare slug.
 */
export function isAuthor(user: { login: string; type?: string }, identity: string): boolean {
  const login = user.login.toLowerCase()
  const wanted = identity.toLowerCase()
  return login === wanted || (user.type === 'Bot' && login === `${wanted}[bot]`)
}

/** Every comment of ours carrying the marker, oldest first, paging through all comments. */
async function findOwnComments(
  octokit: Octokit,
  owner: string,
  repo: string,
  issueNumber: number,
  marker: string,
  identity: string,
): Promise<ExistingComment[]> {
  const ours: ExistingComment[] = []
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  })
  for await (const { data } of pages) {
    for (const comment of data as ExistingComment[]) {
      if (!hasMarker(comment.body, marker)) continue
      if (comment.user && isAuthor(comment.user, identity)) ours.push(comment)
      else core.info(`bytescope: leaving alone comment ${comment.id} by ${comment.user?.login ?? 'a deleted user'}`)
    }
  }
  return ours
}

async function upsert(octokit: Octokit, options: PublishCommentOptions, target: GitHubTarget): Promise<string | null> {
  const [owner, repo] = target.repository.split('/') as [string, string]
  const issueNumber = await findPullNumber(octokit, options, target, owner, repo)
  if (issueNumber === null) return null
  const marker = commentMarker(options.commentKey)
  const body = `${marker}\n${options.body}`
  if (body.length > COMMENT_MAX_LENGTH) {
    throw new Error(`the report is ${body.length} characters, over GitHub's ${COMMENT_MAX_LENGTH}`)
  }
  const identity = await tokenIdentity(octokit)
  const [existing, ...duplicates] = await findOwnComments(octokit, owner, repo, issueNumber, marker, identity)
  let url: string
  if (!existing) {
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })
    url = data.html_url
    core.info(`bytescope: commented on #${issueNumber}: ${url}`)
  } else if (existing.body === body) {
    url = existing.html_url
    core.info(`bytescope: comment ${url} is already up to date`)
  } else {
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body })
    url = data.html_url
    core.info(`bytescope: updated ${url}`)
  }
  // Concurrent runs can each create the comment; keep the oldest so there is exactly one per key.
  for (const duplicate of duplicates) {
    try {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: duplicate.id })
      core.info(`bytescope: deleted duplicate comment ${duplicate.html_url}`)
    } catch (error) {
      // The report is posted; a leftover copy is untidy, not a failure.
      core.info(`bytescope: could not delete duplicate comment ${duplicate.html_url}: ${(error as Error).message}`)
    }
  }
  return url
}

/** Creates or updates the sticky comment; see the top of this file. Never throws: failures become one warning. */
export async function publishComment(options: PublishCommentOptions): Promise<string | null> {
  if (options.mode === 'never') return null
  const target = options.github ?? currentTarget()
  try {
    const octokit = createOctokit(options.token, target.apiUrl ?? actionsGithub.context.apiUrl)
    return await upsert(octokit, options, target)
  } catch (error) {
    const code = status(error)
    if (code === 403 || code === 401 || code === 404) {
      core.warning(
        `bytescope: could not write the pull-request comment (HTTP ${code}: ${(error as Error).message}). ` +
          'Pull requests from forks get a read-only token; the report is in the job summary. To comment on them, ' +
          'use the workflow_run pattern in docs/workflows/, or grant `pull-requests: write`.',
      )
    } else {
      core.warning(`bytescope: could not write the pull-request comment: ${(error as Error).message}`)
    }
    return null
  }
}
