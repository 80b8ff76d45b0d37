// Bytecode changes: every profiled function whose captured bytecode hash differs between base and head, hottest
// first, each with its aligned instruction diff (computed by the harness, `python -m bytescope diff --json`), the
// category deltas in words ("+2 attribute accesses inside a loop"), its own-time change and a link to its source.
import { functionKey, pythonMinor, type CapturedFunction, type Results, type ResultsEntry } from '../results.js'
import type { Verdict } from '../verdict.js'
import { block, type Block } from './blocks.js'
import type {
  BytecodeDiffReport,
  DiffInstruction,
  DiffOp,
  ExecutedBreakdown,
  FunctionBytecodeDiff,
  ReportContext,
} from './context.js'
import { code, codeBlock, link, prose, shorten, singleLine } from './escape.js'
import { count, duration, percent, plural, relative, shortSha, transition } from './format.js'
import { comparedWithBase } from './entry-details.js'
import { sourceUrl } from './links.js'

interface Usage {
  entry: string
  baseOwn: number | undefined
  headOwn: number | undefined
  /** Share of the entry's profiled time spent in the function itself, on head (else base). */
  share: number
  baseExecuted: number | undefined
  headExecuted: number | undefined
}

export interface ChangedFunction {
  qualname: string
  filename: string
  base: CapturedFunction
  head: CapturedFunction
  /** Where the function was profiled, hottest first. */
  usage: Usage[]
  diff: FunctionBytecodeDiff | undefined
}

function usageIn(entry: string, base: ResultsEntry | null, head: ResultsEntry | null, f: CapturedFunction): Usage {
  const find = (side: ResultsEntry | null) =>
    side?.profile?.functions.find((row) => functionKey(row) === functionKey(f))
  const executed = (side: ResultsEntry | null) =>
    side?.instructions?.functions.find((row) => functionKey(row) === functionKey(f))?.count
  const b = find(base)
  const h = find(head)
  const total = (h ? head : base)?.profile?.tree.total_ns ?? 0
  return {
    entry,
    baseOwn: b?.own_ns,
    headOwn: h?.own_ns,
    share: total > 0 ? ((h ?? b)?.own_ns ?? 0) / total : 0,
    baseExecuted: executed(base),
    headExecuted: executed(head),
  }
}

/**
 * The harness's aligned diffs by file and qualname. The diff comes from another process: anything not shaped like
 * it is ignored (the report then shows category deltas from the results files instead).
 */
export function diffIndex(report: BytecodeDiffReport | null | undefined): Map<string, FunctionBytecodeDiff> {
  const index = new Map<string, FunctionBytecodeDiff>()
  for (const entry of Array.isArray(report?.entries) ? report.entries : []) {
    for (const change of Array.isArray(entry?.functions) ? entry.functions : []) {
      const diff = change?.diff
      // Only changed functions show a diff; an added and a removed twin may share a name.
      if (change?.status !== 'changed') continue
      if (typeof change.filename !== 'string' || typeof change.qualname !== 'string') continue
      if (!diff || !Array.isArray(diff.ops) || typeof diff.category_deltas !== 'object') continue
      const valid = diff.ops.every(
        (op) => Array.isArray(op?.base) && Array.isArray(op?.head) && typeof op.tag === 'string',
      )
      if (valid) index.set(functionKey(change), { ...diff, executed: change.executed ?? null })
    }
  }
  return index
}

