import { describe, expect, it } from 'vitest'
import { pool } from '../src/confirm.js'
import { gate } from '../src/gate.js'
import { checkResults } from '../src/results.js'
import { entry, GATE_SETTINGS, noisy, results } from './support/results.js'

describe('pool', () => {
  it("appends a re-measurement's calls and recomputes the summary the way the harness does", () => {
    const first = results([entry({ name: 'a', samples: [10, 30, 20] }), entry({ name: 'b', samples: [5, 5, 5] })])
    const again = results([entry({ name: 'a', samples: [40, 50] })])
    const pooled = pool(first, again)
    const a = pooled.entries[0]!.time!
    expect(a.samples_ns).toEqual([10, 30, 20, 40, 50])
    expect(a).toMatchObject({ median_ns: 30, mean_ns: 30, min_ns: 10, max_ns: 50, mad_ns: 10 })
    expect(a.stdev_ns).toBeCloseTo(Math.sqrt(250), 9) // statistics.stdev: sample standard deviation
    expect(pooled.entries[1]).toBe(first.entries[1])
    expect(() => checkResults(pooled, 'pooled')).not.toThrow()
  })

  it('keeps the first measurement when the re-measurement failed', () => {
    const first = results([entry({ name: 'a', samples: [10, 11, 12] })])
    expect(pool(first, results([entry({ name: 'a', status: 'error' })])).entries[0]).toBe(first.entries[0])
  })

  it('lets undisturbed calls clear a measurement disturbed throughout', () => {
    const settings = { ...GATE_SETTINGS, timeStatistic: 'min' as const }
    const base = results([entry({ samples: noisy(1_000_000, 30, 0.02, 1) })])
    const disturbed = results([entry({ samples: noisy(1_900_000, 30, 0.02, 2) })])
    const status = (r: typeof base) =>
      gate(r, base, settings).entries[0]!.metrics.find((m) => m.metric === 'time')!.status
    expect(status(disturbed)).toBe('regression')
    expect(status(pool(disturbed, results([entry({ samples: noisy(1_000_000, 30, 0.02, 3) })])))).toBe('unchanged')
    // A real 10% slowdown stays a regression however often it is measured again.
    const slower = results([entry({ samples: noisy(1_100_000, 30, 0.02, 4) })])
    expect(status(pool(pool(slower, slower), results([entry({ samples: noisy(1_100_000, 30, 0.02, 5) })])))).toBe(
      'regression',
    )
  })
})
