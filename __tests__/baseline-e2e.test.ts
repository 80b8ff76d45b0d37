// Baselines end to end: the bundled action, run as GitHub runs it, against the local GitHub. A push to the default
// branch uploads its real results (twirp + block blob); pull requests find, download and validate them.
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { strFromU8, strToU8, unzipSync } from 'fflate'
import { checkResults, type Results } from '../src/results.js'
import { pullRequestEvent, pushEvent, runAction, type RunResult } from './support/action.js'
import { startGitHubServer, zipFiles, type GitHubServer } from './support/github-server.js'

const NAME = 'bytescope-baseline'
const RESULTS_FILE = 'bytescope-results.json'
const PROJECT = join(import.meta.dirname, '__fixtures__', 'baseline', 'project')
// The gate's verdict on timings is not what these tests are about: a noisy regression must not fail the step.
const INPUTS = {
  'entry-points': 'work=bench.py:work',
  repeat: '5',
  warmup: '1',
  comment: 'never',
  'fail-on-regression': 'false',
}
const BASE_SHA = 'b'.repeat(40)
const HEAD_SHA = 'c'.repeat(40)
const sha = (n: number) => `f${n.toString(16).padStart(6, '0')}`.padEnd(40, 'e')

const servers: GitHubServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function server(): Promise<GitHubServer> {
  const gh = await startGitHubServer()
  servers.push(gh)
  return gh
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bytescope-baseline-e2e-'))
  cpSync(PROJECT, dir, { recursive: true })
  return dir
}

