// The types of the local GitHub server (./github-server.ts): its state, requests, replies and handlers.

export type Json = Record<string, unknown>

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

/** A blob of the storage origin: uploaded blocks, and the bytes committed from them. */
export interface BlobEntry {
  blocks: Map<string, Buffer>
  committed: Buffer | null
  contentType?: string
}
