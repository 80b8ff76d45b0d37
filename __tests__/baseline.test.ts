// Finding, downloading and validating baselines against the local GitHub (in process, with the real Octokit and
// the real protocols; the bundled action is exercised in baseline-e2e.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { strToU8, zipSync } from 'fflate'
import {
  baselineArtifactName,
  BaselineError,
  downloadRunArtifact,
  extractZip,
  loadBaseline,
  RESULTS_FILE,
  skipUploadReason,
  type GitHubContext,
} from '../src/baseline/index.js'
import { createOctokit } from '../src/github/client.js'
import { checkResults } from '../src/results.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { pullRequestEvent, pushEvent, workflowRunEvent } from './support/action.js'
import { entry, results } from './support/results.js'

const NAME = 'bytescope-baseline'
const config: { baselinePath: string | null; baselineArtifact: string; commentKey: string; githubToken: string } = {
  baselinePath: null,
  baselineArtifact: NAME,
  commentKey: '',
  githubToken: 'unused',
}
const FAST_RETRY = { attempts: 3, delayMs: 5 }
const BASE_SHA = 'b'.repeat(40)
const HEAD_SHA = 'c'.repeat(40)

let gh: GitHubServer
beforeEach(async () => {
  gh = await startGitHubServer()
  // The search logs its decisions through @actions/core; keep test output readable (DEBUG_BASELINE=1 shows them).
  if (!process.env.DEBUG_BASELINE) vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(async () => {
  vi.restoreAllMocks()
  await gh.close()
})

function baselineResults(commit: string) {
  const data = results([entry({ name: 'work' })])
  data.environment.commit = commit
  return checkResults(data, 'fixture')
}

/** A successful run on main at `sha` that uploaded a valid baseline; returns the run. */
function baselineRun(sha: string, fields: Record<string, unknown> = {}, files?: Record<string, string | Uint8Array>) {
  const run = gh.addRun({ head_sha: sha, ...fields })
  gh.addArtifact(run, { name: NAME, files: files ?? { [RESULTS_FILE]: JSON.stringify(baselineResults(sha)) } })
  return run
}

function contextFor(eventName: string, payload: Record<string, unknown>): GitHubContext {
  return {
    eventName,
    payload,
    ref: eventName === 'push' ? String(payload.ref) : 'refs/pull/7/merge',
    repo: { owner: gh.state.repo.owner, repo: gh.state.repo.name },
    runId: gh.state.currentRunId,
    serverUrl: 'https://github.com',
    apiUrl: gh.url,
  }
}

function prContext(options: Parameters<typeof pullRequestEvent>[1] = {}) {
  return contextFor('pull_request', pullRequestEvent(gh, { baseSha: BASE_SHA, headSha: HEAD_SHA, ...options }))
}

function load(
  context = prContext(),
  overrides: Partial<typeof config> = {},
  limits?: { maxZipBytes: number; maxExtractedBytes: number },
) {
  const octokit = createOctokit(gh.token, gh.url, FAST_RETRY)
  return loadBaseline({ ...config, ...overrides }, context, {
    octokit,
    retry: FAST_RETRY,
    ...(limits ? { limits } : {}),
  })
}

/** Distinct SHAs whose 7-character abbreviation is `f` and the number: sha(4) is f000004… */
const sha = (n: number) => `f${n.toString(16).padStart(6, '0')}`.padEnd(40, 'e')

describe('finding the baseline of a pull request', () => {
  test('no baseline: null, after looking', async () => {
    gh.addRun({ head_sha: sha(1) }) // a successful run without the artifact
    expect(await load()).toBeNull()
    expect(gh.requests.some((r) => r.template === '/repos/{owner}/{repo}/actions/artifacts')).toBe(true)
  })

  test('one baseline: its results, commit, run and distance behind the base', async () => {
    const run = baselineRun(sha(1))
    gh.state.comparisons[`${sha(1)}...${BASE_SHA}`] = { ahead_by: 3, behind_by: 0, merge_base_sha: sha(1) }
    const loaded = await load()
    expect(loaded?.results.environment.commit).toBe(sha(1))
    expect(loaded?.info).toMatchObject({
      source: 'artifact',
      location: NAME,
      commit: sha(1),
      runId: run.id,
      runUrl: run.html_url,
      behindBy: 3,
    })
  })

  test('several runs: the merge-base wins over newer runs and over the base commit', async () => {
    baselineRun(sha(1))
    const mergeBase = baselineRun(sha(2))
    baselineRun(BASE_SHA)
    baselineRun(sha(4)) // newest
    gh.state.comparisons[`${BASE_SHA}...${HEAD_SHA}`] = { ahead_by: 2, behind_by: 5, merge_base_sha: sha(2) }
    gh.state.comparisons[`${sha(2)}...${BASE_SHA}`] = { ahead_by: 5, behind_by: 0, merge_base_sha: sha(2) }
    const loaded = await load()
    expect(loaded?.info).toMatchObject({ commit: sha(2), runId: mergeBase.id, behindBy: 5 })
  })

  test('several runs: without a merge-base, the base commit; without either, the newest', async () => {
    baselineRun(sha(1))
    baselineRun(BASE_SHA)
    baselineRun(sha(3))
    expect((await load())?.info).toMatchObject({ commit: BASE_SHA, behindBy: 0 })
    const newest = baselineRun(sha(4))
    expect((await load(prContext({ baseSha: sha(9) })))?.info).toMatchObject({ commit: sha(4), runId: newest.id })
  })

  test('expired artifacts are skipped, and said so', async () => {
    baselineRun(sha(1))
    const expiredRun = gh.addRun({ head_sha: sha(2) })
    gh.addArtifact(expiredRun, { name: NAME, files: { [RESULTS_FILE]: '{}' }, expired: true })
    const loaded = await load()
    expect(loaded?.info.commit).toBe(sha(1))
    expect(loaded?.info.skipped).toContain('1 expired artifact')
    expect(gh.requests.some((r) => r.path.endsWith(`/actions/runs/${expiredRun.id}`))).toBe(false)
  })

  test('a fork run on a branch named like the base is never a candidate, even at the merge-base commit', async () => {
    const good = baselineRun(sha(1))
    const fork = { id: 666, owner: 'mallory', name: 'octo-repo' }
    const poisoned = baselineResults(sha(2))
    poisoned.entries[0]!.time!.median_ns = 1e12 // "normal" would become absurdly slow
    gh.addArtifact(gh.addRun({ head_sha: sha(2), event: 'pull_request', head_repository: fork }), {
      name: NAME,
      files: { [RESULTS_FILE]: JSON.stringify(poisoned) },
    })
    gh.state.comparisons[`${BASE_SHA}...${HEAD_SHA}`] = { ahead_by: 1, behind_by: 0, merge_base_sha: sha(2) }
    const loaded = await load()
    expect(loaded?.info).toMatchObject({ commit: sha(1), runId: good.id })
    // Its artifact was not even downloaded.
    expect(gh.requests.filter((r) => r.path.endsWith('/zip'))).toHaveLength(1)
  })

  test('a run that did not succeed is skipped', async () => {
    baselineRun(sha(1))
    baselineRun(sha(2), { conclusion: 'failure' })
    const loaded = await load()
    expect(loaded?.info.commit).toBe(sha(1))
    expect(loaded?.info.skipped?.join()).toMatch(/concluded failure/)
  })

  test('a run deleted after its artifact was listed is skipped', async () => {
    baselineRun(sha(1))
    const deleted = baselineRun(sha(2))
    gh.state.runs = gh.state.runs.filter((r) => r !== deleted)
    const loaded = await load()
    expect(loaded?.info.commit).toBe(sha(1))
    expect(loaded?.info.skipped).toEqual([`${NAME} of run ${deleted.id}: the run no longer exists`])
  })

  test('more than 100 artifacts: pages through the listing to the merge-base', async () => {
    const mergeBase = baselineRun(sha(1)) // oldest: on the second page of 100
    for (let i = 2; i <= 140; i++) {
      const run = gh.addRun({ head_sha: sha(i) })
      gh.addArtifact(run, { name: NAME, files: { [RESULTS_FILE]: JSON.stringify(baselineResults(sha(i))) } })
      gh.addArtifact(run, { name: 'coverage', files: { 'x.txt': 'x' } })
    }
    gh.state.comparisons[`${BASE_SHA}...${HEAD_SHA}`] = { ahead_by: 1, behind_by: 0, merge_base_sha: sha(1) }
    const loaded = await load()
    expect(loaded?.info).toMatchObject({ commit: sha(1), runId: mergeBase.id })
    const pages = gh.requests.filter((r) => r.template === '/repos/{owner}/{repo}/actions/artifacts')
    expect(pages.map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2'])
  })

  test('a corrupt zip is reported and the next candidate used', async () => {
    baselineRun(sha(1))
    const corrupt = gh.addRun({ head_sha: sha(2) })
    gh.addArtifact(corrupt, { name: NAME, zip: strToU8('PK\u0003\u0004 this is not really a zip') })
    const truncated = gh.addRun({ head_sha: sha(3) })
    const whole = zipSync({ [RESULTS_FILE]: strToU8(JSON.stringify(baselineResults(sha(3)))) })
    gh.addArtifact(truncated, { name: NAME, zip: whole.subarray(0, whole.length - 30) })
    const loaded = await load()
    expect(loaded?.info.commit).toBe(sha(1))
    expect(loaded?.info.skipped).toHaveLength(2)
    for (const line of loaded!.info.skipped!) expect(line).toMatch(/corrupt zip archive/)
  })

  test('a schema mismatch is reported and the next candidate used', async () => {
    baselineRun(sha(1))
    const future = { ...baselineResults(sha(2)), schema_version: 99 }
    baselineRun(sha(2), {}, { [RESULTS_FILE]: JSON.stringify(future) })
    baselineRun(sha(3), {}, { [RESULTS_FILE]: JSON.stringify({ schema_version: 1, entries: 'none' }) })
    baselineRun(sha(4), {}, { 'something-else.json': '{}' })
    const loaded = await load()
    expect(loaded?.info.commit).toBe(sha(1))
    const skipped = loaded?.info.skipped?.join('\n')
    expect(skipped).toMatch(/\(f000004\) has no bytescope-results\.json/)
    expect(skipped).toMatch(/\(f000003\).*is not a bytescope results file/)
    expect(skipped).toMatch(/\(f000002\).*schema_version 99/)
  })

  test('size caps: a large archive is not downloaded; a lying listing and a zip bomb are cut off', async () => {
    const limits = { maxZipBytes: 12_000, maxExtractedBytes: 64 * 1024 }
    baselineRun(sha(1))
    const big = gh.addRun({ head_sha: sha(2) })
    gh.addArtifact(big, { name: NAME, files: { [RESULTS_FILE]: randomText(40_000) } })
    const liar = gh.addRun({ head_sha: sha(3) })
    gh.addArtifact(liar, { name: NAME, files: { [RESULTS_FILE]: randomText(40_000) }, size_in_bytes: 100 })
    const bomb = gh.addRun({ head_sha: sha(4) })
    gh.addArtifact(bomb, { name: NAME, files: { [RESULTS_FILE]: ' '.repeat(2_000_000) } })
    const loaded = await load(prContext(), {}, limits)
    expect(loaded?.info.commit).toBe(sha(1))
    expect(loaded?.info.skipped?.join('\n')).toMatch(
      /\(f000004\) expands to more than the 64 KiB limit\n.*\(f000003\) is larger than the 11\.7 KiB limit\n.*\(f000002\) is \d+\.?\d* KiB, over/,
    )
    expect(gh.requests.filter((r) => r.path.endsWith(`/artifacts/${gh.state.artifacts[1]!.meta.id}/zip`))).toHaveLength(
      0,
    )
  })

  test('403 on the artifacts API: one clear line naming actions: read', async () => {
    baselineRun(sha(1))
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 403 }, Infinity)
    const error = await load().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BaselineError)
    expect((error as Error).message).toMatch(/HTTP 403.*`actions: read`/)
    expect((error as Error).message).not.toContain('\n')
  })

  test('a 5xx answered once, then OK, is retried', async () => {
    baselineRun(sha(1))
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 502 })
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { status: 503 })
    expect((await load())?.info.commit).toBe(sha(1))
    const statuses = gh.requests.filter((r) => !r.path.startsWith('blob:')).map((r) => r.status)
    expect(statuses).toContain(502)
    expect(statuses).toContain(503)
  })

  test('a 5xx that persists is an error, after a bounded number of attempts', async () => {
    baselineRun(sha(1))
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 500 }, Infinity)
    await expect(load()).rejects.toThrow(/cannot list the workflow artifacts.*HTTP 500/)
    expect(gh.requests.filter((r) => r.status === 500)).toHaveLength(FAST_RETRY.attempts)
  })
})

