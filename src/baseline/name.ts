// Artifact names: one baseline per `comment-key`, so matrix legs (one per Python version, say) never overwrite or
// read each other's baseline.
import type { Config } from '../config.js'

/** The file a baseline artifact holds the results in (fixed, so finding it never depends on how it was produced). */
export const RESULTS_FILE = 'bytescope-results.json'

// The characters @actions/artifact refuses in names (NTFS-safe names), and runs of whitespace.
const INVALID = /["":<>|*?\r\n\\/]+/g

/** `baseline-artifact`, plus `-<comment-key>` when a key is set, made a valid artifact name. */
export function baselineArtifactName(config: Pick<Config, 'baselineArtifact' | 'commentKey'>): string {
  const key = config.commentKey.trim()
  return sanitizeArtifactName(key ? `${config.baselineArtifact}-${key}` : config.baselineArtifact)
}

export function sanitizeArtifactName(name: string): string {
  return name.replace(INVALID, '-').trim() || 'bytescope-baseline'
}
