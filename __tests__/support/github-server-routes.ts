// The endpoints the local GitHub server (./github-server.ts) has built in: workflow runs, artifacts and their
// download redirect, compare, and the twirp artifact upload of @actions/artifact.
import { randomBytes } from 'node:crypto'
import type { BlobEntry, GitHubServer, Json, Reply, Request, StoredArtifact } from './github-server-types.js'
import { DOCS, paginate } from './github-server-objects.js'
import { checkSchema, openApiExample } from './openapi.js'

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService'

function newestFirst<T extends Json>(items: T[]): T[] {
  return [...items].sort((a, b) => Date.parse(String(b.created_at)) - Date.parse(String(a.created_at)))
}

export function registerBuiltins(gh: GitHubServer, blobs: Map<string, BlobEntry>, blobUrl: string): void {
  const { state } = gh
  const ownRepo = (req: Request): Reply | null =>
    req.params.owner === state.repo.owner && req.params.repo === state.repo.name
      ? null
      : { status: 404, body: { message: 'Not Found', documentation_url: DOCS } }
  const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: DOCS } }

  gh.route('GET', '/repos/{owner}/{repo}/actions/runs', (req) => {
    const wrong = ownRepo(req)
    if (wrong) return wrong
    const q = req.query
    const runs = newestFirst(state.runs).filter(
      (run) =>
        (!q.get('branch') || run.head_branch === q.get('branch')) &&
        (!q.get('event') || run.event === q.get('event')) &&
        (!q.get('head_sha') || run.head_sha === q.get('head_sha')) &&
        (!q.get('status') || run.status === q.get('status') || run.conclusion === q.get('status')),
    )
    const { page, headers } = paginate(req, runs, gh.api)
    return { status: 200, body: { total_count: runs.length, workflow_runs: page }, headers }
  })

  gh.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', (req) => {
    const run = state.runs.find((r) => String(r.id) === req.params.run_id)
    return ownRepo(req) ?? (run ? { status: 200, body: run } : notFound)
  })

  const listArtifacts = (req: Request, artifacts: StoredArtifact[]): Reply => {
    const name = req.query.get('name')
    const matching = newestFirst(artifacts.map((a) => a.meta)).filter((a) => !name || a.name === name)
    const { page, headers } = paginate(req, matching, gh.api)
    return { status: 200, body: { total_count: matching.length, artifacts: page }, headers }
  }
  gh.route(
    'GET',
    '/repos/{owner}/{repo}/actions/artifacts',
    (req) => ownRepo(req) ?? listArtifacts(req, state.artifacts),
  )
  gh.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', (req) => {
    const runArtifacts = state.artifacts.filter((a) => String((a.meta.workflow_run as Json).id) === req.params.run_id)
    return ownRepo(req) ?? listArtifacts(req, runArtifacts)
  })
  gh.route('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}', (req) => {
    const artifact = state.artifacts.find((a) => String(a.meta.id) === req.params.artifact_id)
    return ownRepo(req) ?? (artifact ? { status: 200, body: artifact.meta } : notFound)
  })
  gh.route('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', (req) => {
    const artifact = state.artifacts.find((a) => String(a.meta.id) === req.params.artifact_id)
    if (ownRepo(req) || !artifact || req.params.archive_format !== 'zip') return notFound
    if (artifact.meta.expired)
      return { status: 410, body: { message: 'Artifact has expired', documentation_url: DOCS } }
    const key = `/devstoreaccount1/actions-results/${artifact.meta.id}.zip`
    blobs.set(key, { blocks: new Map(), committed: Buffer.from(artifact.zip) })
    const signature = randomBytes(8).toString('hex')
    return { status: 302, headers: { location: `${blobUrl}${key}?sv=2023-11-03&se=2099-01-01&sp=r&sig=${signature}` } }
  })

  gh.route('GET', '/repos/{owner}/{repo}/compare/{basehead}', (req) => {
    const comparison = state.comparisons[req.params.basehead ?? '']
    if (ownRepo(req) || !comparison) return notFound
    const example = openApiExample<Json>('commit-comparison')
    const mergeBase = { ...(example.merge_base_commit as Json), sha: comparison.merge_base_sha }
    const status =
      comparison.ahead_by && comparison.behind_by
        ? 'diverged'
        : comparison.ahead_by
          ? 'ahead'
          : comparison.behind_by
            ? 'behind'
            : 'identical'
    return {
      status: 200,
      body: { ...example, ...comparison, status, total_commits: comparison.ahead_by, merge_base_commit: mergeBase },
    }
  })

  // @actions/artifact's upload: CreateArtifact hands out a signed blob URL, the client uploads blocks to it and
  // commits the block list, FinalizeArtifact turns it into an artifact of the current run.
  gh.route('POST', `${TWIRP}/CreateArtifact`, (req) => {
    const problems = twirpProblems('CreateArtifact', req, CREATE_ARTIFACT)
    if (problems) return problems
    const body = req.body as Json
    const signature = randomBytes(8).toString('hex')
    const key = `/devstoreaccount1/actions-results/upload-${state.uploads.length + 1}/${encodeURIComponent(String(body.name))}.zip`
    state.uploads.push({
      name: String(body.name),
      runBackendId: String(body.workflow_run_backend_id),
      jobBackendId: String(body.workflow_job_run_backend_id),
      expiresAt: (body.expires_at as string | undefined) ?? null,
      mimeType: (body.mime_type as string | undefined) ?? null,
      bytes: null,
      size: null,
      hash: null,
      finalized: false,
      artifactId: null,
    })
    blobs.set(key, { blocks: new Map(), committed: null })
    return {
      status: 200,
      body: { ok: true, signed_upload_url: `${blobUrl}${key}?sv=2023-11-03&sr=b&sp=cw&sig=${signature}` },
    }
  })
  gh.route('POST', `${TWIRP}/FinalizeArtifact`, (req) => {
    const problems = twirpProblems('FinalizeArtifact', req, FINALIZE_ARTIFACT)
    if (problems) return problems
    const body = req.body as Json
    const index = state.uploads.findIndex((u) => u.name === body.name && !u.finalized)
    if (index < 0) return { status: 404, body: { code: 'not_found', msg: 'artifact not found' } }
    const upload = state.uploads[index]!
    const key = `/devstoreaccount1/actions-results/upload-${index + 1}/${encodeURIComponent(upload.name)}.zip`
    const committed = blobs.get(key)?.committed
    if (!committed) return { status: 400, body: { code: 'failed_precondition', msg: 'blob was not committed' } }
    const run =
      state.runs.find((r) => r.id === state.currentRunId) ??
      gh.addRun({ id: state.currentRunId, status: 'in_progress', conclusion: null })
    const stored = gh.addArtifact(run, { name: upload.name, zip: new Uint8Array(committed) })
    Object.assign(upload, {
      bytes: new Uint8Array(committed),
      size: String(body.size),
      hash: (body.hash as string) ?? null,
      finalized: true,
      artifactId: stored.meta.id,
    })
    return { status: 200, body: { ok: true, artifact_id: String(stored.meta.id) } }
  })

  function twirpProblems(method: string, req: Request, schema: Json): Reply | null {
    const problems = [
      ...(String(req.headers['content-type']).startsWith('application/json')
        ? []
        : [`${method}: content-type is not JSON`]),
      ...(req.headers.authorization === `Bearer ${gh.env.ACTIONS_RUNTIME_TOKEN}`
        ? []
        : [`${method}: not authorised with ACTIONS_RUNTIME_TOKEN`]),
      ...checkSchema(req.body, schema, `twirp ${method}`),
    ]
    if (!problems.length) return null
    gh.violations.push(...problems)
    return { status: 400, body: { code: 'invalid_argument', msg: problems.join('; ') } }
  }
}

// Twirp request shapes of github.actions.results.api.v1.ArtifactService (JSON with proto field names, as the
// generated client sends them; int64 as strings, Timestamp as RFC 3339, StringValue unwrapped).
const CREATE_ARTIFACT: Json = {
  type: 'object',
  additionalProperties: false,
  required: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name', 'version'],
  properties: {
    workflow_run_backend_id: { type: 'string', minLength: 1 },
    workflow_job_run_backend_id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    expires_at: { type: 'string', format: 'date-time' },
    version: { type: 'integer', minimum: 4 },
    mime_type: { type: 'string' },
  },
}
const FINALIZE_ARTIFACT: Json = {
  type: 'object',
  additionalProperties: false,
  required: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name', 'size'],
  properties: {
    workflow_run_backend_id: { type: 'string', minLength: 1 },
    workflow_job_run_backend_id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    size: { type: 'string', pattern: '^[0-9]+$' },
    hash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
  },
}
