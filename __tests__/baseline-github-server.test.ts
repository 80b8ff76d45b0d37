// The local GitHub the end-to-end tests run against: it must speak the real protocols (checked here with the real
// clients: @actions/artifact for uploads, Octokit for the REST API) and catch shapes that break GitHub's contract.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { DefaultArtifactClient } from '@actions/artifact'
import { getOctokit } from '@actions/github'
import { unzipSync, strFromU8 } from 'fflate'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { parseOutputs } from './support/action.js'

let gh: GitHubServer | undefined
afterEach(async () => {
  const server = gh
  gh = undefined
  await server?.close()
})

function octokit(server: GitHubServer) {
  return getOctokit(server.token, { baseUrl: server.url })
}

describe('REST endpoints', () => {
  test('lists runs and artifacts newest first, pages with a Link header, redirects downloads to another origin', async () => {
    gh = await startGitHubServer()
    const run = gh.addRun({ head_sha: 'a'.repeat(40) })
    for (let i = 0; i < 3; i++) gh.addArtifact(run, { name: `a${i}`, files: { 'x.txt': `file ${i}` } })
    const client = octokit(gh)
    const { owner, name: repo } = gh.state.repo

    const runs = await client.rest.actions.listWorkflowRunsForRepo({ owner, repo, branch: 'main', status: 'success' })
    expect(runs.data.workflow_runs.map((r) => r.head_sha)).toEqual(['a'.repeat(40)])

    const page = await client.rest.actions.listArtifactsForRepo({ owner, repo, per_page: 2 })
    expect(page.data.total_count).toBe(3)
    expect(page.data.artifacts).toHaveLength(2)
    expect(page.headers.link).toContain('rel="next"')
    const all = await client.paginate(client.rest.actions.listArtifactsForRepo, { owner, repo, per_page: 2 })
    expect(all.map((a) => a.name).sort()).toEqual(['a0', 'a1', 'a2'])

    const download = await client.rest.actions.downloadArtifact({
      owner,
      repo,
      artifact_id: all[0]!.id,
      archive_format: 'zip',
    })
    const files = unzipSync(new Uint8Array(download.data as ArrayBuffer))
    expect(strFromU8(files['x.txt']!)).toMatch(/^file \d$/)
    // The redirect went to the blob origin, and the token did not follow it there.
    const blobRequest = gh.requests.find((r) => r.path.startsWith('blob:'))
    expect(blobRequest?.status).toBe(200)
    expect(blobRequest?.authorization).toBeUndefined()
  })

  test('a response that breaks the OpenAPI contract fails close()', async () => {
    const server = await startGitHubServer()
    server.route('GET', '/repos/{owner}/{repo}/actions/artifacts', () => ({
      status: 200,
      body: { total_count: 1, artifacts: [{ id: 'one', name: 'x' }] },
    }))
    await octokit(server).rest.actions.listArtifactsForRepo({ owner: 'octo-org', repo: 'octo-repo' })
    await expect(server.close()).rejects.toThrow(/artifacts\/0 must have required property 'node_id'/)
  })

  test('a request that breaks the contract gets 422 and fails close()', async () => {
    const server = await startGitHubServer()
    const response = await fetch(`${server.url}/repos/octo-org/octo-repo/actions/runs?status=great`)
    expect(response.status).toBe(422)
    await expect(server.close()).rejects.toThrow(/status=great/)
  })

  test('an expired artifact answers 410 Gone, as documented', async () => {
    gh = await startGitHubServer()
    const artifact = gh.addArtifact(gh.addRun(), { name: 'old', files: { 'x.txt': 'x' }, expired: true })
    const response = await fetch(`${gh.url}/repos/octo-org/octo-repo/actions/artifacts/${artifact.meta.id}/zip`, {
      redirect: 'manual',
    })
    expect(response.status).toBe(410)
  })

  test('failNext answers once with the injected error, then the route answers again', async () => {
    gh = await startGitHubServer()
    gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 503 })
    const url = `${gh.url}/repos/octo-org/octo-repo/actions/artifacts`
    expect((await fetch(url)).status).toBe(503)
    expect((await fetch(url)).status).toBe(200)
  })
})

describe('@actions/artifact upload protocol', () => {
  test('CreateArtifact, block-blob upload and FinalizeArtifact make a downloadable artifact of the current run', async () => {
    gh = await startGitHubServer()
    const dir = mkdtempSync(join(tmpdir(), 'upload-'))
    writeFileSync(join(dir, 'results.json'), '{"ok":true}')
    const saved = { ...process.env }
    Object.assign(process.env, gh.env, { GITHUB_WORKSPACE: dir })
    try {
      const { id } = await new DefaultArtifactClient().uploadArtifact('baseline', [join(dir, 'results.json')], dir, {
        retentionDays: 5,
      })
      expect(id).toBeGreaterThan(0)
    } finally {
      process.env = saved
    }
    const [upload] = gh.state.uploads
    expect(upload).toMatchObject({ name: 'baseline', finalized: true })
    expect(Date.parse(upload!.expiresAt!) - Date.now()).toBeGreaterThan(4 * 86_400_000)
    expect(upload!.hash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(strFromU8(unzipSync(upload!.bytes!)['results.json']!)).toBe('{"ok":true}')
    const artifact = gh.state.artifacts.find((a) => a.meta.id === upload!.artifactId)
    expect((artifact?.meta.workflow_run as { id: number }).id).toBe(gh.state.currentRunId)
  })
})

test('a malformed twirp request is a contract violation', async () => {
  const server = await startGitHubServer()
  const response = await fetch(`${server.url}/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.env.ACTIONS_RUNTIME_TOKEN}` },
    body: JSON.stringify({ name: 'x', version: 4, workflowRunBackendId: 'camelCase is not what the client sends' }),
  })
  expect(response.status).toBe(400)
  await expect(server.close()).rejects.toThrow(/must have required property 'workflow_run_backend_id'/)
})

test('parseOutputs reads heredoc and plain GITHUB_OUTPUT lines', () => {
  expect(parseOutputs('result<<ghadelimiter_1\npass\nghadelimiter_1\nregressions=0\nmulti<<EOF\na\nb\nEOF\n')).toEqual({
    result: 'pass',
    regressions: '0',
    multi: 'a\nb',
  })
})
