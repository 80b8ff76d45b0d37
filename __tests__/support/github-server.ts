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
//
// Split by job: the types in ./github-server-types.ts, the built-in endpoints in ./github-server-routes.ts, and the
// objects they answer with (runs, artifacts, errors, pagination) in ./github-server-objects.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes, randomUUID } from 'node:crypto'
import { artifactMeta, DOCS, errorBody, runtimeToken, workflowRun, zipFiles } from './github-server-objects.js'
import { registerBuiltins } from './github-server-routes.js'
import type {
  BlobEntry,
  GitHubServer,
  Handler,
  LoggedRequest,
  Reply,
  ServerOptions,
  State,
  StoredArtifact,
} from './github-server-types.js'
import { checkRequest, checkResponse, findOperation, type Operation } from './openapi.js'

export type {
  ArtifactOptions,
  Comparison,
  GitHubServer,
  Handler,
  LoggedRequest,
  Reply,
  Repo,
  Request,
  ServerOptions,
  State,
  StoredArtifact,
  Upload,
} from './github-server-types.js'
export { paginate, repositoryObject, zipFiles } from './github-server-objects.js'

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
