// Pull requests of a commit, for the two places that need one: the comment outside a pull_request event, and the
// workflow_run source finding the pull request a fork's run measured.
import type { Octokit } from './client.js'

type AssociatedPull = Awaited<
  ReturnType<Octokit['rest']['repos']['listPullRequestsAssociatedWithCommit']>
>['data'][number]

/** Every pull request GitHub associates with `sha` in owner/repo (open or not), all pages. */
export async function associatedPullRequests(
  octokit: Octokit,
  owner: string,
  repo: string,
  sha: string,
): Promise<AssociatedPull[]> {
  return octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
    owner,
    repo,
    commit_sha: sha,
    per_page: 100,
  })
}
