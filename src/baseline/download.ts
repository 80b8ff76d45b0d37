// Downloading an artifact through the REST API (`GET .../artifacts/{id}/zip` answers 302 with a signed storage URL)
// and extracting it in memory, with caps on the archive and on what it expands to. Nothing is written to disk and
// nothing in an artifact is executed: callers get bytes, which they validate.
import { unzipSync } from 'fflate'
import {
  DEFAULT_RETRY,
  DOWNLOAD_TIMEOUT_MS,
  requestTimeoutMs,
  withDeadline,
  withRetry,
  type Octokit,
  type RetryOptions,
} from '../github/client.js'
import { BaselineError } from './error.js'

export interface Limits {
  /** Largest archive to download, in bytes. */
  maxZipBytes: number
  /** Largest total the wanted files may expand to, in bytes. */
  maxExtractedBytes: number
}

// A results file with profiles and captured bytecode is a few MB; these leave room while keeping a hostile
// artifact from exhausting the runner.
export const DEFAULT_LIMITS: Limits = { maxZipBytes: 64 * 2 ** 20, maxExtractedBytes: 256 * 2 ** 20 }

/** A corrupt, oversized or incomplete artifact: skip it and say why. */
export class ArtifactContentError extends Error {
  override name = 'ArtifactContentError'
}

export interface ArtifactRef {
  owner: string
  repo: string
  id: number
  name: string
  /** The size the API reported, checked before downloading anything. */
  sizeInBytes: number
}

function size(bytes: number): string {
  return bytes >= 2 ** 20 ? `${+(bytes / 2 ** 20).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`
}

/** Downloads an artifact's zip, refusing more than `limits.maxZipBytes` whatever the listing claimed. */
export async function downloadArtifactZip(
  octokit: Octokit,
  artifact: ArtifactRef,
  limits: Limits = DEFAULT_LIMITS,
  retry: RetryOptions = DEFAULT_RETRY,
): Promise<Uint8Array> {
  if (artifact.sizeInBytes > limits.maxZipBytes) {
    throw new ArtifactContentError(`is ${size(artifact.sizeInBytes)}, over the ${size(limits.maxZipBytes)} limit`)
  }
  // Follow the redirect ourselves: the signed URL carries its own authority, and the token must not go to storage.
  const redirect = await octokit.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
    owner: artifact.owner,
    repo: artifact.repo,
    artifact_id: artifact.id,
    archive_format: 'zip',
    request: { redirect: 'manual' },
  })
  const location = (redirect.headers as Record<string, string | undefined>).location
  if (!location) throw new BaselineError(`GitHub answered the download of artifact ${artifact.id} without a location`)
  const timeoutMs = requestTimeoutMs(DOWNLOAD_TIMEOUT_MS)
  return withRetry(
    () =>
      withDeadline('artifact storage', timeoutMs, async (signal) => {
        const response = await fetch(location, { redirect: 'follow', signal })
        if (!response.ok || !response.body) {
          throw Object.assign(new Error(`artifact storage answered HTTP ${response.status}`), {
            status: response.status,
          })
        }
        return readCapped(response.body, limits.maxZipBytes)
      }),
    retry,
  )
}

async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > max) {
      await reader.cancel()
      throw new ArtifactContentError(`is larger than the ${size(max)} limit`)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

/**
 * Extracts the files `wanted` selects (all by default) from a zip held in memory. The sizes the archive declares
 * are checked before inflating, and inflating never writes past a declared size, so a zip bomb cannot get past
 * `limits.maxExtractedBytes`.
 */
export function extractZip(
  zip: Uint8Array,
  limits: Limits = DEFAULT_LIMITS,
  wanted: (name: string) => boolean = () => true,
): Map<string, Uint8Array> {
  if (zip.length < 4 || zip[0] !== 0x50 || zip[1] !== 0x4b) throw new ArtifactContentError('is not a zip archive')
  let total = 0
  const declared = new Map<string, number>()
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(zip, {
      filter: (file) => {
        if (!wanted(file.name) || file.name.endsWith('/')) return false
        total += file.originalSize
        if (total > limits.maxExtractedBytes) {
          throw new ArtifactContentError(`expands to more than the ${size(limits.maxExtractedBytes)} limit`)
        }
        declared.set(file.name, file.originalSize)
        return true
      },
    })
  } catch (error) {
    if (error instanceof ArtifactContentError) throw error
    throw new ArtifactContentError(`is a corrupt zip archive (${(error as Error).message})`)
  }
  for (const [name, data] of Object.entries(files)) {
    if (data.length !== declared.get(name))
      throw new ArtifactContentError(`has a corrupt entry ${JSON.stringify(name)}`)
  }
  return new Map(Object.entries(files))
}

export interface RunArtifactRequest {
  owner: string
  repo: string
  runId: number
  name: string
  /** Only these files are extracted (all by default). */
  wanted?: (name: string) => boolean
  limits?: Limits
  retry?: RetryOptions
}

export interface RunArtifact {
  artifact: ArtifactRef & { expired: boolean; createdAt: string | null }
  files: Map<string, Uint8Array>
}

/**
 * Finds the artifact `name` of workflow run `runId` and returns its files, or null when the run has no such
 * artifact. Throws ArtifactContentError for an expired, oversized or corrupt one, and HTTP errors as Octokit raises
 * them (see describeFailure). Used for baselines and, in `workflow_run` mode, for a pull request run's results.
 */
export async function downloadRunArtifact(octokit: Octokit, request: RunArtifactRequest): Promise<RunArtifact | null> {
  const { owner, repo, runId, name } = request
  const listed = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
    owner,
    repo,
    run_id: runId,
    name,
    per_page: 100,
  })
  const found = listed.find((a) => a.name === name)
  if (!found) return null
  const artifact = {
    owner,
    repo,
    id: found.id,
    name,
    sizeInBytes: found.size_in_bytes,
    expired: found.expired,
    createdAt: found.created_at ?? null,
  }
  if (found.expired) throw new ArtifactContentError('has expired')
  const zip = await downloadArtifactZip(octokit, artifact, request.limits, request.retry)
  return { artifact, files: extractZip(zip, request.limits, request.wanted) }
}
