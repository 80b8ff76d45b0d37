// Where the numbers come from: both environments, the baseline, the run, and how to reproduce it locally.
import type { BaselineInfo, Verdict } from '../verdict.js'
import type { ReportContext } from './context.js'
import { environmentDifferences, environmentLine } from './environment.js'
import { code, codeBlock, link, prose } from './escape.js'
import { plural, shortSha } from './format.js'

function baselineLine(baseline: BaselineInfo, context: ReportContext): string {
  const parts: string[] = []
  if (baseline.commit) {
    const sha = code(shortSha(baseline.commit), 40)
    parts.push(
      context.repository && /^[0-9a-f]{7,40}$/i.test(baseline.commit)
        ? `commit ${link(sha, `${context.serverUrl}/${context.repository}/commit/${baseline.commit}`)}`
        : `commit ${sha}`,
    )
  }
  const from =
    baseline.source === 'same-runner'
      ? `the base commit, measured side by side with head on this runner in this job (${baseline.rounds ?? 'several'} interleaved rounds each, a fresh process per round)`
      : baseline.source === 'path'
        ? `file ${code(baseline.location)}`
        : `artifact ${code(baseline.location)}`
  parts.push(baseline.runUrl ? `${from} of ${link('run', baseline.runUrl)} (measured on another runner)` : from)
  if (baseline.behindBy != null && baseline.behindBy > 0) {
    parts.push(`${plural(baseline.behindBy, 'commit')} behind the base branch`)
  }
  return `Baseline: ${parts.join(', ')}.`
}

export function footer(verdict: Verdict, baseline: BaselineInfo | null, context: ReportContext): string {
  const lines: string[] = []
  const head = verdict.head.environment
  const base = verdict.base?.environment
  if (base) {
    lines.push(`Base: ${environmentLine(base)}. Head: ${environmentLine(head)}.`)
    const differences = environmentDifferences(verdict)
    if (differences) lines.push('', differences)
  } else {
    lines.push(`Measured on ${environmentLine(head)}.`)
  }
  if (baseline) lines.push('', baselineLine(baseline, context))
  if (baseline?.fallback) lines.push('', `Not compared side by side: ${prose(baseline.fallback, 500)}.`)
  if (baseline?.skipped?.length) {
    lines.push('', `Skipped baseline candidates: ${baseline.skipped.map((s) => prose(s, 200)).join('; ')}.`)
  }
  if (context.runUrl) lines.push('', `${link('Workflow run', context.runUrl)} (job summary and artifacts).`)
  if (context.reproduceCommand) {
    lines.push('', 'Reproduce locally:', '', codeBlock(context.reproduceCommand, 'sh'))
  }
  return `---\n\n${lines.join('\n')}`
}
