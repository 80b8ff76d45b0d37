// Where the numbers come from: both environments, the baseline, the run, and how to reproduce it locally.
import type { Environment } from '../results.js'
import type { BaselineInfo, Verdict } from '../verdict.js'
import type { ReportContext } from './context.js'
import { code, codeBlock, link, prose } from './escape.js'
import { plural, shortSha } from './format.js'

function environment(env: Environment): string {
  return `${prose(env.implementation, 40)} ${code(env.python_version, 40)} on ${code(env.platform, 100)}`
}

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
  const from = baseline.source === 'path' ? `file ${code(baseline.location)}` : `artifact ${code(baseline.location)}`
  parts.push(baseline.runUrl ? `${from} of ${link('run', baseline.runUrl)}` : from)
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
    lines.push(`Base: ${environment(base)}. Head: ${environment(head)}.`)
    const differs = [
      base.python_version !== head.python_version && 'Python version',
      base.implementation !== head.implementation && 'implementation',
      base.platform !== head.platform && 'platform',
    ].filter((x): x is string => Boolean(x))
    if (differs.length > 0) {
      lines.push(
        '',
        '> [!WARNING]',
        `> Base and head differ in ${differs.join(' and ')}: differences may come from the environment, not the code.`,
      )
    }
  } else {
    lines.push(`Measured on ${environment(head)}.`)
  }
  if (baseline) lines.push('', baselineLine(baseline, context))
  if (baseline?.skipped?.length) {
    lines.push('', `Skipped baseline candidates: ${baseline.skipped.map((s) => prose(s, 200)).join('; ')}.`)
  }
  if (context.runUrl) lines.push('', `${link('Workflow run', context.runUrl)} (job summary and artifacts).`)
  if (context.reproduceCommand) {
    lines.push('', 'Reproduce locally:', '', codeBlock(context.reproduceCommand, 'sh'))
  }
  return `---\n\n${lines.join('\n')}`
}