/** Changed functions across all entries, each once, hottest first. */
export function changedFunctions(verdict: Verdict, diffs: Map<string, FunctionBytecodeDiff>): ChangedFunction[] {
  const found = new Map<string, ChangedFunction>()
  for (const entry of verdict.entries) {
    const baseFunctions = new Map((entry.base?.functions ?? []).map((f) => [functionKey(f), f]))
    for (const head of entry.head?.functions ?? []) {
      const k = functionKey(head)
      const base = baseFunctions.get(k)
      if (!base || base.hash === head.hash) continue
      const changed = found.get(k) ?? {
        qualname: head.qualname,
        filename: head.filename,
        base,
        head,
        usage: [],
        diff: diffs.get(k),
      }
      changed.usage.push(usageIn(entry.name, entry.base, entry.head, head))
      found.set(k, changed)
    }
  }
  const heat = (f: ChangedFunction) => Math.max(0, ...f.usage.map((u) => u.share))
  const executed = (f: ChangedFunction) => Math.max(0, ...f.usage.map((u) => u.headExecuted ?? 0))
  for (const f of found.values()) f.usage.sort((a, b) => b.share - a.share)
  return [...found.values()].sort(
    (a, b) => heat(b) - heat(a) || executed(b) - executed(a) || a.qualname.localeCompare(b.qualname),
  )
}

/** Captured functions present on one side only (e.g. a generator expression that became a list comprehension). */
export function addedAndRemoved(verdict: Verdict): { added: CapturedFunction[]; removed: CapturedFunction[] } {
  const added = new Map<string, CapturedFunction>()
  const removed = new Map<string, CapturedFunction>()
  for (const entry of verdict.entries) {
    if (!entry.base || !entry.head || !comparedWithBase(entry) || entry.head.status !== 'ok') continue
    const base = new Map(entry.base.functions.map((f) => [functionKey(f), f]))
    const head = new Map(entry.head.functions.map((f) => [functionKey(f), f]))
    for (const [k, f] of head) if (!base.has(k)) added.set(k, f)
    for (const [k, f] of base) if (!head.has(k)) removed.set(k, f)
  }
  return { added: [...added.values()], removed: [...removed.values()] }
}

// -- category deltas in words ---------------------------------------------------------------------------------

/**
 * How a category's instructions are counted in words: the registry's, carried in the results (python/bytescope/
 * bytecode/registry.py). Results from an older harness, or a forged file, carry none: the category's own name then.
 * `escape` makes words from a results file safe where they are printed (markdown or a terminal).
 */
export type Noun = (category: string, n: number) => string

export function nounFor(
  words: Results['categories'],
  escape: (text: string) => string,
  unknown: (category: string) => string = escape,
): Noun {
  return (category, n) => {
    const known = words && Object.hasOwn(words, category) ? words[category] : undefined
    if (known) return escape(Math.abs(n) === 1 ? known.singular : known.plural)
    return `${unknown(category)} ${Math.abs(n) === 1 ? 'instruction' : 'instructions'}`
  }
}

/** The comment's words: escaped as prose; a category the results name no words for (a forged file's) as code. */
export function markdownNoun(words: Results['categories']): Noun {
  return nounFor(
    words,
    (text) => prose(text, 80),
    (category) => code(category, 40),
  )
}

const JUMP_TARGET = /^to (L\d+)$/

// Real functions have a few thousand instructions; a forged diff may have any number, and the report is rendered
// several times per run. Past this many, loops are not looked for (the sentences then say nothing about loops).
export const MAX_LOOP_SCAN = 100_000

/** Indices of instructions inside a loop: between a label and a later jump back to it. Linear in the instructions. */
export function loopIndices(instructions: DiffInstruction[]): Set<number> {
  const inside = new Set<number>()
  if (instructions.length > MAX_LOOP_SCAN) return inside
  const labels = new Map<string, number>()
  instructions.forEach((instr, i) => instr.label && labels.set(instr.label, i))
  // A difference array: +1 where a loop starts, -1 after its backward jump; a running sum above 0 is inside one.
  const edges = new Int32Array(instructions.length + 1)
  instructions.forEach((instr, i) => {
    const target = JUMP_TARGET.exec(instr.argrepr)?.[1]
    const start = target === undefined ? undefined : labels.get(target)
    if (start === undefined || start > i) return
    edges[start]! += 1
    edges[i + 1]! -= 1
  })
  let depth = 0
  for (let i = 0; i < instructions.length; i++) {
    depth += edges[i]!
    if (depth > 0) inside.add(i)
  }
  return inside
}

