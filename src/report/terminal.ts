// The report for a terminal (the local CLI): the same verdict, pairing and diff the markdown report reads, as plain
// aligned text. No markup, no HTML entities, no chart; colour only where it is wanted (NO_COLOR, FORCE_COLOR, a TTY),
// with the bytecode diff coloured as git colours a diff. Text from measured code is data here too: control
// characters (terminal escape sequences included) are removed and long names shortened.
import { pythonMinor, type Environment } from '../results.js'
import type { Medium } from '../metrics/metric.js'
import type { BaselineInfo, EntryVerdict, Verdict } from '../verdict.js'
import {
  addedAndRemoved,
  changedFunctions,
  diffIndex,
  diffLines,
  instructionMix,
  nounFor,
  textRuns,
  type ChangedFunction,
} from './bytecode.js'
import type { ReportContext } from './context.js'
import { comparedWithBase, delta, functionChanges, grownSites } from './entry-details.js'
import { shorten, singleLine } from './escape.js'
import { bytes, count, duration, ownTimeNote, plural, shortSha, transition } from './format.js'
import { entryCounts, title } from './headline.js'
import { reasonText } from './reasons.js'
import { intervalNote, metricColumns, orderedEntries } from './summary-table.js'

type Env = Readonly<Record<string, string | undefined>>

/**
 * Whether to colour: FORCE_COLOR asks for it (any value but 0 or false), else NO_COLOR (any non-empty value)
 * declines it, else only a terminal gets it.
 */
export function useColor(stream: { isTTY?: boolean }, env: Env): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (env.NO_COLOR) return false
  return stream.isTTY === true
}

const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const
type Style = keyof typeof SGR

/** Data as one line of terminal text: no control characters, at most `max` characters. */
function text(data: string, max = 120): string {
  return shorten(singleLine(data), max)
}

const width = (cell: string): number => Array.from(cell).length

/** Columns padded to their widest cell (`r` right-aligned), two spaces apart, with a rule under the header. */
function table(rows: string[][], align: ('l' | 'r')[]): string[] {
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((row) => width(row[k] ?? ''))))
  const line = (row: string[]) =>
    row
      .map((cell, k) => {
        const pad = ' '.repeat(widths[k]! - width(cell))
        return align[k] === 'r' ? pad + cell : cell + pad
      })
      .join('  ')
      .trimEnd()
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)]
}

class Painter {
  constructor(private readonly color: boolean) {}

  paint(value: string, style: Style): string {
    return this.color && value ? `\u001b[${SGR[style]}m${value}\u001b[0m` : value
  }

  /** A diff line as git colours it: deletions red, additions green, the elided runs as hunk markers. */
  diffLine(line: string): string {
    if (line.startsWith('+')) return this.paint(line, 'green')
    if (line.startsWith('-')) return this.paint(line, 'red')
    if (line.trimStart().startsWith('…')) return this.paint(line, 'cyan')
    return line
  }

  status(status: string): string {
    const style: Style | null =
      status === 'regression' || status === 'error' ? 'red' : status === 'improvement' ? 'green' : null
    return style ? this.paint(status, style) : status
  }
}

function summary(verdict: Verdict, painter: Painter): string[] {
  const entries = orderedEntries(verdict)
  const columns = metricColumns(verdict)
  const medium: Medium = { code: (data, max) => text(data, max), mark: () => '' }
  const header = ['Entry', ...columns.map((c) => c.header(verdict)), 'Status']
  const rows = entries.map((e) => [text(e.name, 60), ...columns.map((c) => c.cell(e, verdict, medium)), e.status])
  // Colour goes on after padding, so escape sequences never count towards a column's width.
  const lines = table([header, ...rows], ['l', ...columns.map((): 'r' => 'r'), 'l']).map((line, i) => {
    const entry = entries[i - 2]
    return entry ? line.replace(new RegExp(`${entry.status}$`), painter.status(entry.status)) : line
  })
  const note = intervalNote(verdict)
  return note ? [...lines, '', note.replace(/^_|_$/g, '')] : lines
}

