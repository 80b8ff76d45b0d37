// Storing a baseline: on a push to the default branch (or always, with `upload-baseline: true`), upload the results
// and any profile exports as one artifact of this run, with @actions/artifact.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import type { Config } from '../config.js'
import type { GitHubContext } from '../github/context.js'
import { BaselineError } from './error.js'
import { baselineArtifactName, RESULTS_FILE } from './name.js'

export interface StoreResult {
  name: string
  id: number | null
  size: number | null
}

/** Why this run does (or does not) upload a baseline; null means it uploads. */
export function skipUploadReason(config: Pick<Config, 'uploadBaseline'>, context: GitHubContext): string | null {
  if (config.uploadBaseline === 'true') return null
  if (config.uploadBaseline === 'false') return 'upload-baseline is false'
  const defaultBranch = (context.payload.repository as { default_branch?: string } | undefined)?.default_branch
  if (context.eventName !== 'push') return `upload-baseline: auto uploads on pushes, not on ${context.eventName} events`
  if (!defaultBranch || context.ref !== `refs/heads/${defaultBranch}`) {
    return `upload-baseline: auto uploads on pushes to the default branch${defaultBranch ? ` (${defaultBranch})` : ''}, not to ${context.ref}`
  }
  return null
}

/**
 * Uploads `resultsPath` (as bytescope-results.json) and `extraFiles` (by their base names, under `profiles/`) as the
 * baseline artifact. Returns null, with the reason in `skipped`, when this run should not upload.
 */
export async function storeBaseline(
  config: Pick<Config, 'uploadBaseline' | 'baselineArtifact' | 'commentKey' | 'retentionDays'>,
  context: GitHubContext,
  resultsPath: string,
  extraFiles: string[] = [],
): Promise<StoreResult | { skipped: string }> {
  const reason = skipUploadReason(config, context)
  if (reason) return { skipped: reason }
  const name = baselineArtifactName(config)
  // Stage under fixed names, so the artifact's layout never depends on where the harness wrote its files.
  const root = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'bytescope-baseline-'))
  const files = [join(root, RESULTS_FILE)]
  copyFileSync(resultsPath, files[0]!)
  if (extraFiles.length) mkdirSync(join(root, 'profiles'))
  for (const file of extraFiles) {
    const staged = join(root, 'profiles', basename(file))
    copyFileSync(file, staged)
    files.push(staged)
  }
  const options = config.retentionDays === null ? {} : { retentionDays: config.retentionDays }
  try {
    const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, files, root, options)
    return { name, id: id ?? null, size: size ?? null }
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? ''
    // Two matrix legs with one name collide in the same run; the key is what tells them apart.
    const hint = /409|conflict|already exists/i.test(message) ? ' (give each matrix leg its own comment-key)' : ''
    throw new BaselineError(`cannot upload the baseline artifact ${name}: ${message}${hint}`)
  }
}
