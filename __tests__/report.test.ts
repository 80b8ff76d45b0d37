// The markdown report rendered from a verdict: content, escaping of hostile data, and size bounding. Markdown is
// checked by rendering it with micromark's CommonMark + GFM implementation (raw HTML let through, as GitHub's parser
// does before sanitising), so "renders safely" means what a reader would see, not a string match.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { compareEnvironments } from '../src/environment.js'
import { gate } from '../src/gate.js'
import { renderReport, type BytecodeDiffReport, type FunctionChange, type ReportContext } from '../src/report/index.js'
import { parseResults, type CapturedFunction, type Results, type ResultsEntry } from '../src/results.js'
import type { BaselineInfo, EntryVerdict, MetricComparison, Verdict } from '../src/verdict.js'
import { githubContext, HEAD_SHA } from './support/report-context.js'

const html = (markdown: string): string =>
  micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })

// -- builders ---------------------------------------------------------------------------------------------------

const BASE_SHA = 'ba5eba11ba5eba11ba5eba11ba5eba11ba5eba11'

function results(commit: string, python = '3.12.1', platform = 'Linux-6.5.0-x86_64-with-glibc2.35'): Results {
  return {
    schema_version: 1,
    bytescope_version: '0.1.0',
    created_at: '2026-11-20T12:00:00Z',
    environment: {
      python_version: python,
      implementation: 'CPython',
      executable: '/usr/bin/python3',
      platform,
      cpu_count: 2,
      commit,
    },
    settings: { repeat: 20, warmup: 3, timeout: 300, memory: true, instructions: true },
    categories: captured.categories,
    entries: [],
  }
}

interface EntrySpec {
  name: string
  medianNs: number
  peak?: number
  allocations?: number
  executed?: number
  functions?: { qualname: string; filename?: string; own: number; calls: number; executed?: number }[]
  sites?: { filename: string; lineno: number; size: number; count: number }[]
  captured?: CapturedFunction[]
  error?: { type: string; message: string; traceback: string | null }
}

function entry(spec: EntrySpec): ResultsEntry {
  const functions = (spec.functions ?? []).map((f) => ({
    qualname: f.qualname,
    filename: f.filename ?? 'shop/cart.py',
    lineno: 10,
    calls: f.calls,
    primitive_calls: f.calls,
    own_ns: f.own,
    total_ns: f.own,
  }))
  const total = functions.reduce((sum, f) => sum + f.own_ns, 0) || spec.medianNs
  return {
    name: spec.name,
    target: `shop.bench:${spec.name}`,
    status: spec.error ? 'error' : 'ok',
    error: spec.error ? { ...spec.error, phase: 'timing' } : null,
    time: spec.error
      ? null
      : {
          samples_ns: [spec.medianNs],
          cpu_samples_ns: [spec.medianNs],
          median_ns: spec.medianNs,
          mean_ns: spec.medianNs,
          min_ns: spec.medianNs,
          stdev_ns: 0,
          mad_ns: 0,
        },
    memory:
      spec.peak === undefined
        ? null
        : {
            peak_bytes: spec.peak,
            allocated_bytes: spec.peak * 2,
            allocations: spec.allocations ?? 100,
            top_sites: (spec.sites ?? []).map((s) => ({
              size_bytes: s.size,
              count: s.count,
              traceback: [{ filename: s.filename, lineno: s.lineno }],
            })),
          },
    instructions:
      spec.executed === undefined
        ? null
        : {
            total: spec.executed,
            method: 'sys.monitoring',
            functions: (spec.functions ?? [])
              .filter((f) => f.executed !== undefined)
              .map((f) => ({
                qualname: f.qualname,
                filename: f.filename ?? 'shop/cart.py',
                lineno: 10,
                count: f.executed!,
              })),
          },
    profile: {
      schema_version: 1,
      clock: 'wall',
      functions,
      tree: { name: '<root>', filename: '', lineno: 0, calls: 1, own_ns: 0, total_ns: total, children: [] },
    },
    functions: spec.captured ?? [],
  }
}

function metric(m: Partial<MetricComparison> & Pick<MetricComparison, 'metric'>): MetricComparison {
  const change = m.base != null && m.head != null ? (m.head - m.base) / m.base : null
  return { status: 'unchanged', base: null, head: null, change, threshold: 0.1, ...m }
}