/** Per category, how much of the change lies inside loops: inserted in head loops minus deleted from base loops. */
function loopDeltas(ops: DiffOp[]): Map<string, number> {
  const flat = (side: 'base' | 'head') => ops.flatMap((op) => op[side].map((instr) => ({ instr, tag: op.tag })))
  const base = flat('base')
  const head = flat('head')
  const baseLoops = loopIndices(base.map((x) => x.instr))
  const headLoops = loopIndices(head.map((x) => x.instr))
  const deltas = new Map<string, number>()
  const add = (category: string, n: number) => deltas.set(category, (deltas.get(category) ?? 0) + n)
  head.forEach(({ instr, tag }, i) => tag !== 'equal' && headLoops.has(i) && add(instr.category, 1))
  base.forEach(({ instr, tag }, i) => tag !== 'equal' && baseLoops.has(i) && add(instr.category, -1))
  return deltas
}

const signedCount = (n: number): string => `${n > 0 ? '+' : '−'}${Math.abs(n)}`

/** "+2 attribute accesses inside a loop", "−1 call (+1 inside a loop)". */
export function categorySentences(deltas: Record<string, number>, ops: DiffOp[] | undefined, noun: Noun): string[] {
  const inLoops = ops ? loopDeltas(ops) : new Map<string, number>()
  return Object.entries(deltas)
    .filter(([, n]) => n !== 0)
    .sort(([a, x], [b, y]) => Math.abs(y) - Math.abs(x) || a.localeCompare(b))
    .map(([category, n]) => {
      const looped = inLoops.get(category) ?? 0
      const what = `${signedCount(n)} ${noun(category, n)}`
      if (looped === n) return `${what} inside a loop`
      return looped !== 0 ? `${what} (${signedCount(looped)} inside a loop)` : what
    })
}

function countDeltas(base: CapturedFunction, head: CapturedFunction): Record<string, number> {
  const deltas: Record<string, number> = {}
  for (const category of new Set([...Object.keys(base.category_counts), ...Object.keys(head.category_counts)])) {
    const n = (head.category_counts[category] ?? 0) - (base.category_counts[category] ?? 0)
    if (n !== 0) deltas[category] = n
  }
  return deltas
}

/** The changed function's category deltas in words: from the aligned diff, else from the results' counts. */
export function instructionMix(f: ChangedFunction, noun: Noun): string[] {
  return categorySentences(f.diff?.category_deltas ?? countDeltas(f.base, f.head), f.diff?.ops, noun)
}

// -- the aligned diff as a code block -------------------------------------------------------------------------

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0

/** How often the instruction ran in one call, when the instruction pass counted it: "2,420×" or "cold". */
function ran(instr: DiffInstruction): string {
  if (!isCount(instr.executed)) return ''
  return instr.executed === 0 ? 'cold' : `${count(instr.executed)}×`
}

function instructionText(instr: DiffInstruction): string {
  const label = instr.label ? `${instr.label}:` : ''
  const arg = shorten(singleLine(instr.argrepr), 80)
  const times = ran(instr)
  return `${label.padStart(5)} ${instr.opname.padEnd(22)} ${arg}${times ? `  ${times}` : ''}`.trimEnd()
}

/**
 * "+1 `LOAD_ATTR lower`, +1 `CALL` — each ran 2,420× per call: +4,840 of this entry's +4,840 executed
 * instructions" (bytescope.harness.executed.describe() in markdown); null when the breakdown is not shaped right.
 */
