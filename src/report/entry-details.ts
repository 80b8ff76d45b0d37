// Per entry, a collapsible section: why the gate decided what it did, the functions whose own time, calls or
// executed instructions changed most, the allocation sites that grew, and the error of an entry that failed.
import { markdownTable } from 'markdown-table'
import { functionKey, type AllocationSite, type FunctionRow, type ResultsEntry } from '../results.js'
import type { EntryVerdict } from '../verdict.js'
import type { Block } from './blocks.js'
import type { ReportContext } from './context.js'
import { code, codeBlock, link, prose, shorten } from './escape.js'
import { bytes, count, duration, ownTimeNote, percent, relative, signed, transition } from './format.js'
import { sourceUrl } from './links.js'
import { ENTRY_MARK, METRIC_MARK } from './marks.js'
import { reasonText } from './reasons.js'

interface FunctionChange {
  qualname: string
  filename: string
  lineno: number
  base: FunctionRow | undefined
  head: FunctionRow | undefined
  baseInstructions: number | undefined
  headInstructions: number | undefined
  score: number
}

interface Named {
  filename: string
  qualname: string
  lineno: number
}

function rowsByKey(entry: ResultsEntry | null): Map<string, FunctionRow> {
  return new Map((entry?.profile?.functions ?? []).map((row) => [functionKey(row), row]))
}

function instructionsByKey(entry: ResultsEntry | null): Map<string, Named & { count: number }> {
  return new Map((entry?.instructions?.functions ?? []).map((f) => [functionKey(f), f]))
}

/**
 * Functions ranked by how much of the entry their change accounts for: own time as a share of the entry's profiled
 * time; a change in calls weighted by the function's share of the time; a change in executed instructions as a
 * share of the entry's instructions. Calls and instructions are exact, so any change in them is shown; own time of
 * one profiled call is noisy, so it counts only when the entry's time changed, and from half a percent of it.
 */
/**
 * Whether head's functions and sites are told against a base: only when the base measured. A base that failed (or was
 * refused as measured outside its tree) has no functions, and everything of head's would read as new.
 */
export function comparedWithBase(entry: EntryVerdict): boolean {
  return entry.base?.status === 'ok'
}

export function functionChanges(entry: EntryVerdict): FunctionChange[] {
  const base = rowsByKey(entry.base)
  const head = rowsByKey(entry.head)
  const baseInstr = instructionsByKey(entry.base)
  const headInstr = instructionsByKey(entry.head)
  const total = Math.max(entry.head?.profile?.tree.total_ns ?? 0, entry.base?.profile?.tree.total_ns ?? 0, 1)
  const executed = Math.max(entry.head?.instructions?.total ?? 0, entry.base?.instructions?.total ?? 0, 1)
  // When the entry's time did not change, own-time differences of one profiled call are noise, not findings.
  const timeMoved = entry.metrics.some(
    (m) => m.metric === 'time' && (m.status === 'regression' || m.status === 'improvement'),
  )
  const changes: FunctionChange[] = []
  for (const k of new Set([...base.keys(), ...head.keys(), ...baseInstr.keys(), ...headInstr.keys()])) {
    const b = base.get(k)
    const h = head.get(k)
    const bi = baseInstr.get(k)?.count
    const hi = headInstr.get(k)?.count
    const { filename, qualname, lineno } = (h ?? b ?? headInstr.get(k) ?? baseInstr.get(k)) as Named
    const ownShare = Math.abs((h?.own_ns ?? 0) - (b?.own_ns ?? 0)) / total
    const callsDelta = Math.abs((h?.calls ?? 0) - (b?.calls ?? 0))
    const timeShare = Math.max(h?.own_ns ?? 0, b?.own_ns ?? 0) / total
    const callsScore = (callsDelta / Math.max(h?.calls ?? 0, b?.calls ?? 0, 1)) * timeShare
    const instructionsDelta = Math.abs((hi ?? 0) - (bi ?? 0))
    const exact = callsDelta !== 0 || instructionsDelta !== 0
    if (!exact && (!timeMoved || ownShare < 0.005)) continue
    changes.push({
      qualname,
      filename,
      lineno,
      base: b,
      head: h,
      baseInstructions: bi,
      headInstructions: hi,
      score: Math.max(ownShare, callsScore, instructionsDelta / executed),
    })
  }
  return changes.sort((x, y) => y.score - x.score || x.qualname.localeCompare(y.qualname))
}

