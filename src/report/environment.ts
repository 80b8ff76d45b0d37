// What differs between the environments of base and head, and what that meant for the time comparison. Every value
// here comes from a results file (the baseline's may come from another run or a fork): rendered as code, never as
// markdown.
import type { EnvironmentDifference } from '../environment.js'
import type { Environment } from '../results.js'
import type { Verdict } from '../verdict.js'
import { code, prose } from './escape.js'
import { plural } from './format.js'

/** Differences listed before the rest is only counted (a lockfile update can change hundreds). */
const MAX_LISTED = 20

/** "CPython `3.12.1` on `Linux-…` (`AMD EPYC 7763`)". */
export function environmentLine(env: Environment): string {
  const cpu = env.cpu_model ? ` (${code(env.cpu_model, 80)})` : ''
  return `${prose(env.implementation, 40)} ${code(env.python_version, 40)} on ${code(env.platform, 100)}${cpu}`
}

function differenceLine(d: EnvironmentDifference): string {
  const what = d.kind === 'distribution' ? code(d.label, 80) : d.label
  if (d.base === null) return `- ${what}: ${code(d.head!, 100)} (only in head)`
  if (d.head === null) return `- ${what}: ${code(d.base, 100)} (only in base)`
  return `- ${what}: ${code(d.base, 100)} → ${code(d.head, 100)}`
}

/** The footer's list of differences (empty when the environments agree, or there is no base). */
export function environmentDifferences(verdict: Verdict): string {
  const differences = verdict.environment?.differences ?? []
  const omitted =
    (verdict.base?.environment.distributions_omitted ?? 0) + (verdict.head.environment.distributions_omitted ?? 0)
  if (differences.length === 0) return ''
  const lines = differences.slice(0, MAX_LISTED).map(differenceLine)
  const rest = differences.length - lines.length
  if (rest > 0) lines.push(`- and ${plural(rest, 'more difference')} (in the two results files)`)
  if (omitted > 0) lines.push(`- (imported distributions past the first 100 were not recorded)`)
  return [
    '> [!WARNING]',
    '> Base and head ran in different environments: a difference may come from the environment, not the code.',
    '>',
    ...lines.map((line) => `> ${line}`),
  ].join('\n')
}

/** The headline's notes on time: not compared across machines, or compared with a baseline of unknown machine. */
export function timeComparabilityNotes(verdict: Verdict): string[] {
  const time = verdict.entries.flatMap((e) => e.metrics).filter((m) => m.metric === 'time')
  const notes: string[] = []
  const why = verdict.environment?.otherMachine
  if (why && time.some((m) => m.cause === 'other-machine')) {
    notes.push(
      [
        '> [!WARNING]',
        `> **Time is not compared: other machine.** ${prose(why, 400)}. Time measured on another CPU or Python build ` +
          'says nothing about the code, so only memory and executed instructions are gated. Same-runner mode ' +
          '(`compare: same-runner`) measures base and head side by side on one runner and compares time too.',
      ].join('\n'),
    )
  }
  const compared = time.some((m) => m.status !== 'not-comparable' && m.status !== 'not-measured')
  if (verdict.environment?.machineUnknown && compared) {
    const whose = verdict.base?.environment.cpu_model ? 'this run' : 'the baseline'
    notes.push(
      [
        '> [!NOTE]',
        `> Which CPU ${whose} ran on is unknown (a baseline written by an older bytescope, or a system that does not ` +
          'say), so time is compared as before, but a change may come from another machine rather than the code.',
      ].join('\n'),
    )
  }
  return notes
}
