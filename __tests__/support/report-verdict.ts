// Builders of report verdicts shared by the report tests: results, entries and verdicts around a real aligned
// bytecode diff from the Python visualizer, and `html` to render markdown as GitHub would. Markdown is checked by
// rendering it with micromark's CommonMark + GFM implementation (raw HTML let through, as GitHub's parser does
// before sanitising), so "renders safely" means what a reader would see, not a string match.
import { execFileSync } from 'node:child_process'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { compareEnvironments } from '../../src/environment.js'
import type { BytecodeDiffReport, ReportContext } from '../../src/report/index.js'
import type { CapturedFunction, Results, ResultsEntry } from '../../src/results.js'
import type { BaselineInfo, EntryVerdict, MetricComparison, Verdict } from '../../src/verdict.js'
import { githubContext, HEAD_SHA } from './report-context.js'

export const html = (markdown: string): string =>
  micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })

// -- builders ---------------------------------------------------------------------------------------------------

export const BASE_SHA = 'ba5eba11ba5eba11ba5eba11ba5eba11ba5eba11'

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

export function entry(spec: EntrySpec): ResultsEntry {
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

export function entryVerdict(
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

export function verdict(entries: EntryVerdict[], base: Results | null, head: Results): Verdict {
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

export const context = githubContext()

export const baseline: BaselineInfo = {
  source: 'artifact',
  location: 'bytescope-baseline',
  commit: BASE_SHA,
  behindBy: 2,
}

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
export let captured: Captured

/** Captures the real bytecode the builders use; each report test file runs it in `beforeAll`. */
export function captureBytecode(): void {
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
}

export function regressionVerdict(options: { basePython?: string; names?: [string, string] } = {}): Verdict {
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

export const withDiff = (): ReportContext => ({ ...context, bytecodeDiff: captured.diff })
