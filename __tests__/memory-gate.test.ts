import { describe, expect, it } from 'vitest'
import { annotations } from '../src/annotations.js'
import { gate } from '../src/gate.js'
import { peakSpread } from '../src/metrics/memory.js'
import { renderReport } from '../src/report/index.js'
import { bytesRange } from '../src/report/format.js'
import { checkResults } from '../src/results.js'
import { entry, GATE_SETTINGS as settings, results } from './support/results.js'
import { failureLines, reasonText } from '../src/report/reasons.js'
import { described } from './support/described.js'
import { localContext } from './support/report-context.js'

const CONTEXT = localContext()

// Peaks of one unchanged call of a markdown renderer in fresh processes (bytes), as real code varies.
const VARYING = [682_260, 672_108, 685_691]
const scaled = (peaks: number[], factor: number) => peaks.map((p) => Math.round(p * factor))

function memoryOf(head: Parameters<typeof entry>[0], base: Parameters<typeof entry>[0] | null, extra = {}) {
  const verdict = gate(results([entry(head)]), base ? results([entry(base)]) : null, { ...settings, ...extra })
  return { verdict, memory: verdict.entries[0]!.metrics.find((m) => m.metric === 'memory')! }
}

describe('memory gate: spreads', () => {
  it('does not count unchanged code whose peak varies between processes, in either direction', () => {
    for (const factor of [0.994, 0.996, 1, 1.004, 1.012]) {
      const { memory, verdict } = memoryOf({ peaks: scaled(VARYING, factor) }, { peaks: VARYING })
      expect(memory.status, `x${factor}`).toBe('unchanged')
      expect(verdict.entries[0]!.status).toBe('unchanged')
    }
  })

  it("fails when head's smallest peak is above base's largest by more than the threshold", () => {
    const { memory, verdict } = memoryOf({ peaks: scaled(VARYING, 1.05) }, { peaks: VARYING })
    expect(memory.status).toBe('regression')
    expect(reasonText(memory)).toMatch(
      /^peak 656–670 KiB → 689–703 KiB: head's smallest peak is 19\.6 KiB \(\+2\.9%\) above base's largest, more than the 1% threshold$/,
    )
    expect(memory.change).toBeCloseTo(0.05, 2)
    expect(memory.headSpread).toMatchObject({ min: 705_713, max: 719_976, exact: false })
    expect(failureLines(verdict)).toEqual([expect.stringMatching(/^work: memory peak 656–670 KiB → 689–703 KiB/)])
  })

  it('counts the mirror image as an improvement, and only that', () => {
    expect(described(memoryOf({ peaks: scaled(VARYING, 0.95) }, { peaks: VARYING }).memory)).toMatchObject({
      status: 'improvement',
      reason: expect.stringMatching(/head's largest peak is .* below base's smallest, more than the 1% threshold/),
    })
    // spreads apart, but by less than the threshold: unchanged, though the sign is negative
    const near = memoryOf({ peaks: [666_000, 668_000, 670_000] }, { peaks: VARYING }).memory
    expect(near.status).toBe('unchanged')
    expect(reasonText(near)).toMatch(/the spreads are -2\.06 KiB apart, within the 1% threshold/)
  })

  it('catches 1 KiB at the peak where both sides are exact, whatever the threshold', () => {
    const big = [10_000_000, 10_000_000, 10_000_000]
    const { memory } = memoryOf({ peaks: big.map((p) => p + 1024) }, { peaks: big })
    expect(memory.status).toBe('regression')
    expect(reasonText(memory)).toMatch(/\(\+0\.0%|\(±0%/)
    expect(reasonText(memory)).toMatch(/\+1\.00 KiB\), exact on both sides: at least 1\.00 KiB$/)
    expect(memoryOf({ peaks: big.map((p) => p - 1024) }, { peaks: big }).memory.status).toBe('improvement')
    expect(memoryOf({ peaks: big.map((p) => p + 1000) }, { peaks: big }).memory.status).toBe('unchanged')
  })

  it('does not apply the 1 KiB rule when one side varies', () => {
    const base = [100_000, 100_000, 100_000]
    expect(memoryOf({ peaks: [101_100, 101_200, 101_300] }, { peaks: base }).memory.status).toBe('regression')
    expect(memoryOf({ peaks: [100_600, 101_100, 101_300] }, { peaks: base }).memory.status).toBe('unchanged')
  })

  it('reads a one-peak baseline as a spread of one', () => {
    const old = { peak: 100_000 }
    expect(peakSpread(entry(old).memory!)).toEqual({ peaks: [100_000], min: 100_000, max: 100_000, exact: true })
    expect(memoryOf({ peaks: [101_100, 101_100, 101_100] }, old).memory.status).toBe('regression')
    expect(memoryOf({ peaks: [100_000, 100_000, 100_000] }, old).memory.status).toBe('unchanged')
    expect(described(memoryOf({ peaks: [99_500, 100_400, 101_100] }, old).memory)).toMatchObject({
      status: 'unchanged',
      reason: 'peak 97.7 KiB → 97.2–98.7 KiB: the spreads overlap',
    })
  })

  it('checks the budget against the largest peak', () => {
    const { memory, verdict } = memoryOf({ peaks: [900_000, 1_100_000, 950_000] }, null, { maxPeakMemory: 1_000_000 })
    expect(memory).toMatchObject({ status: 'regression', overBudget: true })
    expect(verdict.result).toBe('fail')
  })
})

describe('memory gate: comparability', () => {
  it('compares no peaks across Python minor versions, names both, and still applies the budget', () => {
    const head = results([entry({ peaks: [36_000, 36_000, 36_000] })], '3.10.13')
    const base = results([entry({ peaks: [29_300, 29_300, 29_300] })], '3.12.1')
    const verdict = gate(head, base, settings)
    const memory = verdict.entries[0]!.metrics.find((m) => m.metric === 'memory')!
    expect(memory).toMatchObject({ status: 'not-comparable', cause: 'other-python' })
    expect(reasonText(memory)).toBe('peak 35.2 KiB: not comparable: base ran Python 3.12.1, head 3.10.13')
    expect(verdict.result).toBe('pass')
    const { markdown } = renderReport(verdict, null, CONTEXT)
    expect(markdown).toContain(
      '28.6 KiB → 35.2 KiB (⚠️ not comparable: Python <code>3.12.1</code> → <code>3.10.13</code>)',
    )
    expect(markdown).toContain('1,000 (not comparable)')

    const budgeted = gate(head, base, { ...settings, maxPeakMemory: 30_000 })
    expect(budgeted.result).toBe('fail')
    expect(failureLines(budgeted)).toEqual(['work: memory peak 35.2 KiB is over the 29.3 KiB budget'])
  })

  it("points the annotation of an over-budget peak at head's own largest site, not at a growth across versions", () => {
    const site = (size: number) => ({
      size_bytes: size,
      count: 1,
      traceback: [{ filename: 'app/parse.py', lineno: 7 }],
    })
    const head = entry({ peaks: [36_000, 36_000, 36_000] })
    head.memory!.top_sites = [site(20_000)]
    const base = entry({ peaks: [29_300, 29_300, 29_300] })
    base.memory!.top_sites = [site(19_000)]
    const verdict = gate(results([head], '3.10.13'), results([base], '3.12.1'), { ...settings, maxPeakMemory: 30_000 })
    const [annotation] = annotations(verdict, '/repo', '/repo')
    expect(annotation!.message).toContain('Regressed most: app/parse.py:7 (+20000 bytes allocated here).')
  })

  it('compares nothing between two implementations of the same version', () => {
    const head = results([entry({ peaks: [36_000, 36_000, 36_000] })])
    const base = results([entry({ peaks: [29_300, 29_300, 29_300] })])
    base.environment.implementation = 'PyPy'
    const verdict = gate(head, base, settings)
    expect(verdict.samePython).toBe(false)
    const memory = verdict.entries[0]!.metrics.find((m) => m.metric === 'memory')!
    expect(memory.status).toBe('not-comparable')
    expect(reasonText(memory)).toMatch(/base ran PyPy 3\.12\.1, head CPython 3\.12\.1$/)
  })
})

describe('memory gate: faults', () => {
  it('says why memory was not measured, and the report shows it', () => {
    const head = entry({ peak: null })
    head.memory_unmeasured = 'the entry stopped tracemalloc during the measured call'
    const verdict = gate(results([head]), results([entry()]), settings)
    const memory = verdict.entries[0]!.metrics.find((m) => m.metric === 'memory')!
    expect(described(memory)).toMatchObject({
      status: 'not-measured',
      reason: 'not measured: the entry stopped tracemalloc during the measured call',
    })
    const { markdown } = renderReport(verdict, null, CONTEXT)
    expect(markdown).toContain('**memory**: not measured: the entry stopped tracemalloc during the measured call')
  })

  it('names the memory processes that measured no peak', () => {
    const head = entry({ peaks: [100_000, 100_000] })
    head.memory!.failed_processes = [{ process: 3, reason: 'RuntimeError: boom during warmup' }]
    const memory = gate(results([head]), results([entry({ peaks: [100_000, 100_000, 100_000] })]), settings).entries[0]!
      .metrics[1]!
    expect(memory.status).toBe('unchanged')
    expect(reasonText(memory)).toMatch(
      /; 1 of 3 memory processes measured no peak \(process 3: RuntimeError: boom during warmup\)$/,
    )
  })

  it('validates results with peak lists and without them (files of the previous release)', () => {
    const current = results([entry({ peaks: [1, 2, 3] })])
    expect(() => checkResults(current, 'current')).not.toThrow()
    expect(() => checkResults(results([entry({ peak: 5 })]), 'old')).not.toThrow()
    current.entries[0]!.memory!.peaks_bytes = []
    expect(() => checkResults(current, 'broken')).toThrow(/peaks_bytes must NOT have fewer than 1 items/)
  })
})

describe('memory gate: spread text', () => {
  it('shows both ends in one unit, with the digits that tell them apart', () => {
    expect(bytesRange(791_552, 803_840)).toBe('773–785 KiB')
    expect(bytesRange(160_870, 160_900)).toBe('157.10–157.13 KiB')
    expect(bytesRange(1000, 1000)).toBe('1000 B')
    expect(bytesRange(3_000_000, 3_100_000)).toBe('2.86–2.96 MiB')
  })
})