export function executedSentence(executed: ExecutedBreakdown | null | undefined): string | null {
  if (!executed || !Array.isArray(executed.changes) || !Number.isFinite(executed.delta)) return null
  const changes = executed.changes.filter((c) => Number.isFinite(c?.count) && isCount(c.executed))
  const signed = (n: number) => `${n >= 0 ? '+' : '−'}${count(Math.abs(n))}`
  const name = (c: ExecutedBreakdown['changes'][number]) =>
    `${signed(c.count)} ${code(`${String(c.opname)} ${String(c.argrepr)}`.trim(), 60)}`
  const runs = new Set(changes.map((c) => c.executed))
  let text: string
  let howOften: string
  if (runs.size === 1) {
    const [times] = [...runs]
    text = changes.map(name).join(', ')
    howOften = times === 0 ? 'never ran in the measured call (cold)' : `each ran ${count(times!)}× per call`
  } else {
    text = changes.map((c) => `${name(c)} (${c.executed === 0 ? 'cold' : `${count(c.executed)}×`})`).join(', ')
    howOften = 'per call'
  }
  if (isCount(executed.omitted) && executed.omitted > 0) text += ` and ${executed.omitted} more`
  const sentence =
    changes.length > 0 ? `${text} — ${howOften}: ${signed(executed.delta)}` : `executed ${signed(executed.delta)}`
  return Number.isFinite(executed.entry_delta)
    ? `${sentence} of this entry's ${signed(executed.entry_delta!)} executed instructions`
    : `${sentence} executed instructions`
}

/** The aligned runs as text, rendered once and shared by every level of detail. */
interface TextRun {
  equal: boolean
  lines: string[]
}

export function textRuns(ops: DiffOp[]): TextRun[] {
  return ops.map((op) =>
    op.tag === 'equal'
      ? { equal: true, lines: op.head.map((instr) => ` ${instructionText(instr)}`) }
      : {
          equal: false,
          lines: [...op.base.map((i) => `-${instructionText(i)}`), ...op.head.map((i) => `+${instructionText(i)}`)],
        },
  )
}

/**
 * Unified-diff lines of the aligned instructions (`-` base, `+` head), with runs of unchanged instructions longer
 * than twice `context` collapsed to one line; at most `maxLines` lines.
 */
export function diffLines(runs: TextRun[], context: number, maxLines = Infinity): string[] {
  const lines: string[] = []
  runs.forEach((run, index) => {
    const keepBefore = index === 0 ? 0 : context
    const keepAfter = index === runs.length - 1 ? 0 : context
    if (!run.equal || run.lines.length <= keepBefore + keepAfter + 1) {
      lines.push(...run.lines)
      return
    }
    lines.push(...run.lines.slice(0, keepBefore))
    lines.push(` ${' '.repeat(5)} … ${plural(run.lines.length - keepBefore - keepAfter, 'unchanged instruction')}`)
    lines.push(...run.lines.slice(run.lines.length - keepAfter))
  })
  if (lines.length <= maxLines) return lines
  return [
    ...lines.slice(0, maxLines),
    ` ${' '.repeat(5)} … ${lines.length - maxLines} more diff lines in the full report`,
  ]
}

// -- sections ---------------------------------------------------------------------------------------------------

function usageLine(usage: Usage): string {
  const own = transition(usage.baseOwn, usage.headOwn, duration)
  const change = relative(usage.baseOwn, usage.headOwn)
  const executed =
    usage.baseExecuted !== undefined || usage.headExecuted !== undefined
      ? `; executed instructions ${transition(usage.baseExecuted, usage.headExecuted, count)}` +
        (relative(usage.baseExecuted, usage.headExecuted) !== null
          ? ` (${percent(relative(usage.baseExecuted, usage.headExecuted)!)})`
          : '')
      : ''
  const share = usage.share > 0 ? `, ${percent(usage.share).replace('+', '')} of the entry's time` : ''
  return `- in ${code(usage.entry, 60)}: own time ${own}${change !== null ? ` (${percent(change)})` : ''}${share}${executed}`
}

