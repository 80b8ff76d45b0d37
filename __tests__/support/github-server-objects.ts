// The objects the local GitHub server (./github-server.ts) answers with, in the shapes of GitHub's OpenAPI
// description: workflow runs, artifacts, repositories, errors, pagination, and the runtime token of a job.
import { createHash } from 'node:crypto'
import { strToU8, zipSync } from 'fflate'
import type { ArtifactOptions, GitHubServer, Json, Request, StoredArtifact } from './github-server-types.js'
import { checkSchema, openApiExample } from './openapi.js'

// Default timestamps: a week ago plus a minute per object id, so later objects are newer and nothing has expired.
const EPOCH = Date.now() - 7 * 86_400_000 - 1_000_000

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export const DOCS = 'https://docs.github.com/rest'

export function errorBody(status: number): Json {
  const message =
    status === 403
      ? 'Resource not accessible by integration'
      : status === 404
        ? 'Not Found'
        : status >= 500
          ? 'Server Error'
          : 'Error'
  return { message, documentation_url: DOCS, status: String(status) }
}

/** GitHub's Link header for a page of a list. */
export function paginate<T>(
  req: Request,
  items: T[],
  api: (path: string) => string,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(req.query.get('per_page') ?? 30), 1), 100)
  const page = Math.max(Number(req.query.get('page') ?? 1), 1)
  const last = Math.max(Math.ceil(items.length / perPage), 1)
  const link = (p: number, rel: string): string => {
    const query = new URLSearchParams(req.query)
    query.set('per_page', String(perPage))
    query.set('page', String(p))
    return `<${api(req.path)}?${query}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'))
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  }
}

export function zipFiles(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])))
}

export function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex')
}

/** An unsigned JWT with the Actions.Results scope @actions/artifact reads the backend ids from. */
export function runtimeToken(runBackendId: string, jobBackendId: string): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const claims = { scp: `Actions.GenericRead:x Actions.Results:${runBackendId}:${jobBackendId}`, exp: 4102444800 }
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`
}

/** The repository object of REST responses (GitHub's `minimal-repository` shape, from the description's example). */
export function repositoryObject(gh: GitHubServer, repo: { id: number; owner: string; name: string }): Json {
  const example = openApiExample<Json>('workflow-run').repository as Json
  const fullName = `${repo.owner}/${repo.name}`
  const text = JSON.stringify(example)
    .replaceAll('https://api.github.com/repos/octocat/Hello-World', gh.api(`/repos/${fullName}`))
    .replaceAll('octocat/Hello-World', fullName)
  const out = JSON.parse(text) as Json
  out.id = repo.id
  out.name = repo.name
  out.full_name = fullName
  out.node_id = Buffer.from(`010:Repository${repo.id}`).toString('base64')
  ;(out.owner as Json).login = repo.owner
  return out
}

/**
 * A complete workflow run as `GET /actions/runs` returns it. Fields: anything of the `workflow-run` schema, plus
 * `head_repository: { id, owner, name }` for a run from another repository (a fork). Defaults: a successful push run
 * on the default branch.
 */
export function workflowRun(gh: GitHubServer, id: number, fields: Json): Json {
  const { repo } = gh.state
  const run = openApiExample<Json>('workflow-run')
  const base = `/repos/${repo.owner}/${repo.name}/actions/runs/${id}`
  const headRepo = (fields.head_repository as { id: number; owner: string; name: string } | undefined) ?? repo
  const headSha = (fields.head_sha as string | undefined) ?? sha(`run ${id}`)
  const created = (fields.created_at as string | undefined) ?? isoSeconds(EPOCH + id * 60_000)
  Object.assign(run, {
    id,
    node_id: Buffer.from(`WorkflowRun${id}`).toString('base64'),
    name: 'CI',
    display_title: 'CI',
    head_branch: repo.defaultBranch,
    run_number: id - 1000,
    event: 'push',
    status: 'completed',
    conclusion: 'success',
    workflow_id: 159038,
    url: gh.api(base),
    html_url: `https://github.com/${repo.owner}/${repo.name}/actions/runs/${id}`,
    jobs_url: gh.api(`${base}/jobs`),
    logs_url: gh.api(`${base}/logs`),
    check_suite_url: gh.api(`/repos/${repo.owner}/${repo.name}/check-suites/${id}`),
    artifacts_url: gh.api(`${base}/artifacts`),
    cancel_url: gh.api(`${base}/cancel`),
    rerun_url: gh.api(`${base}/rerun`),
    workflow_url: gh.api(`/repos/${repo.owner}/${repo.name}/actions/workflows/159038`),
    pull_requests: [],
    created_at: created,
    updated_at: created,
    run_started_at: created,
    ...fields,
    head_sha: headSha,
    repository: repositoryObject(gh, repo),
    head_repository: repositoryObject(gh, headRepo),
  })
  run.head_commit = { ...(run.head_commit as Json), id: headSha, tree_id: sha(`tree ${headSha}`) }
  const problems = checkSchema(run, { $ref: '#/components/schemas/workflow-run' }, `run ${id}`)
  if (problems.length) throw new Error(`addRun built an invalid run: ${problems.join('; ')}`)
  return run
}

export function artifactMeta(
  gh: GitHubServer,
  id: number,
  run: Json,
  options: ArtifactOptions,
  zip: Uint8Array,
): StoredArtifact['meta'] {
  const { repo } = gh.state
  const created = options.created_at ?? (run.created_at as string)
  const expires = isoSeconds(Date.parse(created) + 90 * 86_400_000)
  const path = `/repos/${repo.owner}/${repo.name}/actions/artifacts/${id}`
  return {
    id,
    node_id: Buffer.from(`Artifact${id}`).toString('base64'),
    name: options.name,
    size_in_bytes: options.size_in_bytes ?? zip.length,
    url: gh.api(path),
    archive_download_url: gh.api(`${path}/zip`),
    expired: options.expired ?? false,
    created_at: created,
    updated_at: created,
    expires_at: options.expired ? created : expires,
    digest: `sha256:${createHash('sha256').update(zip).digest('hex')}`,
    workflow_run: {
      id: run.id as number,
      repository_id: (run.repository as Json).id as number,
      head_repository_id: (run.head_repository as Json).id as number,
      head_branch: run.head_branch as string,
      head_sha: run.head_sha as string,
    },
  }
}
