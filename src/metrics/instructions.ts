// The instructions metric: bytecode instructions executed by one call of the entry. Exact, so any change past the
// threshold counts; it depends on the Python release (not the machine), so another Python is not compared.
import { thresholdText } from '../config.js'
import { diffIndex } from '../report/bytecode.js'
import { changeCell } from '../report/cells.js'
import type { FunctionBytecodeDiff } from '../report/context.js'
import { count, percent, transition } from '../report/format.js'
import { unavailableText } from '../report/unavailable.js'
import { functionKey, type CapturedFunction } from '../results.js'
import { relativeChange } from '../stats.js'
import type { EntryVerdict, MetricComparison } from '../verdict.js'
import {
  comparisonOf,
  isProjectFile,
  largestGrowth,
  notCompared,
  type Culprit,
  type Evidence,
  type Metric,
  type MetricInput,
} from './metric.js'

type Settings = 'instructionsThreshold'

function compare(input: MetricInput<Settings>): MetricComparison {
  const { head } = input
  const threshold = input.settings.instructionsThreshold
  const headTotal = head.instructions?.total ?? null
  const values = { base: null, head: headTotal, threshold }
  if (headTotal === null) {
    // The harness says why when the pass was asked for but lost (it overran the timeout); the note is its text.
    const note = typeof head.instructions_unmeasured === 'string' ? head.instructions_unmeasured : undefined
    return notCompared('instructions', 'not-measured', values, { why: 'not-measured', ...(note ? { note } : {}) })
  }
  if (input.missing !== null) return notCompared('instructions', 'not-comparable', values, input.missing)
  const baseTotal = input.base!.instructions?.total ?? null
  if (baseTotal === null)
    return notCompared('instructions', 'not-comparable', values, { why: 'not-measured-on-baseline' })
  if (input.otherPython)
    return {
      ...notCompared('instructions', 'not-comparable', { ...values, base: baseTotal }, input.otherPython),
      cause: 'other-python',
    }
  const change = relativeChange(baseTotal, headTotal)
  const grew = change === null ? headTotal > 0 : change > threshold
  const status = grew ? 'regression' : change !== null && change < -threshold ? 'improvement' : 'unchanged'
  return { metric: 'instructions', status, base: baseTotal, head: headTotal, change, threshold }
}

function describe(m: MetricComparison): string {
  if (m.unavailable) return unavailableText(m.unavailable)
  const threshold = thresholdText(m.threshold!)
  const delta = m.head! - m.base!
  const measured = `${count(m.base!)} → ${count(m.head!)} executed instructions (${m.change == null ? 'new' : percent(m.change)}, ${delta >= 0 ? '+' : '-'}${count(Math.abs(delta))})`
  const verdictText =
    m.status === 'regression'
      ? `more than the ${threshold} threshold`
      : m.status === 'improvement'
        ? `fewer by more than ${threshold}`
        : `within the ${threshold} threshold`
  return `${measured}: ${verdictText}`
}

/**
 * The source line whose executed instructions grew most, across the entry's captured project functions (each
 * instruction's count from the instruction pass, attributed to its line on head). Without per-instruction counts,
 * the function whose count grew most, at its first line.
 */
function culprit(entry: EntryVerdict, evidence: Evidence): Culprit | null {
  const { base, head } = entry
  if (!head) return null
  const diffs = diffIndex({ entries: (evidence.bytecodeDiff?.entries ?? []).filter((e) => e?.name === entry.name) })
  const baseFunctions = new Map((base?.functions ?? []).map((f) => [functionKey(f), f]))
  let best: Culprit & { delta: number } = { qualname: '', filename: '', lineno: 0, growth: '', delta: 0 }
  for (const f of head.functions) {
    if (!isProjectFile(f.filename)) continue
    const key = functionKey(f)
    for (const [line, delta] of lineGrowth(base ? baseFunctions.get(key) : undefined, f, diffs.get(key)))
      if (delta > best.delta) best = { qualname: f.qualname, filename: f.filename, lineno: line, delta, growth: '' }
  }
  if (best.delta > 0) return { ...best, growth: `+${count(best.delta)} executed instructions on line ${best.lineno}` }
  const before = new Map((base?.instructions?.functions ?? []).map((f) => [functionKey(f), f.count]))
  return largestGrowth(
    (head.instructions?.functions ?? []).map((f) => ({ ...f, delta: f.count - (before.get(functionKey(f)) ?? 0) })),
    (delta) => `+${count(delta)} executed instructions`,
  )
}

/**
 * Executed instructions gained per head line: through the harness's aligned diff for a changed function (a deleted
 * instruction's count leaves the line of the head instruction before it), index by index for identical bytecode,
 * all of head's for a new function. Empty when the counts are missing or the function changed without a diff.
 */
function lineGrowth(
  base: CapturedFunction | undefined,
  head: CapturedFunction,
  diff: FunctionBytecodeDiff | undefined,
): Map<number, number> {
  const growth = new Map<number, number>()
  const add = (line: number | null | undefined, n: number | null | undefined) => {
    if (typeof line === 'number' && Number.isFinite(n)) growth.set(line, (growth.get(line) ?? 0) + n!)
  }
  const counted = (f: CapturedFunction | undefined) => f?.executed?.length === f?.instructions.length
  if (!counted(head)) return growth
  if (base === undefined) {
    head.instructions.forEach((instruction, i) => add(instruction.line, head.executed![i]))
  } else if (base.hash === head.hash && counted(base)) {
    head.instructions.forEach((instruction, i) =>
      add(instruction.line, (head.executed![i] ?? 0) - (base.executed![i] ?? 0)),
    )
  } else if (diff) {
    let line = head.instructions.find((i) => typeof i.line === 'number')?.line ?? null
    for (const op of diff.ops) {
      op.head.forEach((instruction) => add(instruction.line, instruction.executed))
      op.base.forEach((instruction, k) => {
        const paired = op.tag === 'equal' || op.tag === 'replace' ? (op.head[k] ?? op.head.at(-1)) : undefined
        add(paired?.line ?? line, -(instruction.executed ?? 0))
      })
      line = op.head.findLast((i) => typeof i.line === 'number')?.line ?? line
    }
  }
  return growth
}

export const instructions: Metric<Settings> = {
  name: 'instructions',
  settings: ['instructionsThreshold'],
  compare,
  describe,
  culprit,
  columns: [
    {
      header: () => 'Instructions',
      optional: true,
      cell(entry, _, medium) {
        const m = comparisonOf(entry, 'instructions')
        if (!m || m.status === 'not-measured') return ''
        const change = changeCell(m, medium)
        return `${transition(m.base, m.head, count)}${change ? ` (${change})` : ''}`
      },
    },
  ],
}