describe('other events and settings', () => {
  test('baseline-path wins: read and validated, no API call', async () => {
    baselineRun(sha(1))
    const dir = mkdtempSync(join(tmpdir(), 'baseline-path-'))
    const file = join(dir, 'base.json')
    writeFileSync(file, JSON.stringify(baselineResults(sha(7))))
    const loaded = await load(prContext(), { baselinePath: file })
    expect(loaded?.info).toEqual({ source: 'path', location: file, commit: sha(7) })
    expect(gh.requests).toHaveLength(0)
    writeFileSync(file, '{"schema_version": 1}')
    await expect(load(prContext(), { baselinePath: file })).rejects.toThrow(
      /baseline-path .* is not a bytescope results file/,
    )
    await expect(load(prContext(), { baselinePath: join(dir, 'missing.json') })).rejects.toThrow(
      /cannot be read: ENOENT/,
    )
  })

  test('a push compares with the baseline of the commit before it, never with its own upload', async () => {
    baselineRun(sha(1))
    baselineRun(sha(2))
    gh.addArtifact(gh.addRun({ id: gh.state.currentRunId, head_sha: sha(3) }), {
      name: NAME,
      files: { [RESULTS_FILE]: JSON.stringify(baselineResults(sha(3))) },
    })
    const loaded = await load(contextFor('push', pushEvent(gh, { before: sha(1), after: sha(3) })))
    expect(loaded?.info).toMatchObject({ commit: sha(1), behindBy: 0 })
  })

  test('workflow_run of a fork pull request: the default branch, merge-base from the run head', async () => {
    baselineRun(sha(1))
    baselineRun(sha(2))
    gh.state.comparisons[`main...${HEAD_SHA}`] = { ahead_by: 1, behind_by: 1, merge_base_sha: sha(1) }
    const event = workflowRunEvent(gh, { headSha: HEAD_SHA, fork: 'mallory/octo-repo' })
    expect((await load(contextFor('workflow_run', event)))?.info.commit).toBe(sha(1))
  })

  test('the artifact name carries the comment key, made a valid artifact name', async () => {
    expect(baselineArtifactName({ baselineArtifact: NAME, commentKey: '' })).toBe(NAME)
    expect(baselineArtifactName({ baselineArtifact: NAME, commentKey: 'py3.12' })).toBe(`${NAME}-py3.12`)
    expect(baselineArtifactName({ baselineArtifact: NAME, commentKey: 'linux/3.12: "x"' })).toBe(
      `${NAME}-linux-3.12- -x-`,
    )
    // Matrix legs read only their own key's baseline.
    const run = gh.addRun({ head_sha: sha(1) })
    gh.addArtifact(run, { name: `${NAME}-py3.12`, files: { [RESULTS_FILE]: JSON.stringify(baselineResults(sha(1))) } })
    expect(await load()).toBeNull()
    expect((await load(prContext(), { commentKey: 'py3.12' }))?.info.location).toBe(`${NAME}-py3.12`)
  })

  test('upload-baseline: auto uploads only on pushes to the default branch', () => {
    const push = contextFor('push', pushEvent(gh))
    expect(skipUploadReason({ uploadBaseline: 'auto' }, push)).toBeNull()
    expect(skipUploadReason({ uploadBaseline: 'auto' }, { ...push, ref: 'refs/heads/topic' })).toMatch(
      /default branch \(main\), not to refs\/heads\/topic/,
    )
    expect(skipUploadReason({ uploadBaseline: 'auto' }, prContext())).toMatch(/not on pull_request events/)
    expect(skipUploadReason({ uploadBaseline: 'true' }, prContext())).toBeNull()
    expect(skipUploadReason({ uploadBaseline: 'false' }, push)).toMatch(/false/)
  })
})