function entryVerdict(
  name: string,
  status: EntryVerdict['status'],
  base: ResultsEntry | null,
  head: ResultsEntry | null,
): EntryVerdict {
  const time = metric({
    metric: 'time',
    status: status === 'regression' ? 'regression' : status === 'improvement' ? 'improvement' : 'unchanged',
    base: base?.time?.median_ns ?? null,
    head: head?.time?.median_ns ?? null,
    ci: { low: 0.05, high: 0.2, level: 0.95, covers: 'calls' },
    clock: 'wall',
    statistic: 'median',
    pValue: 0.001,
    significance: 0.05,
    compared: { base: 30, head: 30 },
  })
  const spread = (peak: number | undefined) =>
    peak === undefined ? undefined : { peaks: [peak], min: peak, max: peak, exact: true }
  const memory = metric({
    metric: 'memory',
    base: base?.memory?.peak_bytes ?? null,
    head: head?.memory?.peak_bytes ?? null,
    baseSpread: spread(base?.memory?.peak_bytes),
    headSpread: spread(head?.memory?.peak_bytes),
    judgement: { status: 'unchanged', rule: 'within' },
  })
  const instructions = metric({
    metric: 'instructions',
    base: base?.instructions?.total ?? null,
    head: head?.instructions?.total ?? null,
  })
  if (time.change === null) Object.assign(time, { ci: null, unavailable: { why: base ? 'new-entry' : 'no-baseline' } })
  if (!memory.baseSpread) memory.unavailable = { why: 'no-baseline' }
  return { name, status, base, head, metrics: [time, memory, instructions] }
}

function verdict(entries: EntryVerdict[], base: Results | null, head: Results): Verdict {
  const regressions = entries.filter((e) => e.status === 'regression').length
  return {
    result: base === null ? 'no-baseline' : regressions > 0 ? 'fail' : 'pass',
    entries,
    regressions,
    improvements: entries.filter((e) => e.status === 'improvement').length,
    unchanged: entries.filter((e) => e.status === 'unchanged').length,
    samePython:
      base === null || base.environment.python_version.split('.')[1] === head.environment.python_version.split('.')[1],
    environment: base && compareEnvironments(base.environment, head.environment),
    head: { ...head, entries: entries.flatMap((e) => (e.head ? [e.head] : [])) },
    base: base && { ...base, entries: entries.flatMap((e) => (e.base ? [e.base] : [])) },
  }
}

const context = githubContext()

const baseline: BaselineInfo = { source: 'artifact', location: 'bytescope-baseline', commit: BASE_SHA, behindBy: 2 }

// Real normalised instructions and a real aligned diff from the Python visualizer (one diff algorithm).
const BASE_SOURCE = `
def total(items):
    s = 0
    for item in items:
        s += item.price
    return s

def discount(x):
    return x * 0.9
`
const HEAD_SOURCE = `
def total(items):
    s = 0
    for item in items:
        s += item.price * item.qty.value
    return s

def discount(x):
    if x > 100:
        return x * 0.8
    return x * 0.9
`

interface Captured {
  base: Record<string, CapturedFunction>
  head: Record<string, CapturedFunction>
  diff: BytecodeDiffReport
  categories: Results['categories']
}
let captured: Captured

beforeAll(() => {
  const script = `
import hashlib, json, sys
from bytescope.bytecode.diff import diff_sources
from bytescope.bytecode.normalize import normalize_module, count_categories
from bytescope.bytecode.source import compile_source
from bytescope.harness.results import category_words
base, head = sys.argv[1], sys.argv[2]
def captured(src):
    out = {}
    for q, instrs in normalize_module(compile_source(src, "shop/cart.py")).items():
        blob = json.dumps([[i["opname"], i["argrepr"], i["label"]] for i in instrs])
        out[q] = {"qualname": q, "filename": "shop/cart.py", "firstlineno": 2, "lastlineno": 6,
                  "hash": hashlib.sha256(blob.encode()).hexdigest(), "instructions": instrs,
                  "category_counts": count_categories(instrs)}
    return out
b, h = captured(base), captured(head)
changes = [{"qualname": f["qualname"], "filename": "shop/cart.py", "status": f["status"],
            "base_hash": b[f["qualname"]]["hash"], "head_hash": h[f["qualname"]]["hash"], "diff": f}
           for f in diff_sources(base, head).to_dict()["functions"] if f["status"] != "unchanged"]
# The shape of \`python -m bytescope diff BASE.json HEAD.json --json\`.
diff = {"same_python": True, "notice": None, "entries": [{"name": "checkout", "status": "compared", "functions": changes}]}
print(json.dumps({"base": b, "head": h, "diff": diff, "categories": category_words()}))
`
  const out = execFileSync('/root/.pyenv/versions/3.12.1/bin/python3', ['-c', script, BASE_SOURCE, HEAD_SOURCE], {
    env: { ...process.env, PYTHONPATH: 'python' },
    encoding: 'utf8',
  })
  captured = JSON.parse(out) as Captured
})