function entryDetails(entry: EntryVerdict, painter: Painter): string[] {
  const lines: string[] = []
  for (const m of entry.metrics.filter((m) => m.status !== 'not-measured')) {
    const reason = reasonText(m)
    if (reason) lines.push(`  ${m.metric}: ${text(reason, 300)}`)
  }
  const error = entry.head?.error ?? entry.base?.error
  if (error) {
    const tail = (error.traceback ?? '').split('\n').filter(Boolean).slice(-12)
    // A traceback ends with the message: said once (a timeout's stack dump does not say it).
    const said = tail.join('\n').includes(error.message)
    const phase = error.phase ? ` during ${error.phase}` : ''
    const why = said ? error.type : `${error.type}: ${error.message}`
    lines.push(`  ${painter.paint('error', 'red')}${text(phase, 40)}: ${text(why, 1000)}`)
    lines.push(...tail.map((line) => `    ${text(line, 200)}`))
  }
  const compared = comparedWithBase(entry)
  const changes = functionChanges(entry).slice(0, 10)
  if (changes.length > 0) {
    lines.push(
      '',
      `  ${compared ? 'Functions that changed most' : 'Hottest functions'} (${ownTimeNote(entry.head?.profile?.overhead ?? entry.base?.profile?.overhead)}):`,
    )
    const rows = changes.map((c) => [
      text(c.qualname, 60),
      c.filename === '~' ? '(built-in)' : text(`${c.filename}:${c.lineno}`, 60),
      delta(c.base?.own_ns, c.head?.own_ns, duration, compared),
      delta(c.base?.calls, c.head?.calls, count, compared),
      delta(c.baseInstructions, c.headInstructions, count, compared),
    ])
    const header = ['Function', 'Where', 'Own time', 'Calls', 'Instructions']
    lines.push(...table([header, ...rows], ['l', 'l', 'r', 'r', 'r']).map((line) => `  ${line}`))
  }
  const sites = grownSites(entry).slice(0, 5)
  if (sites.length > 0) {
    lines.push('', `  ${compared ? 'Allocation sites that grew' : 'Largest allocation sites'}:`)
    const rows = sites.map((s) => [
      text(`${s.filename}:${s.lineno}`, 80),
      delta(s.base?.size, s.head?.size, bytes, compared),
      delta(s.base?.count, s.head?.count, count, compared),
    ])
    lines.push(...table([['Site', 'Size still alive', 'Blocks'], ...rows], ['l', 'r', 'r']).map((l) => `  ${l}`))
  }
  if (lines.length === 0) return []
  return ['', `${painter.paint(text(entry.name, 80), 'bold')}: ${painter.status(entry.status)}`, ...lines]
}

function functionDiff(f: ChangedFunction, verdict: Verdict, painter: Painter): string[] {
  const noun = nounFor(verdict.head.categories ?? verdict.base?.categories, (words) => text(words, 80))
  const sizes = `${f.diff?.base_count ?? f.base.instructions.length} → ${f.diff?.head_count ?? f.head.instructions.length}`
  const lines = [
    '',
    `${painter.paint(text(f.qualname, 100), 'bold')}  ${text(`${f.filename}:${f.head.firstlineno}`, 100)}  (${sizes} instructions)`,
  ]
  const mix = instructionMix(f, noun)
  lines.push(
    `  instruction mix: ${mix.length > 0 ? mix.join(', ') : 'unchanged; constants, names or jump targets differ'}`,
  )
  for (const usage of f.usage.slice(0, 3))
    lines.push(`  in ${text(usage.entry, 60)}: own time ${transition(usage.baseOwn, usage.headOwn, duration)}`)
  if (!f.diff) return [...lines, '  (the aligned instruction diff was not computed for this run)']
  return [...lines, ...diffLines(textRuns(f.diff.ops), 3, 400).map((line) => `  ${painter.diffLine(line)}`)]
}

function bytecode(verdict: Verdict, context: ReportContext, painter: Painter): string[] {
  if (!verdict.base) return []
  const heading = ['', painter.paint('Bytecode changes', 'bold')]
  if (!verdict.samePython)
    return [
      ...heading,
      `Not compared: base and head ran on Python ${pythonMinor(verdict.base)} and ${pythonMinor(verdict.head)}.`,
    ]
  const functions = changedFunctions(verdict, diffIndex(context.bytecodeDiff))
  const { added, removed } = addedAndRemoved(verdict)
  if (functions.length + added.length + removed.length === 0) return []
  const names = (list: { qualname: string }[]) => list.map((f) => text(f.qualname, 60)).join(', ')
  if (added.length > 0) heading.push(`Added: ${names(added)}.`)
  if (removed.length > 0) heading.push(`Removed: ${names(removed)}.`)
  return [...heading, ...functions.flatMap((f) => functionDiff(f, verdict, painter))]
}

function environment(env: Environment): string {
  return `${text(env.implementation, 40)} ${text(env.python_version, 40)} on ${text(env.platform, 100)}`
}

export function renderTerminal(
  verdict: Verdict,
  baseline: BaselineInfo | null,
  context: ReportContext,
  options: { color: boolean },
): string {
  const painter = new Painter(options.color)
  const mark = verdict.result === 'fail' ? painter.paint('FAIL', 'red') : verdict.result.toUpperCase()
  const against = baseline?.commit
    ? `, compared with ${text(shortSha(baseline.commit), 40)}`
    : baseline
      ? ', compared with the baseline'
      : ''
  const lines = [
    `${painter.paint('bytescope', 'bold')}: ${mark} — ${title(verdict)}`,
    `${entryCounts(verdict)
      .map(([n, what]) => `${n} ${what}`)
      .join(', ')} across ${plural(verdict.entries.length, 'entry', 'entries')}${against}.`,
  ]
  if (verdict.result === 'no-baseline') lines.push('No baseline: nothing was compared, so nothing could regress.')
  lines.push('', ...summary(verdict, painter))
  lines.push(...verdict.entries.flatMap((entry) => entryDetails(entry, painter)))
  lines.push(...bytecode(verdict, context, painter))
  const base = verdict.base?.environment
  lines.push(
    '',
    base
      ? `Base: ${environment(base)}. Head: ${environment(verdict.head.environment)}.`
      : `Measured on ${environment(verdict.head.environment)}.`,
  )
  if (context.reproduceCommand) lines.push(`Reproduce: ${context.reproduceCommand}`)
  return `${lines.join('\n')}\n`
}