describe('downloadRunArtifact', () => {
  test('returns the wanted files of a run artifact, or null when the run has none', async () => {
    const run = gh.addRun({ head_sha: sha(1), event: 'pull_request', head_branch: 'feature' })
    gh.addArtifact(run, { name: 'bytescope-results', files: { 'a.json': '{"a":1}', 'b.txt': 'b' } })
    const octokit = createOctokit(gh.token, gh.url, FAST_RETRY)
    const request = { owner: gh.state.repo.owner, repo: gh.state.repo.name, runId: run.id as number }
    const found = await downloadRunArtifact(octokit, {
      ...request,
      name: 'bytescope-results',
      wanted: (n) => n.endsWith('.json'),
    })
    expect([...found!.files.keys()]).toEqual(['a.json'])
    expect(new TextDecoder().decode(found!.files.get('a.json'))).toBe('{"a":1}')
    expect(await downloadRunArtifact(octokit, { ...request, name: 'other' })).toBeNull()
  })

  test('extractZip refuses what is not a zip', () => {
    expect(() => extractZip(strToU8('hello'))).toThrow(/not a zip archive/)
  })

  test('extractZip inflates no further than the size an archive declares, even when it lies', () => {
    const zip = zipSync({ [RESULTS_FILE]: new Uint8Array(1_000_000).fill(32) })
    const view = new DataView(zip.buffer)
    // Declare 100 bytes in the central directory (uncompressed size at offset 24 of its header) and local header.
    const central = zip.findLastIndex((_, i) => i + 4 <= zip.length && view.getUint32(i, true) === 0x02014b50)
    view.setUint32(central + 24, 100, true)
    view.setUint32(22, 100, true)
    expect(extractZip(zip).get(RESULTS_FILE)).toHaveLength(100)
  })
})

function randomText(length: number): string {
  let text = ''
  let state = 7
  while (text.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648
    text += state.toString(36)
  }
  return text.slice(0, length)
}