function regressionVerdict(options: { basePython?: string; names?: [string, string] } = {}): Verdict {
  const [slow, steady] = options.names ?? ['checkout', 'search']
  const functions = (totalOwn: number, calls: number, executed: number) => [
    { qualname: 'total', own: totalOwn, calls: 1, executed },
    { qualname: 'discount', own: 50_000, calls, executed: calls * 4 },
    { qualname: 'format_price', filename: 'shop/money.py', own: 10_000, calls: 5 },
  ]
  const baseCheckout = entry({
    name: slow,
    medianNs: 1_000_000,
    peak: 100_000,
    allocations: 120,
    executed: 5000,
    functions: functions(700_000, 10, 3000),
    sites: [{ filename: 'shop/cart.py', lineno: 5, size: 1000, count: 10 }],
    captured: [captured.base.total!, captured.base.discount!],
  })
  const headCheckout = entry({
    name: slow,
    medianNs: 1_130_000,
    peak: 101_000,
    allocations: 130,
    executed: 5600,
    functions: functions(820_000, 12, 3600),
    sites: [
      { filename: 'shop/cart.py', lineno: 5, size: 5000, count: 40 },
      { filename: 'shop/money.py', lineno: 3, size: 2048, count: 2 },
    ],
    captured: [captured.head.total!, captured.head.discount!],
  })
  const baseSearch = entry({ name: steady, medianNs: 500_000, peak: 50_000, executed: 900 })
  const headSearch = entry({ name: steady, medianNs: 505_000, peak: 50_000, executed: 900 })
  return verdict(
    [
      entryVerdict(slow, 'regression', baseCheckout, headCheckout),
      entryVerdict(steady, 'unchanged', baseSearch, headSearch),
    ],
    results(BASE_SHA, options.basePython),
    results(HEAD_SHA),
  )
}

const withDiff = (): ReportContext => ({ ...context, bytecodeDiff: captured.diff })

// -- content ----------------------------------------------------------------------------------------------------

