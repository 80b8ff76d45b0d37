// A local GitHub for end-to-end tests: an HTTP server on 127.0.0.1 that speaks the REST contract of the endpoints
// bytescope uses, the artifact upload protocol of @actions/artifact (twirp JSON at ACTIONS_RESULTS_URL plus an Azure
// block-blob upload to the signed URL it hands out), and a separate "blob storage" origin that artifact downloads are
// redirected to. Every request and every response of an endpoint GitHub's OpenAPI description defines is checked
// against it (./openapi.ts); a mismatch is recorded in `violations` and makes `close()` throw, so a wrong shape fails
// the test even when the action would have tolerated it.
//
//   const gh = await startGitHubServer()           // one per test (state is per server)
//   gh.env                                         // GITHUB_API_URL, GITHUB_REPOSITORY, ACTIONS_RESULTS_URL, ... for runAction
//   gh.state                                       // repo, runs, artifacts, comparisons, comments, uploads: edit freely
//   gh.addRun({ head_sha, conclusion, ... })       // a complete, schema-valid workflow run; returns it
//   gh.addArtifact(run, { name, files | zip, expired, ... })  // an artifact of that run; returns it
//   gh.route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', handler)  // add or override an endpoint
//   gh.failNext('GET', '/repos/{owner}/{repo}/actions/artifacts', { status: 503 }, 1)  // error injection
//   gh.stallNext('GET', '/repos/{owner}/{repo}/actions/artifacts')  // accept the request, never answer (all of them)
//   gh.stallNext('GET', 'blob')                    // the same for artifact downloads from blob storage
//   gh.requests                                    // every request: { method, path, template, query, body, status }
//   await gh.close()                               // throws when any contract violation was recorded
//
// Handlers get `(req, gh)` and return `{ status, body?, headers? }` (or a promise of it); `req.params` holds the
// template's path parameters, `req.query` the query string, `req.body` the parsed JSON body. `paginate(req, items,
// gh.api)` slices a list the way GitHub does (per_page default 30, at most 100, `Link` header). Templates are OpenAPI
// path templates; for a template GitHub documents, requests and responses are validated automatically. Built in:
// workflow runs (list, get), artifacts (list per repository and per run, get, zip download: 302 to the blob origin,
// 410 when expired), compare (from `state.comparisons`, 404 otherwise), and the twirp upload; an upload finalized
// becomes an artifact of run `state.currentRunId` (GITHUB_RUN_ID). A request to blob storage that carries an
// Authorization header (a leaked token) is a violation.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { strToU8, zipSync } from 'fflate'
import { checkRequest, checkResponse, checkSchema, findOperation, openApiExample, type Operation } from './openapi.js'

type Json = Record<string, unknown>

