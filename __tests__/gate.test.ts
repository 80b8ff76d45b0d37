import { describe, expect, it } from 'vitest'
import { gate } from '../src/gate.js'
import { entry, GATE_SETTINGS, noisy, results } from './support/results.js'
import { failureLines, reasonText } from '../src/report/reasons.js'
import { described } from './support/described.js'

const settings = { ...GATE_SETTINGS, significance: 0.01 }

const metric = (verdict: ReturnType<typeof gate>, name: string, which: string) =>
  verdict.entries.find((e) => e.name === name)!.metrics.find((m) => m.metric === which)!

describe('gate: time', () => {
  const base = noisy(1_000_000, 30, 0.06, 1)

  it('fails a significant median regression past the threshold, with its confidence interval', () => {
    const verdict = gate(
      results([entry({ samples: noisy(1_150_000, 30, 0.06, 2) })]),
      results([entry({ samples: base })]),
      settings,
    )
    const time = metric(verdict, 'work', 'time')
    expect(time.status).toBe('regression')
    expect(time.change!).toBeGreaterThan(0.1)
    expect(time.pValue!).toBeLessThan(0.01)
    expect(time.ci!.level).toBeCloseTo(0.99)
    expect(time.ci!.low).toBeGreaterThan(0.05)
    expect(time.ci!.low).toBeLessThan(time.change!)
    expect(time.ci!.high).toBeGreaterThan(time.change!)
    expect(verdict.result).toBe('fail')
    expect(verdict.regressions).toBe(1)
    expect(failureLines(verdict)).toHaveLength(1)
    expect(failureLines(verdict)[0]).toMatch(
      /^work: time wall median .* \+1\d\.\d% \(within-run 99% CI \+.*p=.*slower than the 5% threshold$/,
    )
  })

  it('passes a significant change that stays within the threshold', () => {
    const verdict = gate(
      results([entry({ samples: noisy(1_030_000, 30, 0.01, 3) })]),
      results([entry({ samples: noisy(1_000_000, 30, 0.01, 4) })]),
      settings,
    )
    const time = metric(verdict, 'work', 'time')
    expect(time.pValue!).toBeLessThan(0.01)
    expect(time.status).toBe('unchanged')
    expect(reasonText(time)).toMatch(/within the 5% threshold/)
    expect(verdict.result).toBe('pass')
  })

  it('passes a large median change that is not significant (too noisy, too few samples)', () => {
    const verdict = gate(
      results([entry({ samples: [150, 90, 200] })]),
      results([entry({ samples: [100, 160, 95] })]),
      settings,
    )
    const time = metric(verdict, 'work', 'time')
    expect(time.change!).toBeGreaterThan(0.05)
    expect(time.status).toBe('unchanged')
    expect(reasonText(time)).toMatch(/not significant at p<0\.01 \(3 and 3 samples can never be; raise repeat\)/)
    expect(verdict.result).toBe('pass')
  })

  it('reports a significant speed-up past the threshold as an improvement', () => {
    const verdict = gate(
      results([entry({ samples: noisy(800_000, 30, 0.06, 5) })]),
      results([entry({ samples: base })]),
      settings,
    )
    expect(metric(verdict, 'work', 'time').status).toBe('improvement')
    expect(verdict.entries[0]!.status).toBe('improvement')
    expect(verdict.improvements).toBe(1)
    expect(verdict.result).toBe('pass')
  })

  it('uses per-entry thresholds', () => {
    const head = results([entry({ samples: noisy(1_150_000, 30, 0.06, 2) })])
    const lenient = { ...settings, entryPoints: [{ name: 'work', target: 'pkg.bench:work', timeThreshold: 0.25 }] }
    const time = metric(gate(head, results([entry({ samples: base })]), lenient), 'work', 'time')
    expect(time.threshold).toBe(0.25)
    expect(time.status).toBe('unchanged')
  })

  it('compares nothing across Python minor versions: time, instructions and memory are not comparable', () => {
    const head = results(
      [entry({ samples: noisy(2_000_000, 30, 0.06, 2), instructions: 2000, peak: 200_000 })],
      '3.13.0',
    )
    const baseline = results([entry({ samples: base, instructions: 1000, peak: 100_000 })], '3.12.1')
    const verdict = gate(head, baseline, settings)
    expect(verdict.samePython).toBe(false)
    expect(metric(verdict, 'work', 'time').status).toBe('not-comparable')
    expect(reasonText(metric(verdict, 'work', 'time'))).toMatch(/base ran Python 3\.12\.1, head 3\.13\.0/)
    expect(metric(verdict, 'work', 'instructions').status).toBe('not-comparable')
    expect(metric(verdict, 'work', 'memory')).toMatchObject({ status: 'not-comparable', cause: 'other-python' })
    expect(reasonText(metric(verdict, 'work', 'memory'))).toMatch(/base ran Python 3\.12\.1, head 3\.13\.0/)
    expect(verdict.result).toBe('pass')
  })

  it('compares instructions across patch releases of one minor, but not time (another Python build)', () => {
    const verdict = gate(
      results([entry({ samples: base, instructions: 1000 })], '3.12.2'),
      results([entry({ samples: base, instructions: 1000 })], '3.12.1'),
      settings,
    )
    expect(verdict.samePython).toBe(true)
    expect(metric(verdict, 'work', 'instructions').status).toBe('unchanged')
    expect(metric(verdict, 'work', 'time')).toMatchObject({ status: 'not-comparable', cause: 'other-machine' })
  })
})

describe('gate: clock', () => {
  it('compares CPU time samples when the clock is cpu, and says so', () => {
    // Wall time doubled (the machine was busy), CPU time did not change: only the wall clock sees a regression.
    const baseEntry = entry({ samples: noisy(1_000_000, 30, 0.02, 1), cpuSamples: noisy(900_000, 30, 0.02, 2) })
    const headEntry = entry({ samples: noisy(2_000_000, 30, 0.02, 3), cpuSamples: noisy(900_000, 30, 0.02, 4) })
    const cpu = metric(gate(results([headEntry]), results([baseEntry]), { ...settings, clock: 'cpu' }), 'work', 'time')
    expect(cpu).toMatchObject({ status: 'unchanged', clock: 'cpu' })
    expect(cpu.base).toBeCloseTo(900_000, -4)
    expect(reasonText(cpu)).toMatch(/^CPU median /)
    const wall = metric(gate(results([headEntry]), results([baseEntry]), settings), 'work', 'time')
    expect(wall).toMatchObject({ status: 'regression', clock: 'wall' })
    expect(reasonText(wall)).toMatch(/^wall median /)
  })

  it('compares the fastest calls when the statistic is min, ignoring disturbed ones', () => {
    // Half of head's calls were slowed down by a busy machine; its fastest calls are as fast as base's.
    const baseEntry = entry({ samples: noisy(1_000_000, 30, 0.01, 5) })
    const headEntry = entry({ samples: [...noisy(1_000_000, 15, 0.01, 6), ...noisy(1_600_000, 15, 0.01, 7)] })
    const min = metric(
      gate(results([headEntry]), results([baseEntry]), { ...settings, timeStatistic: 'min' }),
      'work',
      'time',
    )
    expect(min).toMatchObject({ status: 'unchanged', statistic: 'min' })
    expect(Math.abs(min.change!)).toBeLessThan(0.02)
    expect(reasonText(min)).toMatch(/^wall min /)
    const slower = entry({ samples: noisy(1_100_000, 30, 0.01, 8) })
    expect(
      metric(gate(results([slower]), results([baseEntry]), { ...settings, timeStatistic: 'min' }), 'work', 'time')
        .status,
    ).toBe('regression')
  })

  it('cannot compare CPU time when the samples are missing', () => {
    const bare = entry({ cpuSamples: [] })
    const time = metric(gate(results([bare]), results([bare]), { ...settings, clock: 'cpu' }), 'work', 'time')
    expect(described(time)).toMatchObject({ status: 'not-comparable', reason: 'no cpu time samples' })
  })
})

describe('gate: memory', () => {
  it('fails growth past the relative threshold, down to a single KiB', () => {
    const verdict = gate(results([entry({ peak: 51_024 })]), results([entry({ peak: 50_000 })]), settings)
    const memory = metric(verdict, 'work', 'memory')
    expect(memory.status).toBe('regression')
    expect(memory.change).toBeCloseTo(0.02048)
    expect(reasonText(memory)).toMatch(/\+1\.00 KiB\).*more than the 1% threshold/)
  })

  it('passes growth within the threshold and reports shrinkage as an improvement', () => {
    expect(
      metric(gate(results([entry({ peak: 100_500 })]), results([entry({ peak: 100_000 })]), settings), 'work', 'memory')
        .status,
    ).toBe('unchanged')
    expect(
      metric(gate(results([entry({ peak: 90_000 })]), results([entry({ peak: 100_000 })]), settings), 'work', 'memory')
        .status,
    ).toBe('improvement')
  })

  it('fails a peak over the absolute budget even without a baseline', () => {
    const verdict = gate(results([entry({ peak: 3 * 1024 * 1024 })]), null, {
      ...settings,
      maxPeakMemory: 2 * 1024 * 1024,
    })
    const memory = metric(verdict, 'work', 'memory')
    expect(memory).toMatchObject({ status: 'regression', overBudget: true, budget: 2 * 1024 * 1024 })
    expect(reasonText(memory)).toBe('peak 3.00 MiB is over the 2.00 MiB budget')
    expect(verdict.result).toBe('fail')
  })

  it('lets a per-entry budget override the run-wide one, including lifting it', () => {
    const head = results([entry({ name: 'big', peak: 3_000_000 }), entry({ name: 'small', peak: 3_000_000 })])
    const verdict = gate(head, head, {
      ...settings,
      maxPeakMemory: 1_000_000,
      entryPoints: [{ name: 'big', target: 'x:y', maxPeakMemory: null }],
    })
    expect(metric(verdict, 'big', 'memory').status).toBe('unchanged')
    expect(metric(verdict, 'small', 'memory').overBudget).toBe(true)
  })
})

