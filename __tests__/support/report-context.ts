// What the report is rendered with in tests: outside GitHub (no links), or in run 42 of octo-org/octo-repo.
import type { ReportContext } from '../../src/report/context.js'

export const HEAD_SHA = 'f00dfacef00dfacef00dfacef00dfacef00dface'

/** Outside GitHub: no repository to link to, no run, no reproduce command. */
export function localContext(overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    repository: null,
    serverUrl: 'https://github.com',
    runUrl: null,
    headSha: null,
    commentKey: '',
    reproduceCommand: null,
    ...overrides,
  }
}

/** A run of octo-org/octo-repo's workflow (run 42) on HEAD_SHA, its results in the `bytescope-results` artifact. */
export function githubContext(overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    repository: 'octo-org/octo-repo',
    serverUrl: 'https://github.com',
    runUrl: 'https://github.com/octo-org/octo-repo/actions/runs/42',
    headSha: HEAD_SHA,
    commentKey: '',
    reproduceCommand: 'npx bytescope --baseline-path base.json',
    artifactName: 'bytescope-results',
    ...overrides,
  }
}
