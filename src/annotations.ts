// Regressions as annotations on the file and line of the function that regressed most, so they show in the pull
// request's diff view. Results name files relative to the project directory; annotations need them relative to the
// repository root, hence the working directory in between.
import path from 'node:path'
import type { Evidence } from './metrics/metric.js'
import { metricNamed } from './metrics/registry.js'
import { entryFailures, reasonText } from './report/reasons.js'
import type { Verdict } from './verdict.js'

export interface Annotation {
  title: string
  message: string
  /** Relative to the repository root, with / separators; absent when no project function could be blamed. */
  file?: string
  startLine?: number
}

// GitHub shows at most 10 annotations of each kind per step.
export const MAX_ANNOTATIONS = 10

/**
 * One annotation per regressed entry (and per errored entry), most important first. Each regressed metric names its
 * own culprit (src/metrics/); the first metric that finds one places the annotation. `evidence` is the harness's
 * diff, when there is one (the instructions metric places its annotation on a line with it).
 */
export function annotations(
  verdict: Verdict,
  projectDir: string,
  repositoryRoot: string,
  evidence: Evidence = {},
): Annotation[] {
  const found: Annotation[] = []
  for (const entry of verdict.entries) {
    if (entry.status === 'error') {
      found.push({ title: `bytescope: ${entry.name} failed`, message: entryFailures(entry)[0]! })
      continue
    }
    const regressed = entry.metrics.filter((m) => m.status === 'regression')
    if (regressed.length === 0) continue
    const culprit = regressed
      .map((m) => metricNamed(m.metric)?.culprit(entry, evidence) ?? null)
      .find((c) => c !== null)
    const lines = regressed.map((m) => `${m.metric}: ${reasonText(m)}`)
    if (culprit) lines.push(`Regressed most: ${culprit.qualname} (${culprit.growth}).`)
    const annotation: Annotation = { title: `bytescope: ${entry.name} regressed`, message: lines.join('\n') }
    const file = culprit && repositoryPath(culprit.filename, projectDir, repositoryRoot)
    if (file && culprit) Object.assign(annotation, { file, startLine: Math.max(1, culprit.lineno) })
    found.push(annotation)
  }
  return found.slice(0, MAX_ANNOTATIONS)
}

function repositoryPath(filename: string, projectDir: string, repositoryRoot: string): string | null {
  const relative = path.relative(repositoryRoot, path.join(projectDir, filename))
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative.split(path.sep).join('/')
}