describe('report content', () => {
  it('leads with the verdict and the counts', () => {
    const { markdown, omitted } = renderReport(regressionVerdict(), baseline, withDiff())
    expect(omitted).toEqual([])
    const first = markdown.split('\n')[0]!
    expect(first).toMatch(/^## 🔴 bytescope: 1 performance regression$/)
    expect(markdown).toContain('**1** regressed · **0** improved · **1** unchanged across 2 entries')
    expect(markdown).toContain('<code>ba5eba1</code>')
  })

  it('has one table row per entry with time, CI, memory, allocations, instructions and status', () => {
    const rendered = html(renderReport(regressionVerdict(), baseline, withDiff()).markdown)
    const table = rendered.slice(rendered.indexOf('<table>'), rendered.indexOf('</table>'))
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
      [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!),
    )
    expect(rows[0]).toEqual([
      'Entry',
      'Wall time (median)',
      'Time change',
      'Peak memory',
      'Allocations',
      'Instructions',
      'Status',
    ])
    expect(rows).toHaveLength(3)
    const checkout = rows[1]!
    expect(checkout[0]).toBe('<code>checkout</code>')
    expect(checkout[1]).toBe('1.00 ms → 1.13 ms')
    expect(checkout[2]).toBe('🔴 +13.0% (within-run 95% CI +5.0% … +20.0%)')
    // a change the gate did not count reads "unchanged", whatever its sign
    expect(checkout[3]).toBe('97.7 KiB → 98.6 KiB (unchanged)')
    expect(checkout[4]).toBe('120 → 130 (+8.3%)')
    expect(checkout[5]).toBe('5,000 → 5,600 (+12.0%)')
    expect(checkout[6]).toBe('🔴 regression')
    expect(rows[2]![6]).toBe('⚪ unchanged')
    // Said once, right under the table: what a within-run interval does not cover.
    const after = rendered.slice(rendered.indexOf('</table>'))
    expect(after.match(/Within-run intervals/g)).toHaveLength(1)
    expect(after).toMatch(/^<\/table>\s*<p><em>Within-run intervals and p-values cover the variation between the calls/)
  })

  it('details the functions that changed most and the allocation sites that grew', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    const details = markdown.slice(markdown.indexOf('<summary><code>checkout</code>'))
    const section = details.slice(0, details.indexOf('</details>'))
    expect(section).toContain('**time**: wall median 1.00 ms → 1.13 ms, +13.0%')
    const functionRows = section.split('\n').filter((l) => l.startsWith('| <code>'))
    // total: own time +17% of the entry; discount: calls 10 -> 12; format_price unchanged and left out.
    expect(functionRows[0]).toContain('<code>total</code>')
    expect(functionRows[0]).toContain('700 µs → 820 µs (+120 µs, +17.1%)')
    expect(functionRows[0]).toContain('3,000 → 3,600')
    expect(functionRows[1]).toContain('<code>discount</code>')
    expect(functionRows[1]).toContain('10 → 12 (+2, +20.0%)')
    expect(section).not.toContain('format_price')
    expect(section).toContain('**Allocation sites that grew**')
    const siteRows = section
      .slice(section.indexOf('Allocation site'))
      .split('\n')
      .filter((l) => l.startsWith('| ['))
    expect(siteRows[0]).toContain('shop/cart.py:5')
    expect(siteRows[0]).toContain('1000 B → 4.88 KiB')
    expect(siteRows[1]).toContain('shop/money.py:3')
    // A site that is new on head says so: nothing on base.
    expect(siteRows[1]).toContain('— → 2.00 KiB')
    expect(siteRows[0]).toContain(`https://github.com/octo-org/octo-repo/blob/${HEAD_SHA}/shop/cart.py#L5`)
  })

  it('shows the aligned bytecode diff of changed functions, hottest first, with category deltas in words', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    const section = markdown.slice(markdown.indexOf('### Bytecode changes'))
    expect(section).toContain('2 profiled functions compiled to different bytecode')
    // total takes 82% of the entry's time, discount 6%: total first.
    expect(section.indexOf('<summary><code>total</code>')).toBeLessThan(
      section.indexOf('<summary><code>discount</code>'),
    )
    const total = section.slice(section.indexOf('<summary><code>total</code>'), section.indexOf('</details>'))
    const counts = captured.diff.entries[0]!.functions!.find((f) => f.qualname === 'total')!.diff
    expect(total).toContain(`${counts.base_count} → ${counts.head_count} instructions, own time +17.1%`)
    expect(total).toContain('+2 attribute accesses inside a loop')
    expect(total).toContain('+1 arithmetic operation inside a loop')
    expect(total).toContain(`https://github.com/octo-org/octo-repo/blob/${HEAD_SHA}/shop/cart.py#L2-L6`)
    const diff = total.slice(total.indexOf('```diff'), total.lastIndexOf('```') + 3)
    const added = diff.split('\n').filter((l) => l.startsWith('+'))
    expect(added.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\+ LOAD_ATTR .*qty/),
        expect.stringMatching(/^\+ LOAD_ATTR .*value/),
      ]),
    )
    // No offsets or line numbers: every diff line is a marker, an optional label, an opname and its argument.
    for (const line of diff.split('\n').slice(1, -1)) {
      expect(line).toMatch(/^[ +-]\s*(L\d+:)?\s*([A-Z_]+|…)/)
    }
    expect(total).toContain('in <code>checkout</code>: own time 700 µs → 820 µs (+17.1%)')
    expect(total).toContain('executed instructions 3,000 → 3,600 (+20.0%)')
  })

  it('falls back to category deltas from the results when the diff was not computed, and says so', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, context)
    expect(markdown).toContain('+2 attribute accesses')
    expect(markdown).not.toContain('inside a loop')
    expect(markdown).toContain('_The aligned instruction diff was not computed for this run._')
  })

  it('counts categories in the words the results carry from the Python registry, escaped', () => {
    const v = regressionVerdict()
    v.head = {
      ...v.head,
      categories: { ...v.head.categories, attribute: { title: 't', singular: 'x', plural: 'lookups <b>*' } },
    }
    const { markdown } = renderReport(v, baseline, withDiff())
    expect(markdown).toContain('+2 lookups &#60;b&#62;&#42; inside a loop')
    expect(markdown).not.toContain('attribute access')
  })

  it('names a category the results carry no words for after the category itself', () => {
    const v = regressionVerdict()
    v.head = { ...v.head, categories: undefined }
    v.base = v.base && { ...v.base, categories: undefined }
    const { markdown } = renderReport(v, baseline, withDiff())
    expect(markdown).toContain('+2 <code>attribute</code> instructions inside a loop')
  })

  it('ends with environments, the baseline commit, the run link and the reproduce command', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    const footer = markdown.slice(markdown.lastIndexOf('\n---\n'))
    expect(footer).toContain('Base: CPython <code>3.12.1</code>')
    expect(footer).not.toContain('[!WARNING]')
    expect(footer).toContain(`[<code>ba5eba1</code>](https://github.com/octo-org/octo-repo/commit/${BASE_SHA})`)
    expect(footer).toContain('2 commits behind the base branch')
    expect(footer).toContain('[Workflow run](https://github.com/octo-org/octo-repo/actions/runs/42)')
    expect(footer).toContain('```sh\nnpx bytescope --baseline-path base.json\n```')
  })

  it('warns when base and head ran on different Pythons', () => {
    const { markdown } = renderReport(regressionVerdict({ basePython: '3.11.7' }), baseline, withDiff())
    expect(markdown).toContain('> - Python build: <code>CPython 3.11.7</code> → <code>CPython 3.12.1</code>')
    expect(markdown).toContain(
      'Base and head ran different Python versions: time, memory, allocations and executed instructions are not compared',
    )
    expect(markdown).toContain('Not compared: base and head ran on Python 3.11 and 3.12')
    expect(markdown).not.toContain('```diff')
  })

  it('says plainly when there is no baseline', () => {
    const v = regressionVerdict()
    const noBase = verdict(
      v.entries.map((e) => entryVerdict(e.name, 'new', null, e.head)),
      null,
      v.head,
    )
    const { markdown } = renderReport(noBase, null, context)
    expect(markdown.split('\n')[0]).toBe('## ℹ️ bytescope: No baseline to compare with')
    expect(markdown).toContain('Nothing was compared')
    expect(markdown).not.toContain('Bytecode changes')
    // Nothing changed or grew: there was nothing before. The head's own numbers are what is hot.
    expect(markdown).not.toContain('changed most')
    expect(markdown).not.toContain('that grew')
    const details = markdown.slice(markdown.indexOf('<summary><code>checkout</code>'))
    expect(details).toContain(
      "**Hottest functions** (own time from one profiled call, including the profiler's overhead)",
    )
    expect(details).toMatch(/\| <code>total<\/code> .*\| 820 µs \| 1 \| 3,600 \|/)
    expect(details).toContain('**Largest allocation sites**')
  })

  it('draws a mermaid chart of per-entry time change when two or more entries were compared', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    expect(markdown).toContain('```mermaid\nxychart-beta')
    expect(markdown).toContain('x-axis ["checkout", "search"]')
    expect(markdown).toContain('bar [113.0, 101.0]')
    expect(renderReport(regressionVerdict(), baseline, { ...withDiff(), chart: false }).markdown).not.toContain(
      'mermaid',
    )
  })

  it('shows the error of an entry that failed to run', () => {
    const failing = entry({
      name: 'broken',
      medianNs: 0,
      error: {
        type: 'ZeroDivisionError',
        message: 'division by zero',
        traceback: 'Traceback:\n  ...\nZeroDivisionError: division by zero',
      },
    })
    const v = regressionVerdict()
    v.entries.push(entryVerdict('broken', 'error', null, failing))
    const { markdown } = renderReport(v, baseline, withDiff())
    expect(markdown).toContain('**1** failed to run')
    expect(markdown).toContain('**Error on head** during timing: <code>ZeroDivisionError</code>')
    expect(markdown).toContain('```text\nTraceback:\n  ...\nZeroDivisionError: division by zero\n```')
  })
})