/** base → head (±change), for a pair of optional values. */
export function delta(
  base: number | undefined,
  head: number | undefined,
  render: (n: number) => string,
  compared = false,
): string {
  if (base === undefined && head === undefined) return ''
  const change = relative(base, head)
  const diff = base !== undefined && head !== undefined && base !== head ? signed(head - base, render) : ''
  const extra = change !== null && diff ? ` (${diff}, ${percent(change)})` : diff ? ` (${diff})` : ''
  return `${transition(base ?? null, head ?? null, render, compared)}${extra}`
}

export function functionName(
  qualname: string,
  filename: string,
  lineno: number | null | undefined,
  context: ReportContext,
  last?: number | null,
): string {
  // The profiler files built-in functions under "~" (as cProfile does): they have no source to point to.
  if (filename === '~') return code(qualname, 80)
  const where = code(`${filename}:${lineno ?? '?'}`, 80)
  const url = sourceUrl(context, filename, lineno, last)
  return `${code(qualname, 80)} ${url ? link(where, url) : where}`
}

function functionTable(changes: FunctionChange[], limit: number, context: ReportContext, compared: boolean): string {
  const withInstructions = changes.some((c) => c.baseInstructions !== undefined || c.headInstructions !== undefined)
  const header = ['Function', 'Own time', 'Calls']
  if (withInstructions) header.push('Instructions')
  const rows = changes.slice(0, limit).map((c) => {
    const row = [
      functionName(c.qualname, c.filename, c.lineno, context),
      delta(c.base?.own_ns, c.head?.own_ns, duration, compared),
      delta(c.base?.calls, c.head?.calls, count, compared),
    ]
    if (withInstructions) row.push(delta(c.baseInstructions, c.headInstructions, count, compared))
    return row
  })
  const more = changes.length - rows.length
  const table = markdownTable([header, ...rows], { align: ['l', 'r', 'r', 'r'], alignDelimiters: false })
  const what = compared ? 'changed functions' : 'functions'
  return more > 0 ? `${table}\n\n_${more} more ${what} are in the full report._` : table
}

interface SiteChange {
  filename: string
  lineno: number
  base: { size: number; count: number } | undefined
  head: { size: number; count: number } | undefined
  growth: number
}

/** Sites keyed by their most recent frame (where the allocation happened), summed over tracebacks. */
function sitesByLine(sites: AllocationSite[] | undefined): Map<string, { size: number; count: number }> {
  const out = new Map<string, { size: number; count: number }>()
  for (const site of sites ?? []) {
    const frame = site.traceback[0]
    if (!frame) continue
    const k = `${frame.lineno}\u0000${frame.filename}`
    const seen = out.get(k) ?? { size: 0, count: 0 }
    out.set(k, { size: seen.size + site.size_bytes, count: seen.count + site.count })
  }
  return out
}

export function grownSites(entry: EntryVerdict): SiteChange[] {
  // Another Python allocates other objects of other sizes: sites compared across releases would all have changed.
  if (entry.metrics.some((m) => m.metric === 'memory' && m.cause === 'other-python')) return []
  const base = sitesByLine(entry.base?.memory?.top_sites)
  const head = sitesByLine(entry.head?.memory?.top_sites)
  const changes: SiteChange[] = []
  for (const [k, h] of head) {
    const b = base.get(k)
    const growth = h.size - (b?.size ?? 0)
    if (growth <= 0) continue
    const [lineno, filename] = k.split('\u0000') as [string, string]
    changes.push({ filename, lineno: Number(lineno), base: b, head: h, growth })
  }
  return changes.sort((x, y) => y.growth - x.growth)
}