export interface Request {
  method: string
  path: string
  /** The route template that matched, e.g. `/repos/{owner}/{repo}/actions/runs`. */
  template: string
  params: Record<string, string>
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON body (undefined when none); `raw` has the bytes. */
  body: unknown
  raw: Buffer
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (req: Request, gh: GitHubServer) => Reply | Promise<Reply>

export interface LoggedRequest {
  method: string
  path: string
  template: string | null
  query: URLSearchParams
  body: unknown
  authorization: string | undefined
  status: number
}

export interface Repo {
  id: number
  owner: string
  name: string
  defaultBranch: string
}

export interface Comparison {
  /** Head is this many commits ahead of base, and behind it. */
  ahead_by: number
  behind_by: number
  merge_base_sha: string
}

export interface StoredArtifact {
  /** As the REST API returns it (`artifact` schema). */
  meta: Json & { id: number; name: string; expired: boolean; size_in_bytes: number }
  /** The zip archive served by the download redirect. */
  zip: Uint8Array
}

export interface Upload {
  name: string
  runBackendId: string
  jobBackendId: string
  expiresAt: string | null
  mimeType: string | null
  /** The bytes committed to blob storage, and what FinalizeArtifact reported. */
  bytes: Uint8Array | null
  size: string | null
  hash: string | null
  finalized: boolean
  artifactId: number | null
}

export interface State {
  repo: Repo
  runs: Json[]
  artifacts: StoredArtifact[]
  /** Compare API answers by `base...head`; a missing key answers 404. */
  comparisons: Record<string, Comparison>
  /** Issue comments by issue number (for the PR comment endpoints, added by their own tests' routes). */
  comments: Record<number, Json[]>
  uploads: Upload[]
  /** The workflow run the action runs in (its id goes into the runtime token and GITHUB_RUN_ID). */
  currentRunId: number
  [extension: string]: unknown
}

interface Route {
  method: string
  template: string
  regex: RegExp
  names: string[]
  handler: Handler
}

interface Failure {
  method: string
  template: string
  reply: Reply
  remaining: number
}

export interface GitHubServer {
  /** Base URL of the REST API (GITHUB_API_URL) and of the results service (ACTIONS_RESULTS_URL). */
  url: string
  /** Origin of the blob storage that signed upload and download URLs point to (a different origin on purpose). */
  blobUrl: string
  /** Token the server accepts (any `Authorization` is logged; routes may check it). */
  token: string
  /** Environment for running the action against this server. */
  env: Record<string, string>
  state: State
  requests: LoggedRequest[]
  violations: string[]
  route(method: string, template: string, handler: Handler): void
  /** Answer the next `times` matching requests with `reply` instead of the route (e.g. a 503 once, then OK). */
  failNext(method: string, template: string, reply: Partial<Reply> & { status: number }, times?: number): void
  /** Never answer the next `times` matching requests (all by default); `template` 'blob' means blob storage. */
  stallNext(method: string, template: string, times?: number): void
  addRun(fields?: Json): Json
  addArtifact(run: Json, options: ArtifactOptions): StoredArtifact
  /** Absolute API URL for a path, as GitHub puts in `url` fields. */
  api(path: string): string
  close(): Promise<void>
}

export interface ArtifactOptions {
  name: string
  /** Files to zip (name -> content), or a ready zip (e.g. a corrupt one). */
  files?: Record<string, string | Uint8Array>
  zip?: Uint8Array
  expired?: boolean
  created_at?: string
  /** Override what the listing reports (e.g. a lying size). */
  size_in_bytes?: number
}

export interface ServerOptions {
  repo?: Partial<Repo>
}

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService'

// Default timestamps: a week ago plus a minute per object id, so later objects are newer and nothing has expired.
const EPOCH = Date.now() - 7 * 86_400_000 - 1_000_000

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

interface BlobEntry {
  blocks: Map<string, Buffer>
  committed: Buffer | null
  contentType?: string
}

/** Starts the API server and the blob server on ephemeral ports of 127.0.0.1. */
export async function startGitHubServer(options: ServerOptions = {}): Promise<GitHubServer> {
  const routes: Route[] = []
  const failures: Failure[] = []
  const stalls: { method: string; template: string; remaining: number }[] = []
  /** Whether to leave this request unanswered (the connection stays open until close()). */
  const stalled = (method: string, template: string | undefined): boolean => {
    const stall = stalls.find((s) => s.method === method && s.template === template && s.remaining > 0)
    if (stall) stall.remaining--
    return stall !== undefined
  }
  const blobs = new Map<string, BlobEntry>()
  const token = `ghs_${randomBytes(12).toString('hex')}`
  const runBackendId = randomUUID()
  const jobBackendId = randomUUID()
  const state: State = {
    repo: { id: 1296269, owner: 'octo-org', name: 'octo-repo', defaultBranch: 'main', ...options.repo },
    runs: [],
    artifacts: [],
    comparisons: {},
    comments: {},
    uploads: [],
    currentRunId: 900001,
  }
  let nextId = 1000

  const api = await listen(handleApi)
  const blob = await listen(handleBlob)

  const gh: GitHubServer = {
    url: api.url,
    blobUrl: blob.url,
    token,
    env: {},
    state,
    requests: [],
    violations: [],
    route(method, template, handler) {
      const names: string[] = []
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name)
        return '([^/]+)'
      })
      // Later routes win, so a test can override a built-in endpoint.
      routes.unshift({ method: method.toUpperCase(), template, regex: new RegExp(`^${pattern}$`), names, handler })
    },
    failNext(method, template, reply, times = 1) {
      failures.push({
        method: method.toUpperCase(),
        template,
        reply: { body: errorBody(reply.status), ...reply },
        remaining: times,
      })
    },
    stallNext(method, template, times = Infinity) {
      stalls.push({ method: method.toUpperCase(), template, remaining: times })
    },
    addRun(fields = {}) {
      const run = workflowRun(gh, ++nextId, fields)
      state.runs.push(run)
      return run
    },
    addArtifact(run, options) {
      const id = ++nextId
      const zip = options.zip ?? zipFiles(options.files ?? {})
      const stored: StoredArtifact = { meta: artifactMeta(gh, id, run, options, zip), zip }
      state.artifacts.push(stored)
      return stored
    },
    api: (path) => `${api.url}${path}`,
    async close() {
      await Promise.all([api.close(), blob.close()])
      if (gh.violations.length) throw new Error(`GitHub contract violations:\n${gh.violations.join('\n')}`)
    },
  }
  gh.env = {
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
    GITHUB_REPOSITORY: `${state.repo.owner}/${state.repo.name}`,
    GITHUB_REPOSITORY_ID: String(state.repo.id),
    GITHUB_REPOSITORY_OWNER: state.repo.owner,
    GITHUB_RUN_ID: String(state.currentRunId),
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    ACTIONS_RESULTS_URL: `${api.url}/`,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(runBackendId, jobBackendId),
  }
  registerBuiltins(gh, blobs, blob.url)
  return gh

  async function handleApi(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', api.url)
    const path = url.pathname
    const method = req.method ?? 'GET'
    const route = routes.find((r) => r.method === method && r.regex.test(path))
    const op = path.startsWith('/twirp/') ? null : findOperation(method, path)
    let body: unknown
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        gh.violations.push(`${method} ${path}: request body is not JSON`)
      }
    }
    const log: LoggedRequest = {
      method,
      path,
      template: route?.template ?? null,
      query: url.searchParams,
      body,
      authorization: req.headers.authorization,
      status: 0,
    }
    gh.requests.push(log)
    if (stalled(method, route?.template)) return
    let reply: Reply
    const requestProblems = op ? checkRequest(op, { query: url.searchParams, body }) : []
    if (requestProblems.length) {
      gh.violations.push(...requestProblems)
      reply = { status: 422, body: { message: 'Validation Failed', documentation_url: DOCS } }
    } else if (!route) {
      reply = { status: 404, body: { message: 'Not Found', documentation_url: DOCS } }
      if (!op) gh.violations.push(`${method} ${path}: the client called an endpoint GitHub does not have`)
    } else {
      const failure = failures.find((f) => f.method === method && f.template === route.template && f.remaining > 0)
      if (failure) {
        failure.remaining--
        reply = failure.reply
      } else {
        const found = route.regex.exec(path)!
        const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(found[i + 1] ?? '')]))
        reply = await route.handler(
          { method, path, template: route.template, params, query: url.searchParams, headers: req.headers, body, raw },
          gh,
        )
      }
    }
    log.status = reply.status
    if (op) checkReply(op, reply)
    send(res, reply)
  }

  function checkReply(op: Operation, reply: Reply): void {
    const headers = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    gh.violations.push(...checkResponse(op, reply.status, reply.body, headers))
  }

  async function handleBlob(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', blob.url)
    gh.requests.push({
      method: req.method ?? 'GET',
      path: `blob:${url.pathname}`,
      template: null,
      query: url.searchParams,
      body: undefined,
      authorization: req.headers.authorization,
      status: 0,
    })
    // Signed URLs carry their own authority; a client that forwards its GitHub token to storage leaks it.
    if (req.headers.authorization) gh.violations.push(`blob storage received an Authorization header (token leaked)`)
    if (stalled(req.method ?? 'GET', 'blob')) return
    const reply = blobRequest(req, url, raw)
    gh.requests.at(-1)!.status = reply.status
    send(res, reply)
  }

  /** Azure Blob Storage's block-blob protocol, as far as @azure/storage-blob's uploadStream uses it. */
  function blobRequest(req: IncomingMessage, url: URL, raw: Buffer): Reply & { raw?: Buffer } {
    if (url.searchParams.get('sig') === null) return { status: 403, body: 'AuthenticationFailed' }
    const key = url.pathname
    const entry: BlobEntry = blobs.get(key) ?? { blocks: new Map(), committed: null }
    blobs.set(key, entry)
    const comp = url.searchParams.get('comp')
    if (req.method === 'PUT' && comp === 'block') {
      entry.blocks.set(url.searchParams.get('blockid') ?? '', raw)
      return { status: 201 }
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      const ids = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]!)
      const missing = ids.filter((id) => !entry.blocks.has(id))
      if (missing.length) return { status: 400, body: `InvalidBlockList: ${missing.join(',')}` }
      entry.committed = Buffer.concat(ids.map((id) => entry.blocks.get(id)!))
      entry.contentType = String(req.headers['x-ms-blob-content-type'] ?? '')
      return { status: 201, headers: { etag: '"0x1"' } }
    }
    if (req.method === 'PUT' && !comp) {
      if (req.headers['x-ms-blob-type'] !== 'BlockBlob')
        return { status: 400, body: 'MissingRequiredHeader x-ms-blob-type' }
      entry.committed = raw
      return { status: 201, headers: { etag: '"0x1"' } }
    }
    if (req.method === 'GET' && entry.committed) {
      const type = entry.contentType || 'application/zip'
      return {
        status: 200,
        raw: entry.committed,
        headers: { 'content-type': type, 'content-length': String(entry.committed.length) },
      }
    }
    return { status: 404, body: 'BlobNotFound' }
  }
}