describe('gate: instructions', () => {
  it('is exact: any growth past the threshold fails, an equal count passes', () => {
    expect(
      metric(
        gate(results([entry({ instructions: 10_200 })]), results([entry({ instructions: 10_000 })]), settings),
        'work',
        'instructions',
      ).status,
    ).toBe('regression')
    expect(
      metric(
        gate(results([entry({ instructions: 10_100 })]), results([entry({ instructions: 10_000 })]), settings),
        'work',
        'instructions',
      ).status,
    ).toBe('unchanged')
    const same = metric(
      gate(results([entry({ instructions: 10_000 })]), results([entry({ instructions: 10_000 })]), settings),
      'work',
      'instructions',
    )
    expect(same).toMatchObject({ status: 'unchanged', change: 0 })
  })

  it('is not measured when instructions were off', () => {
    const m = metric(gate(results([entry({})]), results([entry({})]), settings), 'work', 'instructions')
    expect(m.status).toBe('not-measured')
  })

  it("says why when the instruction pass overran the timeout: the harness's note", () => {
    const note =
      'the instruction pass did not finish within the 300 s timeout (time and memory were measured before it and are kept)'
    const head = results([{ ...entry({}), instructions_unmeasured: note }])
    const m = metric(gate(head, results([entry({ instructions: 10 })]), settings), 'work', 'instructions')
    expect(described(m)).toMatchObject({ status: 'not-measured', reason: note })
  })
})