function siteTable(sites: SiteChange[], limit: number, context: ReportContext, compared: boolean): string {
  const rows = sites.slice(0, limit).map((s) => {
    const where = code(`${s.filename}:${s.lineno}`, 100)
    const url = sourceUrl(context, s.filename, s.lineno)
    return [
      url ? link(where, url) : where,
      delta(s.base?.size, s.head?.size, bytes, compared),
      delta(s.base?.count, s.head?.count, count, compared),
    ]
  })
  return markdownTable([['Allocation site', 'Size still alive', 'Blocks'], ...rows], {
    align: ['l', 'r', 'r'],
    alignDelimiters: false,
  })
}

function errorSection(entry: EntryVerdict): string {
  const error = entry.head?.error ?? entry.base?.error
  if (!error) return ''
  const side = entry.head?.error ? 'head' : 'base'
  const phase = error.phase ? ` during ${prose(error.phase, 40)}` : ''
  const text = error.traceback ?? `${error.type}: ${error.message}`
  // The end of a traceback says what went wrong; very long lines (a huge repr) are cut in the middle.
  const tail = text.length > 4000 ? `…\n${text.slice(-4000)}` : text
  const bounded = tail
    .split('\n')
    .map((line) => shorten(line, 500))
    .join('\n')
  // A traceback ends with the message; a timeout's stack dump does not say it.
  const why = bounded.includes(error.message) ? '' : `: ${prose(error.message, 500)}`
  return `**Error on ${side}**${phase}: ${code(error.type, 80)}${why}\n\n${codeBlock(bounded, 'text')}`
}

function summaryLine(entry: EntryVerdict): string {
  const changes = entry.metrics
    .filter((m) => m.change != null && (m.status === 'regression' || m.status === 'improvement'))
    .map((m) => `${m.metric} ${percent(m.change!)}`)
  return `${code(entry.name, 80)} ${ENTRY_MARK[entry.status]}${changes.length ? ` — ${changes.join(', ')}` : ''}`
}

function reasons(entry: EntryVerdict): string {
  return entry.metrics
    .map((m) => ({ m, reason: reasonText(m) }))
    .filter(({ m, reason }) => (m.status !== 'not-measured' || reason !== 'not measured') && reason)
    .map(
      ({ m, reason }) =>
        `- ${METRIC_MARK[m.status] ? `${METRIC_MARK[m.status]} ` : ''}**${m.metric}**: ${prose(reason, 300)}`,
    )
    .join('\n')
}

function render(entry: EntryVerdict, context: ReportContext, functions: number, sites: number): string | null {
  const parts = [reasons(entry), errorSection(entry)]
  // Without a baseline every function and site is new: the same tables, ranked the same way, are what is hottest.
  const compared = comparedWithBase(entry)
  const changes = functionChanges(entry)
  if (changes.length > 0 && functions > 0) {
    const title = compared ? 'Functions that changed most' : 'Hottest functions'
    parts.push(
      `**${title}** (${ownTimeNote(entry.head?.profile?.overhead ?? entry.base?.profile?.overhead)})\n\n${functionTable(changes, functions, context, compared)}`,
    )
  }
  const grown = grownSites(entry)
  if (grown.length > 0 && sites > 0) {
    const title = compared ? 'Allocation sites that grew' : 'Largest allocation sites'
    parts.push(`**${title}**\n\n${siteTable(grown, sites, context, compared)}`)
  }
  const body = parts.filter(Boolean).join('\n\n')
  if (!body) return null
  return `<details>\n<summary>${summaryLine(entry)}</summary>\n\n${body}\n\n</details>`
}

/** One block per entry with something to show; regressed and failed entries outlast the others. */
export function entryDetailBlocks(entries: EntryVerdict[], context: ReportContext, importance: number): Block[] {
  const blocks: Block[] = []
  for (const entry of entries) {
    const variants = [render(entry, context, 10, 5), render(entry, context, 3, 0)].filter(
      (v, i, all): v is string => v !== null && all.indexOf(v) === i,
    )
    if (variants.length === 0) continue
    const urgent = entry.status === 'regression' || entry.status === 'error'
    blocks.push({
      group: 'details of',
      name: code(entry.name, 60),
      variants,
      importance: importance + (urgent ? 5 : 0),
    })
  }
  return blocks
}
