// A metric added as an experiment is one module plus its line in src/metrics/index.ts: here a "calls" metric (function
// calls in the profiled call, from results every run already has) is defined in this test only and put on the list
// the way that one line would. The gate, the failure lines, the markdown summary table, the terminal report and the
// annotations then pick it up with no other change.
import { describe, expect, it, vi } from 'vitest'
import { annotations } from '../src/annotations.js'
import { gate } from '../src/gate.js'
import type { Metric } from '../src/metrics/metric.js'
import { renderReport } from '../src/report/index.js'
import { failureLines } from '../src/report/reasons.js'
import { renderTerminal } from '../src/report/terminal.js'
import type { ResultsEntry } from '../src/results.js'
import { localContext } from './support/report-context.js'
import { entry, GATE_SETTINGS, results } from './support/results.js'

vi.mock('../src/metrics/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/metrics/index.js')>()
  const { comparisonOf, largestGrowth } = await import('../src/metrics/metric.js')
  const { count, percent, transition } = await import('../src/report/format.js')
  const total = (e: ResultsEntry | null) => e?.profile?.functions.reduce((sum, f) => sum + f.calls, 0) ?? null
  const calls: Metric<'instructionsThreshold'> = {
    name: 'calls',
    settings: ['instructionsThreshold'],
    compare({ head, base, missing, settings }) {
      const threshold = settings.instructionsThreshold
      const [b, h] = [missing ? null : total(base), total(head)]
      if (b === null || h === null)
        return { metric: 'calls', status: 'not-comparable', base: b, head: h, change: null, threshold }
      const change = (h - b) / b
      const status = change > threshold ? 'regression' : change < -threshold ? 'improvement' : 'unchanged'
      return { metric: 'calls', status, base: b, head: h, change, threshold }
    },
    describe: (m) => `${transition(m.base, m.head, count)} function calls (${percent(m.change ?? 0)})`,
    culprit(e) {
      const before = new Map((e.base?.profile?.functions ?? []).map((f) => [f.qualname, f.calls]))
      const rows = (e.head?.profile?.functions ?? []).map((f) => ({
        ...f,
        delta: f.calls - (before.get(f.qualname) ?? 0),
      }))
      return largestGrowth(rows, (delta) => `+${count(delta)} calls`)
    },
    columns: [
      {
        header: () => 'Calls',
        optional: true,
        cell: (e, _, medium) => {
          const m = comparisonOf(e, 'calls')
          return m ? `${medium.mark(m.status)}${transition(m.base, m.head, count)}` : ''
        },
      },
    ],
  }
  return { ...original, METRICS: [...original.METRICS, calls] }
})

function profiled(calls: number): ResultsEntry {
  const row = (qualname: string, lineno: number, n: number) => ({
    qualname,
    filename: 'shop/cart.py',
    lineno,
    calls: n,
    primitive_calls: n,
    own_ns: 1000,
    total_ns: 1000,
  })
  return {
    ...entry({ name: 'checkout', samples: [100, 101, 99, 100, 102], instructions: 5000 }),
    profile: {
      schema_version: 1,
      clock: 'wall',
      functions: [row('total', 3, 1), row('discount', 12, calls)],
      tree: { name: 'root', filename: '', lineno: 0, calls: 1, own_ns: 0, total_ns: 0, children: [] },
    },
  }
}

const context = localContext()

describe('a metric added as an experiment', () => {
  const verdict = gate(results([profiled(40)]), results([profiled(10)]), GATE_SETTINGS)

  it('is gated after the built-in metrics, and fails the run with its own failure line', () => {
    const metrics = verdict.entries[0]!.metrics
    expect(metrics.map((m) => m.metric)).toEqual(['time', 'memory', 'instructions', 'calls'])
    expect(metrics[3]).toMatchObject({ status: 'regression', base: 11, head: 41 })
    expect(verdict.result).toBe('fail')
    expect(failureLines(verdict)).toEqual(['checkout: calls 11 → 41 function calls (+273%)'])
  })

  it('has its column in the summary table and its reason in the details', () => {
    const { markdown } = renderReport(verdict, null, context)
    expect(markdown).toMatch(/\| Entry \|.*\| Instructions \| Calls \| Status \|/)
    expect(markdown).toMatch(/\| <code>checkout<\/code> \|.*\| 🔴 11 → 41 \| 🔴 regression \|/)
    expect(markdown).toContain('🔴 **calls**: 11 → 41 function calls (+273%)')
  })

  it('has its column in the terminal report, and its reason under the entry', () => {
    const text = renderTerminal(verdict, null, context, { color: false })
    const header = text.split('\n').find((line) => line.startsWith('Entry '))!
    expect(header).toMatch(/Instructions +Calls +Status$/)
    expect(text).toMatch(/^checkout .* 11 → 41 {2}regression$/m)
    expect(text).toContain('  calls: 11 → 41 function calls (+273%)')
  })

  it('names its own culprit for the annotation', () => {
    const [annotation] = annotations(verdict, '.', '.')
    expect(annotation).toMatchObject({ file: 'shop/cart.py', startLine: 12 })
    expect(annotation!.message).toContain('Regressed most: discount (+30 calls).')
  })
})
