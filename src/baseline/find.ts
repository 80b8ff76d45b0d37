// Finding baseline candidates: artifacts of the baseline's name from runs on the target branch of the same
// repository, best first. A run from a fork can be on a branch called `main` too (its pull_request runs are listed
// in the base repository); its artifacts are never candidates, whatever they contain.
import type { Octokit } from '../github/client.js'
import type { BaselineTarget } from './target.js'

export interface Candidate {
  artifactId: number
  name: string
  sizeInBytes: number
  createdAt: string | null
  runId: number
  headSha: string
}

export interface CandidateList {
  /** Best first: the preferred commits in order, then newest first. */
  candidates: Candidate[]
  expired: number
  /** Artifacts from runs of forks or other repositories, or of unknown origin. */
  foreign: number
  /** True when the listing was cut off at `maxPages` before a preferred commit was found. */
  truncated: boolean
}

// 100 per page: 1,000 artifacts reach back further than GitHub keeps artifacts on most repositories.
export const MAX_PAGES = 10

export async function listCandidates(
  octokit: Octokit,
  target: BaselineTarget,
  name: string,
  maxPages = MAX_PAGES,
  now = Date.now(),
): Promise<CandidateList> {
  const found: Candidate[] = []
  let expired = 0
  let foreign = 0
  let pages = 0
  let truncated = false
  const best = target.preferred[0]
  const iterator = octokit.paginate.iterator(octokit.rest.actions.listArtifactsForRepo, {
    owner: target.owner,
    repo: target.repo,
    name,
    per_page: 100,
  })
  for await (const page of iterator) {
    for (const artifact of page.data) {
      const run = artifact.workflow_run
      if (artifact.name !== name) continue
      if (!run?.id || !run.head_sha) {
        foreign++
      } else if (run.repository_id !== target.repositoryId || run.head_repository_id !== target.repositoryId) {
        foreign++
      } else if (run.head_branch !== target.branch || run.id === target.currentRunId) {
        continue
      } else if (artifact.expired || (artifact.expires_at && Date.parse(artifact.expires_at) <= now)) {
        expired++
      } else {
        found.push({
          artifactId: artifact.id,
          name: artifact.name,
          sizeInBytes: artifact.size_in_bytes,
          createdAt: artifact.created_at ?? null,
          runId: run.id,
          headSha: run.head_sha,
        })
      }
    }
    // The listing is newest first: once the best commit's artifact is in, older pages cannot beat it.
    if (best && found.some((c) => c.headSha === best)) break
    if (++pages >= maxPages) {
      truncated = /rel="next"/.test(page.headers.link ?? '')
      break
    }
  }
  const rank = (c: Candidate): number => {
    const index = target.preferred.indexOf(c.headSha)
    return index < 0 ? target.preferred.length : index
  }
  const newest = (c: Candidate): number => (c.createdAt ? Date.parse(c.createdAt) : 0)
  found.sort((a, b) => rank(a) - rank(b) || newest(b) - newest(a))
  return { candidates: found, expired, foreign, truncated }
}