function summary(f: ChangedFunction): string {
  const before = f.diff?.base_count ?? f.base.instructions.length
  const after = f.diff?.head_count ?? f.head.instructions.length
  const size = before === after ? `${after} instructions` : `${before} → ${after} instructions`
  const hot = f.usage[0]
  const own = hot ? relative(hot.baseOwn, hot.headOwn) : null
  return `${code(f.qualname, 80)} — ${size}${own !== null ? `, own time ${percent(own)}` : ''}`
}

/** The function's section at three levels of detail: full diff, diff with less context, no diff. */
function sections(f: ChangedFunction, context: ReportContext, noun: Noun): string[] {
  const where = code(`${f.filename}:${f.head.firstlineno}`, 100)
  const url = sourceUrl(context, f.filename, f.head.firstlineno, f.head.lastlineno)
  const at = context.headSha ? ` at ${code(shortSha(context.headSha), 40)}` : ''
  const sentences = instructionMix(f, noun)
  const parts = [
    `${url ? link(where, url) : where}${at}`,
    sentences.length > 0
      ? `**Instruction mix:** ${sentences.join(', ')}.`
      : '**Instruction mix:** unchanged; constants, names or jump targets differ.',
  ]
  const executed = executedSentence(f.diff?.executed)
  if (executed) parts.push(`**Executed:** ${executed}.`)
  if (f.usage.length > 0) parts.push(f.usage.slice(0, 5).map(usageLine).join('\n'))
  const wrap = (extra: string[]): string =>
    `<details>\n<summary>${summary(f)}</summary>\n\n${[...parts, ...extra].join('\n\n')}\n\n</details>`
  if (!f.diff) return [wrap(['_The aligned instruction diff was not computed for this run._'])]
  const runs = textRuns(f.diff.ops)
  return [
    wrap([codeBlock(diffLines(runs, 3, 400).join('\n'), 'diff')]),
    wrap([codeBlock(diffLines(runs, 1, 40).join('\n'), 'diff')]),
    wrap(['_The instruction diff is in the full report._']),
  ]
}

/**
 * One block per changed function. Hotter functions outlast colder ones: `importance` for the hottest, just below
 * it for the next and so on, never reaching `floor`.
 */
export function bytecodeBlocks(verdict: Verdict, context: ReportContext, importance: number, floor: number): Block[] {
  if (verdict.base && !verdict.samePython) {
    // Every opcode set differs between minor versions: each function would show a diff that says nothing.
    const versions = `${pythonMinor(verdict.base)} and ${pythonMinor(verdict.head)}`
    const note = `### Bytecode changes\n\nNot compared: base and head ran on Python ${versions}, whose bytecode differs for every function.`
    return [block('bytecode changes', '', note, importance)]
  }
  const functions = changedFunctions(verdict, diffIndex(context.bytecodeDiff))
  const { added, removed } = addedAndRemoved(verdict)
  if (functions.length + added.length + removed.length === 0) return []
  const names = (list: CapturedFunction[]) => list.map((f) => code(f.qualname, 60)).join(', ')
  const others = [
    added.length > 0 ? `Added: ${names(added)}.` : '',
    removed.length > 0 ? `Removed: ${names(removed)}.` : '',
  ].filter(Boolean)
  const intro =
    functions.length > 0
      ? `${plural(functions.length, 'profiled function')} compiled to different bytecode, hottest first. ` +
        'Offsets and line numbers are left out, so only real changes show.'
      : 'No profiled function compiled to different bytecode.'
  const heading = `### Bytecode changes\n\n${[intro, ...others].join(' ')}`
  if (functions.length === 0) return [block('bytecode changes', '', heading, importance)]
  const noun = markdownNoun(verdict.head.categories ?? verdict.base?.categories)
  return functions.map((f, i) => {
    const prefix = i === 0 ? `${heading}\n\n` : ''
    return {
      group: 'bytecode diffs of',
      name: code(f.qualname, 60),
      variants: sections(f, context, noun).map((section) => prefix + section),
      importance: floor + (importance - floor) / (i + 1),
      required: false,
    }
  })
}