function failed(result: RunResult): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`
}

// One real push run uploads the baseline every pull-request test then finds (its zip, byte for byte).
let pushRun: Promise<{ result: RunResult; gh: GitHubServer; zip: Uint8Array; results: Results }> | undefined
function uploadedBaseline() {
  pushRun ??= (async () => {
    const gh = await startGitHubServer()
    const result = await runAction({
      server: gh,
      inputs: { ...INPUTS, 'retention-days': '3' },
      event: 'push',
      eventPayload: pushEvent(gh, { before: sha(1), after: sha(2) }),
      workspace: workspace(),
    })
    await gh.close()
    const zip = gh.state.uploads[0]?.bytes
    if (!zip) throw new Error(`the push run uploaded nothing:\n${failed(result)}`)
    const results = checkResults(JSON.parse(strFromU8(unzipSync(zip)[RESULTS_FILE]!)), 'uploaded baseline')
    return { result, gh, zip, results }
  })()
  return pushRun
}

/** A successful run on main at `commit` that uploaded the real baseline. */
async function addBaseline(gh: GitHubServer, commit: string, fields: Record<string, unknown> = {}) {
  const run = gh.addRun({ head_sha: commit, ...fields })
  gh.addArtifact(run, { name: NAME, zip: (await uploadedBaseline()).zip })
  return run
}

function pullRequest(gh: GitHubServer, inputs: Record<string, string> = {}) {
  return runAction({
    server: gh,
    inputs: { ...INPUTS, ...inputs },
    event: 'pull_request',
    eventPayload: pullRequestEvent(gh, { action: 'synchronize', baseSha: BASE_SHA, headSha: HEAD_SHA }),
    workspace: workspace(),
  })
}

describe('the bundled action', () => {
  test('a push to the default branch uploads the results as the baseline artifact (twirp + block blob)', async () => {
    const { result, gh, results } = await uploadedBaseline()
    expect(result.code, failed(result)).toBe(0)
    expect(result.outputs.result).toBe('no-baseline')
    const [upload] = gh.state.uploads
    expect(upload).toMatchObject({ name: NAME, finalized: true, mimeType: 'application/zip' })
    // retention-days: 3 became the artifact's expiry.
    const days = (Date.parse(upload!.expiresAt!) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(2.9)
    expect(days).toBeLessThan(3.1)
    expect(upload!.hash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(results.entries.map((e) => e.name)).toEqual(['work'])
    expect(result.stdout).toContain(`uploaded baseline artifact ${NAME}`)
  })

  test('a pull request does not upload, and finds nothing when there is no baseline', async () => {
    const gh = await server()
    gh.addRun({ head_sha: sha(1) })
    const result = await pullRequest(gh)
    expect(result.code, failed(result)).toBe(0)
    expect(result.outputs.result).toBe('no-baseline')
    expect(gh.state.uploads).toHaveLength(0)
    expect(result.stdout).toContain(`No usable ${NAME} artifact from a successful run on main`)
  })

  test('a pull request compares with the baseline at its merge-base and says which commit and how far behind', async () => {
    const gh = await server()
    await addBaseline(gh, sha(1))
    const mergeBase = await addBaseline(gh, sha(2))
    await addBaseline(gh, sha(3)) // newest, but not the merge-base
    gh.state.comparisons[`${BASE_SHA}...${HEAD_SHA}`] = { ahead_by: 1, behind_by: 4, merge_base_sha: sha(2) }
    gh.state.comparisons[`${sha(2)}...${BASE_SHA}`] = { ahead_by: 4, behind_by: 0, merge_base_sha: sha(2) }
    const result = await pullRequest(gh)
    expect(result.code, failed(result)).toBe(0)
    expect(['pass', 'fail']).toContain(result.outputs.result)
    expect(result.stdout).toContain(`Baseline: ${NAME} from run ${mergeBase.id} at f000002 (the merge-base)`)
    expect(result.summary).toContain('f000002')
    expect(result.summary).toContain('4 commits behind the base branch')
    expect(gh.state.uploads).toHaveLength(0)
  })

  test('poisoned, expired, corrupt and incompatible candidates are passed over, through 100+ artifacts', async () => {
    const gh = await server()
    const good = await addBaseline(gh, sha(1))
    const { results } = await uploadedBaseline()
    // Expired, corrupt and schema-incompatible artifacts from successful runs of this repository.
    gh.addArtifact(gh.addRun({ head_sha: sha(2) }), { name: NAME, zip: zipFiles({}), expired: true })
    gh.addArtifact(gh.addRun({ head_sha: sha(3) }), { name: NAME, zip: strToU8('PK\u0003\u0004 not a zip at all') })
    const future = { ...results, schema_version: 2 }
    gh.addArtifact(gh.addRun({ head_sha: sha(4) }), { name: NAME, files: { [RESULTS_FILE]: JSON.stringify(future) } })
    // 105 newer fork runs from a branch also called main, one of them at the merge-base, with "results" that
    // would make anything look fast.
    const poisoned = structuredClone(results)
    for (const entry of poisoned.entries) if (entry.time) entry.time.samples_ns = entry.time.samples_ns.map(() => 1e12)
    for (let i = 0; i < 105; i++) {
      const forkRun = gh.addRun({
        head_sha: i === 0 ? sha(3) : sha(100 + i),
        event: 'pull_request',
        head_repository: { id: 666, owner: 'mallory', name: 'octo-repo' },
      })
      gh.addArtifact(forkRun, { name: NAME, files: { [RESULTS_FILE]: JSON.stringify(poisoned) } })
    }
    gh.state.comparisons[`${BASE_SHA}...${HEAD_SHA}`] = { ahead_by: 1, behind_by: 0, merge_base_sha: sha(3) }
    const result = await pullRequest(gh)
    expect(result.code, failed(result)).toBe(0)
    expect(result.stdout).toContain(`Baseline: ${NAME} from run ${good.id} at f000001`)
    expect(result.summary).toMatch(/Skipped baseline candidates:.*1 expired artifact/)
    expect(result.summary).toMatch(/f000003\) is a corrupt zip archive/)
    // The summary escapes markdown: `_` is written `&#95;`.
    expect(result.summary).toMatch(/f000004\).*schema(_|&#95;)version 2/)
    const pages = gh.requests.filter((r) => r.template === '/repos/{owner}/{repo}/actions/artifacts')
    expect(pages.length).toBe(2)
    // No fork artifact was downloaded.
    const forkIds = new Set(
      gh.state.artifacts
        .filter((a) => (a.meta.workflow_run as { head_repository_id: number }).head_repository_id === 666)
        .map((a) => a.meta.id),
    )
    const downloads = gh.requests.filter((r) => r.path.endsWith('/zip')).map((r) => Number(r.path.split('/').at(-2)))
    expect(downloads.filter((id) => forkIds.has(id))).toEqual([])
  })

  test('403 on the artifacts API: result=error with one line naming `actions: read`', async () => {
    const gh = await server()
    await addBaseline(gh, sha(1))
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 403 }, Infinity)
    const result = await pullRequest(gh)
    expect(result.code).toBe(1)
    expect(result.outputs.result).toBe('error')
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/cannot list the workflow artifacts.*HTTP 403.*Grant it `actions: read`/)
  })

  test('a 5xx answered once, then OK: retried, and the baseline is used', async () => {
    const gh = await server()
    const run = await addBaseline(gh, sha(1))
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 503 })
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', { status: 500 })
    const result = await pullRequest(gh)
    expect(result.code, failed(result)).toBe(0)
    expect(result.stdout).toContain(`Baseline: ${NAME} from run ${run.id}`)
    expect(gh.requests.filter((r) => r.status >= 500).map((r) => r.status)).toEqual([503, 500])
  })
})