// -- hostile data -----------------------------------------------------------------------------------------------

const HOSTILE = [
  'a|b\\|c',
  '```js\nalert(1)\n```',
  '`x` ``y``',
  '<!-- bytescope-comment key= --> -->',
  '@org/team and @someone please look #1',
  '<img src=x onerror=alert(1)><script>alert(2)</script>',
  '</code></summary></details></td></table>',
  '[click](javascript:alert(1)) ![x](http://t/x.png)',
  '$x^2$ **bold** _it_ ~~gone~~ <b>b</b>',
  'line1\n| injected | row |\n\n# heading',
  '名前 ∑ café 🚀 \u202eevil\u202c',
  'x'.repeat(10_000),
]

function hostileVerdict(hostile: string): { verdict: Verdict; context: ReportContext } {
  // Every name the report shows becomes hostile: entry names, qualnames, file paths, argument reprs, errors.
  const replacements: [string, string][] = [
    ['"checkout"', JSON.stringify(`checkout ${hostile}`)],
    ['"total"', JSON.stringify(`total ${hostile}`)],
    ['"shop/cart.py"', JSON.stringify(`shop/${hostile}.py`)],
    ['"price"', JSON.stringify(hostile)],
  ]
  const rewrite = <T>(value: T): T => {
    let text = JSON.stringify(value)
    for (const [from, to] of replacements) text = text.replaceAll(from, to)
    return JSON.parse(text) as T
  }
  const v = rewrite(regressionVerdict())
  const failing = entry({ name: hostile, medianNs: 0, error: { type: hostile, message: hostile, traceback: hostile } })
  v.entries.push(entryVerdict(hostile, 'error', null, failing))
  return {
    verdict: v,
    context: { ...withDiff(), bytecodeDiff: rewrite(captured.diff), commentKey: hostile, artifactName: hostile },
  }
}

