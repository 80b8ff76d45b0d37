// The sticky comment's parts in process, against the local GitHub: the marker, duplicate clean-up, the size guard,
// and finding a fork's pull request by its head commit. (End to end through the bundle: comment-e2e.test.ts.)
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createOctokit } from '../src/github/client.js'
import { COMMENT_BODY_MAX_LENGTH, commentMarker, hasMarker, isAuthor, publishComment } from '../src/publish/comment.js'
import { findPullRequestByHead, resultsArtifactName } from '../src/sources/workflow-run.js'
import { COMMENT_MAX_LENGTH } from '../src/report/index.js'
import { installComments } from './support/github-comments.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

const servers: GitHubServer[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function github() {
  const gh = await startGitHubServer()
  servers.push(gh)
  return { gh, comments: installComments(gh) }
}

const SHA = 'a'.repeat(40)

function target(gh: GitHubServer, pull = 7) {
  return {
    repository: `${gh.state.repo.owner}/${gh.state.repo.name}`,
    eventName: 'pull_request',
    payload: { pull_request: { number: pull } },
    sha: SHA,
    apiUrl: gh.url,
  }
}

describe('the marker', () => {
  test('names the key percent-encoded, so no key can end the HTML comment or pose as another key', () => {
    expect(commentMarker('')).toBe('<!-- bytescope-comment key= -->')
    expect(commentMarker('py3.12')).toBe('<!-- bytescope-comment key=py3.12 -->')
    const hostile = commentMarker('--> <img src=x> key=other -->')
    expect(hostile).toBe('<!-- bytescope-comment key=--%3E%20%3Cimg%20src%3Dx%3E%20key%3Dother%20--%3E -->')
    expect(hostile.indexOf('-->')).toBe(hostile.length - 3)
    expect(commentMarker('名前')).toBe('<!-- bytescope-comment key=%E5%90%8D%E5%89%8D -->')
  })

  test('bounds a very long key, leaving the rest of the limit to the report', () => {
    const marker = commentMarker('k'.repeat(10_000))
    expect(marker.length + 1 + COMMENT_BODY_MAX_LENGTH).toBeLessThanOrEqual(COMMENT_MAX_LENGTH)
    expect(commentMarker('ü'.repeat(1000)).length + 1 + COMMENT_BODY_MAX_LENGTH).toBeLessThanOrEqual(COMMENT_MAX_LENGTH)
  })

  test('must be the whole first line', () => {
    const marker = commentMarker('a')
    expect(hasMarker(`${marker}\nbody`, marker)).toBe(true)
    expect(hasMarker(`${marker}\r\nbody`, marker)).toBe(true)
    expect(hasMarker(`> ${marker}\nquoted`, marker)).toBe(false)
    expect(hasMarker(`text\n${marker}`, marker)).toBe(false)
    expect(hasMarker(`${commentMarker('ab')}\n`, marker)).toBe(false)
    expect(hasMarker(null, marker)).toBe(false)
  })

  test('an author is the identity itself, or its bot when the identity is an app slug without [bot]', () => {
    expect(isAuthor({ login: 'github-actions[bot]', type: 'Bot' }, 'github-actions[bot]')).toBe(true)
    expect(isAuthor({ login: 'github-actions[bot]', type: 'Bot' }, 'github-actions')).toBe(true)
    expect(isAuthor({ login: 'Alice', type: 'User' }, 'alice')).toBe(true)
    expect(isAuthor({ login: 'github-actions', type: 'User' }, 'github-actions[bot]')).toBe(false)
    expect(isAuthor({ login: 'alice[bot]', type: 'User' }, 'alice')).toBe(false)
    expect(isAuthor({ login: 'mallory', type: 'User' }, 'github-actions[bot]')).toBe(false)
  })

  test('results artifact names follow the comment key like baseline names do', () => {
    expect(resultsArtifactName('')).toBe('bytescope-results')
    expect(resultsArtifactName('py3.12')).toBe('bytescope-results-py3.12')
    expect(resultsArtifactName('py 3.13 & free')).toBe('bytescope-results-py-3.13-free')
  })
})

describe('publishComment', () => {
  test('keeps the oldest of duplicate sticky comments (from concurrent runs) and deletes the rest', async () => {
    const { gh, comments } = await github()
    const marker = commentMarker('')
    const first = comments.add(7, { login: 'github-actions[bot]', type: 'Bot', body: `${marker}\nrun 1` })
    comments.add(7, { login: 'github-actions[bot]', type: 'Bot', body: `${marker}\nrun 2` })
    const theirs = comments.add(7, { login: 'mallory', body: `${marker}\npasted` })
    const url = await publishComment({
      token: gh.token,
      mode: 'auto',
      commentKey: '',
      body: 'run 3',
      regressed: false,
      github: target(gh),
    })
    expect(url).toBe(first.html_url)
    expect(comments.on(7).map((c) => c.body)).toEqual([`${marker}\nrun 3`, theirs.body])
  })

  test('does not edit a comment that is already up to date', async () => {
    const { gh, comments } = await github()
    comments.add(7, { login: 'github-actions[bot]', type: 'Bot', body: `${commentMarker('')}\nsame` })
    await publishComment({
      token: gh.token,
      mode: 'auto',
      commentKey: '',
      body: 'same',
      regressed: false,
      github: target(gh),
    })
    expect(gh.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql')).toEqual([])
  })

  test('refuses a body over the limit with one warning instead of posting half a report', async () => {
    const { gh, comments } = await github()
    const warn = vi.spyOn(process.stdout, 'write')
    const url = await publishComment({
      token: gh.token,
      mode: 'auto',
      commentKey: '',
      body: 'x'.repeat(COMMENT_MAX_LENGTH),
      regressed: false,
      github: target(gh),
    })
    expect(url).toBeNull()
    expect(comments.on(7)).toHaveLength(0)
    const warnings = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("over GitHub's 65536")
  })

  test('never comments with mode never, and outside pull requests only with always and a regression', async () => {
    const { gh, comments } = await github()
    comments.addPull({ number: 12, headSha: SHA })
    const push = { ...target(gh), eventName: 'push', payload: {} }
    const options = { token: gh.token, commentKey: '', body: 'report', github: push }
    expect(await publishComment({ ...options, mode: 'never', regressed: true, github: target(gh) })).toBeNull()
    expect(await publishComment({ ...options, mode: 'auto', regressed: true })).toBeNull()
    expect(await publishComment({ ...options, mode: 'always', regressed: false })).toBeNull()
    expect(gh.requests).toEqual([])
    expect(await publishComment({ ...options, mode: 'always', regressed: true })).toBe(comments.on(12)[0]!.html_url)
  })
})

describe('findPullRequestByHead', () => {
  test('scans open pull requests when neither the commit nor the head branch finds it', async () => {
    const { gh, comments } = await github()
    for (let n = 1; n <= 150; n++)
      comments.addPull({ number: n, headSha: n === 140 ? SHA : 'b'.repeat(40), associated: false })
    comments.addPull({ number: 151, headSha: SHA, state: 'closed' })
    const octokit = createOctokit(gh.token, gh.url)
    const { owner, name } = gh.state.repo
    expect(await findPullRequestByHead(octokit, owner, name, SHA, 'someone:renamed-branch')).toBe(140)
    expect(await findPullRequestByHead(octokit, owner, name, 'c'.repeat(40), null)).toBeNull()
  })
})