describe('gate: entries and results', () => {
  it('says no-baseline, passes, and marks every entry new without a baseline', () => {
    const verdict = gate(results([entry({ name: 'a' }), entry({ name: 'b' })]), null, settings)
    expect(verdict.result).toBe('no-baseline')
    expect(failureLines(verdict)).toEqual([])
    expect(verdict.entries.map((e) => e.status)).toEqual(['new', 'new'])
    expect(verdict.entries[0]!.metrics.every((m) => m.status !== 'regression')).toBe(true)
  })

  it('reports new, removed and errored entries, and fails on an error', () => {
    const head = results([
      entry({ name: 'kept' }),
      entry({ name: 'added' }),
      entry({ name: 'broken', status: 'error' }),
    ])
    const base = results([entry({ name: 'kept' }), entry({ name: 'gone' }), entry({ name: 'broken' })])
    const verdict = gate(head, base, settings)
    expect(Object.fromEntries(verdict.entries.map((e) => [e.name, e.status]))).toEqual({
      kept: 'unchanged',
      added: 'new',
      broken: 'error',
      gone: 'removed',
    })
    expect(verdict.result).toBe('fail')
    expect(verdict.regressions).toBe(0)
    expect(failureLines(verdict)).toEqual(['broken: failed during timing: ZeroDivisionError: division by zero'])
  })

  it('does not compare against a baseline entry that errored', () => {
    const verdict = gate(results([entry({ name: 'x' })]), results([entry({ name: 'x', status: 'timeout' })]), settings)
    expect(verdict.entries[0]!.status).toBe('not-comparable')
    expect(reasonText(metric(verdict, 'x', 'time'))).toBe('the baseline run timed out')
    expect(verdict.result).toBe('pass')
  })

  it('gives one failure line per regressed metric and counts entries', () => {
    const head = results([entry({ samples: noisy(1_500_000, 30, 0.02, 9), peak: 200_000, instructions: 2000 })])
    const base = results([entry({ samples: noisy(1_000_000, 30, 0.02, 10), peak: 100_000, instructions: 1000 })])
    const verdict = gate(head, base, settings)
    expect(failureLines(verdict).map((f) => f.split(' ')[1])).toEqual(['time', 'memory', 'instructions'])
    expect(verdict.regressions).toBe(1)
    expect(verdict.entries[0]!.status).toBe('regression')
  })
})