const decodeEntities = (text: string): string =>
  text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))

/** The HTML outside code: what GitHub would scan for mentions and references. */
const outsideCode = (rendered: string): string =>
  rendered.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '')

describe('hostile names', () => {
  it.each(HOSTILE.map((h) => [h.slice(0, 40), h]))('render as text: %j', (_, hostile) => {
    const { verdict: v, context: ctx } = hostileVerdict(hostile)
    const { markdown } = renderReport(v, baseline, ctx)
    const rendered = html(markdown)
    // No markup from data: no elements or comments but the ones the report writes itself.
    const tags = new Set([...rendered.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()))
    for (const tag of tags) {
      expect([
        'h2',
        'h3',
        'p',
        'strong',
        'em',
        'code',
        'pre',
        'a',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'ul',
        'li',
        'details',
        'summary',
        'blockquote',
        'hr',
      ]).toContain(tag)
    }
    expect(rendered).not.toContain('<!--')
    expect(rendered).not.toMatch(/href="javascript/i)
    expect(rendered).not.toContain('<img')
    expect(rendered).not.toContain('<del>')
    // Mentions and references only inside code, where GitHub links nothing.
    expect(outsideCode(rendered)).not.toMatch(/@(org|someone)|#1\b/)
    // Structure intact: every table row has the header's cells, every details closes, one heading per section.
    for (const table of rendered.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
      const widths = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(
        (row) => (row[1]!.match(/<t[hd][ >]/g) ?? []).length,
      )
      expect(new Set(widths).size).toBe(1)
    }
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
    expect((rendered.match(/<h1>/g) ?? []).length).toBe(0)
    expect((rendered.match(/<h3>/g) ?? []).length).toBe(1)
    // Code blocks hold: two diffs, the chart, the error and the reproduce command, which still ends the report.
    expect((rendered.match(/<pre>/g) ?? []).length).toBe(5)
    expect((rendered.match(/<pre><code class="language-diff">/g) ?? []).length).toBe(2)
    expect(rendered).toMatch(
      /<pre><code class="language-sh">npx bytescope --baseline-path base.json\n<\/code><\/pre>\n$/,
    )
    // Long names are shortened; no line grows without bound.
    expect(Math.max(...markdown.split('\n').map((l) => l.length))).toBeLessThan(3000)
  })

  it('keeps non-ASCII names readable and drops bidi overrides', () => {
    const { verdict: v, context: ctx } = hostileVerdict('名前 ∑ café 🚀 \u202eevil\u202c')
    const { markdown } = renderReport(v, baseline, ctx)
    expect(markdown).toContain('<code>checkout 名前 ∑ café 🚀 evil</code>')
    expect(markdown).not.toMatch(/[\u202a-\u202e]/)
  })

  it('links source files with the path percent-encoded', () => {
    const { verdict: v, context: ctx } = hostileVerdict('a b)(c')
    const { markdown } = renderReport(v, baseline, ctx)
    expect(markdown).toContain(`/blob/${HEAD_SHA}/shop/a%20b%29%28c.py#L2-L6`)
  })
})

// -- size -------------------------------------------------------------------------------------------------------

function hugeVerdict(functionCount: number, entryCount: number): { verdict: Verdict; context: ReportContext } {
  const v = regressionVerdict()
  const changes: FunctionChange[] = []
  const checkout = v.entries[0]!
  const total = captured.diff.entries[0]!.functions!.find((f) => f.qualname === 'total')!
  for (let i = 0; i < functionCount; i++) {
    const qualname = `generated_${i}`
    const rename = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replaceAll('"total"', JSON.stringify(qualname))) as T
    const base = rename(captured.base.total!)
    const head = rename(captured.head.total!)
    head.hash = `${head.hash}${i}`
    // A long function: the real diff repeated, so each section is large.
    const change = rename(total)
    change.diff.ops = Array.from({ length: 8 }, () => change.diff.ops).flat()
    checkout.base!.functions.push(base)
    checkout.head!.functions.push(head)
    checkout.head!.profile!.functions.push({ ...checkout.head!.profile!.functions[0]!, qualname, own_ns: 1000 + i })
    changes.push(change)
  }
  for (let i = 0; i < entryCount; i++) {
    const e = entry({ name: `entry_${i}`, medianNs: 1000, peak: 10 })
    v.entries.push(entryVerdict(e.name, 'unchanged', e, e))
  }
  const diff: BytecodeDiffReport = { entries: [{ name: 'checkout', status: 'compared', functions: changes }] }
  return { verdict: v, context: { ...withDiff(), bytecodeDiff: diff } }
}

describe('size bounding', () => {
  it('keeps a huge report under the comment limit, whole blocks only, and says what was left out', () => {
    const { verdict: v, context: ctx } = hugeVerdict(300, 0)
    const full = renderReport(v, baseline, ctx, { maxLength: 10_000_000 })
    expect(full.markdown.length).toBeGreaterThan(300_000)
    expect(full.omitted).toEqual([])
    const bounded = renderReport(v, baseline, ctx)
    const markdown = decodeEntities(bounded.markdown)
    const omitted = bounded.omitted.map(decodeEntities)
    expect(bounded.markdown.length).toBeLessThanOrEqual(65_536)
    expect(bounded.markdown.length).toBeGreaterThan(50_000)
    // The coldest functions go first, and the note counts them; the hottest keep their full diff.
    const dropped = omitted.find((o) => o.startsWith('bytecode diffs of'))!
    const [, listed, more] = /^bytecode diffs of (.*) and (\d+) more$/.exec(dropped)!
    const listedNumbers = [...listed!.matchAll(/generated_(\d+)/g)].map((m) => Number(m[1]))
    const keptNumbers = [...markdown.matchAll(/<summary><code>generated_(\d+)<\/code>/g)].map((m) => Number(m[1]))
    expect(listedNumbers).toHaveLength(5)
    expect(keptNumbers.length + listedNumbers.length + Number(more)).toBe(300)
    expect(Math.min(...keptNumbers)).toBeGreaterThan(Math.max(...listedNumbers))
    expect(keptNumbers).toContain(299)
    expect(markdown).not.toContain('<summary><code>generated_0</code>')
    expect(markdown.indexOf('<summary><code>generated_299</code>')).toBeLessThan(
      markdown.indexOf('<summary><code>generated_298</code>'),
    )
    expect(markdown).toContain('<summary><code>total</code>')
    // Kept: headline, table, footer. Said: what is missing and where the full report is.
    expect(markdown).toContain('## 🔴 bytescope')
    expect(markdown).toContain('| <code>checkout</code>')
    expect(markdown).toContain('Reproduce locally')
    expect(markdown).toContain('> To stay within 65,536 characters, this report leaves out:')
    expect(markdown).toMatch(/> - bytecode diffs of <code>generated_\d+<\/code>, .* and \d+ more\n/)
    expect(markdown).toContain('[job summary](https://github.com/octo-org/octo-repo/actions/runs/42)')
    expect(markdown).toContain('the <code>bytescope-results</code> artifact')
    // Nothing cut in half: balanced details and fences, and the note renders after the last code block.
    const rendered = html(bounded.markdown)
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
    expect(rendered.lastIndexOf('</pre>')).toBeLessThan(rendered.indexOf('this report leaves out'))
    expect(markdown.split('\n').filter((l) => /^`{3,}/.test(l)).length % 2).toBe(0)
  })

  it('shortens the summary table itself when thousands of entries leave no other choice', () => {
    const { verdict: v, context: ctx } = hugeVerdict(5, 3000)
    const { markdown, omitted } = renderReport(v, baseline, ctx)
    expect(markdown.length).toBeLessThanOrEqual(65_536)
    expect(omitted).toContain('the summary table (shortened)')
    expect(markdown).toMatch(/_\d+ more entries are in the full report._/)
    // Regressions stay in the shortened table.
    expect(markdown).toContain('| <code>checkout</code>')
  })

  it('says where the full report is, as the caller knows it', () => {
    const { verdict: v, context: ctx } = hugeVerdict(50, 0)
    const { markdown } = renderReport(v, baseline, ctx, { maxLength: 20_000, fullReportAt: 'the `report-path` file' })
    expect(markdown).toContain('> The full report is in the `report-path` file.')
  })

  it('honours a smaller limit, such as one that leaves room for the comment marker', () => {
    const { verdict: v, context: ctx } = hugeVerdict(50, 0)
    for (const maxLength of [8_000, 20_000, 65_000]) {
      const { markdown } = renderReport(v, baseline, ctx, { maxLength })
      expect(markdown.length).toBeLessThanOrEqual(maxLength)
    }
  })
})

// -- a real comparison ------------------------------------------------------------------------------------------

describe('the examples project, measured', () => {
  // __fixtures__/report: `python -m bytescope run` on examples/ (base) and on examples/ with baseline.patch applied
  // (head), Python 3.12, and `python -m bytescope diff base.json head.json --json` of the two.
  const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', 'report', name), 'utf8')
  const base = parseResults(fixture('base.json'), 'base.json')
  const head = parseResults(fixture('head.json'), 'head.json')
  const examples = loadConfig({ settings: {}, label: (key) => key, cwd: 'examples' })
  const real = gate(head, base, examples)
  const realContext: ReportContext = {
    ...context,
    sourceRoot: 'examples',
    bytecodeDiff: JSON.parse(fixture('diff.json')),
  }

  it('leads the bytecode changes with the hot function that gained a call, showing exactly that', () => {
    const { markdown } = renderReport(real, baseline, realContext)
    const section = markdown.slice(markdown.indexOf('### Bytecode changes'))
    expect(section).toContain('Removed: <code>SearchIndex.search.&#60;locals&#62;.&#60;genexpr&#62;</code>.')
    const summaries = [...section.matchAll(/<summary><code>([^<]+)<\/code>/g)].map((m) => m[1])
    expect(summaries).toEqual(['PriceCalculator.line&#95;discount', 'SearchIndex.search'])
    const first = section.slice(0, section.indexOf('</details>'))
    expect(first).toContain('**Instruction mix:** +1 attribute access, +1 call.')
    expect(first).toContain(`/blob/${HEAD_SHA}/examples/shop/pricing.py#L33-L37`)
    const diff = first.slice(first.indexOf('```diff'), first.lastIndexOf('```'))
    expect(diff.split('\n').filter((l) => /^[+-]/.test(l))).toEqual([
      '+      LOAD_ATTR              NULL|self + lower',
      '+      CALL',
    ])
  })

  it('lists no noise for unchanged entries: own time only counts when the entry got slower or faster', () => {
    const { markdown } = renderReport(real, baseline, realContext)
    const exportDetails = markdown.slice(markdown.indexOf('<summary><code>export</code>'))
    expect(exportDetails.slice(0, exportDetails.indexOf('</details>'))).not.toContain('Functions that changed most')
    const priceCarts = markdown.slice(markdown.indexOf('<summary><code>price-carts</code>'))
    expect(priceCarts.slice(0, priceCarts.indexOf('</details>'))).toContain('Functions that changed most')
    // Built-ins have no source: no link to "~".
    expect(markdown).not.toContain('/~')
  })

  it('fits a comment with room to spare', () => {
    const { markdown, omitted } = renderReport(real, baseline, realContext)
    expect(omitted).toEqual([])
    expect(markdown.length).toBeLessThan(30_000)
  })
})