function send(res: ServerResponse, reply: Reply & { raw?: Buffer }): void {
  const headers: Record<string, string> = { ...reply.headers }
  let payload: Buffer | undefined = reply.raw
  if (!payload && reply.body !== undefined) {
    const isText = typeof reply.body === 'string'
    payload = Buffer.from(isText ? (reply.body as string) : JSON.stringify(reply.body))
    headers['content-type'] ??= isText ? 'text/plain' : 'application/json; charset=utf-8'
  }
  if (payload && !reply.raw) headers['content-length'] = String(payload.length)
  res.writeHead(reply.status, headers)
  res.end(payload)
}

async function listen(
  handle: (req: IncomingMessage, res: ServerResponse, raw: Buffer) => Promise<void>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(`test server error: ${(error as Error).stack ?? String(error)}`)
      })
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const DOCS = 'https://docs.github.com/rest'

function errorBody(status: number): Json {
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

function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex')
}

/** An unsigned JWT with the Actions.Results scope @actions/artifact reads the backend ids from. */
function runtimeToken(runBackendId: string, jobBackendId: string): string {
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
function workflowRun(gh: GitHubServer, id: number, fields: Json): Json {
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

function artifactMeta(
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

function newestFirst<T extends Json>(items: T[]): T[] {
  return [...items].sort((a, b) => Date.parse(String(b.created_at)) - Date.parse(String(a.created_at)))
}

function registerBuiltins(gh: GitHubServer, blobs: Map<string, BlobEntry>, blobUrl: string): void {
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
