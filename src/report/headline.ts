// The first lines a reviewer reads: the verdict and the counts, in ten seconds.
import type { BaselineInfo, Verdict } from '../verdict.js'
import type { ReportContext } from './context.js'
import { timeComparabilityNotes } from './environment.js'
import { code } from './escape.js'
import { plural, shortSha } from './format.js'
import { RESULT_MARK } from './marks.js'

export function title(verdict: Verdict): string {
  switch (verdict.result) {
    case 'fail': {
      const failed = verdict.entries.filter((e) => e.status === 'error').length
      const parts = [
        verdict.regressions > 0 ? plural(verdict.regressions, 'performance regression') : '',
        failed > 0 ? `${plural(failed, 'entry', 'entries')} failed to run` : '',
      ].filter(Boolean)
      return parts.length > 0 ? `${parts.join(', ')}` : 'Failed'
    }
    case 'pass':
      return verdict.improvements > 0 ? 'No regressions, some improvements' : 'No performance regressions'
    case 'no-baseline':
      return 'No baseline to compare with'
    case 'error':
      return 'Could not complete the comparison'
  }
}

/** "1 regressed", "0 improved", "2 unchanged", then new, removed, failed and not comparable when there are any. */
export function entryCounts(verdict: Verdict): [number, string][] {
  const counts: [number, string][] = [
    [verdict.regressions, 'regressed'],
    [verdict.improvements, 'improved'],
    [verdict.unchanged, 'unchanged'],
  ]
  for (const status of ['new', 'removed', 'error', 'not-comparable'] as const) {
    const n = verdict.entries.filter((e) => e.status === status).length
    if (n > 0) counts.push([n, status === 'error' ? 'failed to run' : status.replace('-', ' ')])
  }
  return counts
}

export function headline(verdict: Verdict, baseline: BaselineInfo | null, context: ReportContext): string {
  const key = context.commentKey ? ` (${code(context.commentKey, 60)})` : ''
  const lines = [`## ${RESULT_MARK[verdict.result]} bytescope${key}: ${title(verdict)}`, '']
  const entries = verdict.entries
  const counts = entryCounts(verdict).map(([n, what]) => `**${n}** ${what}`)
  let against = ''
  if (baseline?.source === 'same-runner' && baseline.commit)
    against = ` — compared with the base ${code(shortSha(baseline.commit), 40)}, measured on this runner in the same job`
  else if (baseline?.commit) against = ` — compared with ${code(shortSha(baseline.commit), 40)}`
  else if (baseline) against = ' — compared with the baseline'
  lines.push(`${counts.join(' · ')} across ${plural(entries.length, 'entry', 'entries')}${against}.`)
  if (verdict.result === 'no-baseline') {
    lines.push(
      '',
      '> [!NOTE]',
      '> Nothing was compared, so nothing could regress: this run only measured the code. Baselines are stored by runs ' +
        'on the default branch; once one exists, pull requests are compared with it.',
    )
  }
  if (!verdict.samePython && verdict.base) {
    lines.push(
      '',
      '> [!WARNING]',
      '> Base and head ran different Python versions: time, memory, allocations and executed instructions are not ' +
        'compared; only `max-peak-memory` still applies.',
    )
  }
  for (const note of timeComparabilityNotes(verdict)) lines.push('', note)
  return lines.join('\n')
}
