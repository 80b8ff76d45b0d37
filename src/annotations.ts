// Regressions as annotations on the file and line of the function that regressed most, so they show in the pull
// request's diff view. Results name files relative to the project directory; annotations need them relative to the
// repository root, hence the working directory in between.
import path from 'node:path'
import { functionKey, type ResultsEntry } from './results.js'
import type { EntryVerdict, MetricName, Verdict } from './verdict.js'

export interface Annotation {
  title: string
  message: string
  /** Relative to the repository root, with / separators; absent when no project function could be blamed. */
  file?: string
  startLine?: number
}

interface Culprit {
  qualname: string
  filename: string
  lineno: number
  growth: string
}

// GitHub shows at most 10 annotations of each kind per step.
export const MAX_ANNOTATIONS = 10

/** One annotation per regressed entry (and per errored entry), most important first. */
export function annotations(verdict: Verdict, projectDir: string, repositoryRoot: string): Annotation[] {
  const found: Annotation[] = []
  for (const entry of verdict.entries) {
    if (entry.status === 'error') {
      const failure = verdict.failures.find((line) => line.startsWith(`${entry.name}: `))
      found.push({ title: `bytescope: ${entry.name} failed`, message: failure ?? `${entry.name} failed` })
      continue
    }
    const regressed = entry.metrics.filter((m) => m.status === 'regression')
    if (regressed.length === 0) continue
    const culprit = regressed.map((m) => culpritFor(m.metric, entry)).find((c) => c !== null) ?? null
    const lines = regressed.map((m) => `${m.metric}: ${m.reason}`)
    if (culprit) lines.push(`Regressed most: ${culprit.qualname} (${culprit.growth}).`)
    const annotation: Annotation = { title: `bytescope: ${entry.name} regressed`, message: lines.join('\n') }
    const file = culprit && repositoryPath(culprit.filename, projectDir, repositoryRoot)
    if (file && culprit) Object.assign(annotation, { file, startLine: Math.max(1, culprit.lineno) })
    found.push(annotation)
  }
  return found.slice(0, MAX_ANNOTATIONS)
}

/** The project function whose measure grew most between base and head for this metric. */
function culpritFor(metric: MetricName, entry: EntryVerdict): Culprit | null {
  const base = entry.base
  const head = entry.head
  if (!head) return null
  if (metric === 'time') {
    const rows = head.profile?.functions ?? []
    const before = new Map((base?.profile?.functions ?? []).map((f) => [functionKey(f), f.own_ns]))
    return largest(
      rows.map((f) => ({ ...f, delta: f.own_ns - (before.get(functionKey(f)) ?? 0) })),
      (delta) => `own time +${(delta / 1e6).toFixed(2)} ms`,
    )
  }
  if (metric === 'instructions') {
    const rows = head.instructions?.functions ?? []
    const before = new Map((base?.instructions?.functions ?? []).map((f) => [functionKey(f), f.count]))
    return largest(
      rows.map((f) => ({ ...f, delta: f.count - (before.get(functionKey(f)) ?? 0) })),
      (delta) => `+${delta.toLocaleString('en-US')} executed instructions`,
    )
  }
  // Sites of another Python release are not comparable: the largest of head's own sites is the culprit then.
  const otherPython = entry.metrics.some((m) => m.metric === 'memory' && m.cause === 'other-python')
  return memoryCulprit(otherPython ? null : base, head)
}

function largest(
  rows: { qualname: string; filename: string; lineno: number; delta: number }[],
  growth: (delta: number) => string,
): Culprit | null {
  const inProject = rows.filter((r) => isProjectFile(r.filename) && r.delta > 0)
  const top = inProject.sort((a, b) => b.delta - a.delta)[0]
  return top ? { qualname: top.qualname, filename: top.filename, lineno: top.lineno, growth: growth(top.delta) } : null
}

/** The allocation site (its innermost project frame) whose size grew most. */
function memoryCulprit(base: ResultsEntry | null, head: ResultsEntry): Culprit | null {
  const key = (frames: { filename: string; lineno: number }[]) =>
    frames.map((f) => `${f.filename}:${f.lineno}`).join('|')
  const before = new Map((base?.memory?.top_sites ?? []).map((s) => [key(s.traceback), s.size_bytes]))
  let best: Culprit | null = null
  let bestDelta = 0
  for (const site of head.memory?.top_sites ?? []) {
    const delta = site.size_bytes - (before.get(key(site.traceback)) ?? 0)
    const frame = site.traceback.find((f) => isProjectFile(f.filename))
    if (frame && delta > bestDelta) {
      bestDelta = delta
      best = {
        qualname: `${frame.filename}:${frame.lineno}`,
        filename: frame.filename,
        lineno: frame.lineno,
        growth: `+${delta} bytes allocated here`,
      }
    }
  }
  return best
}

/** Project files are relative paths; the standard library and site-packages are absolute, `<frozen …>` is neither. */
function isProjectFile(filename: string): boolean {
  return filename !== '' && !filename.startsWith('<') && !path.isAbsolute(filename) && !filename.startsWith('..')
}

function repositoryPath(filename: string, projectDir: string, repositoryRoot: string): string | null {
  const relative = path.relative(repositoryRoot, path.join(projectDir, filename))
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative.split(path.sep).join('/')
}
