import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Config } from '../src/config.js'
import { confirmTimeRegressions, pool, type Remeasure } from '../src/confirm.js'
import { gate } from '../src/gate.js'
import type { Interpreter } from '../src/harness.js'
import type { Log } from '../src/log.js'
import { checkResults, type Results } from '../src/results.js'
import type { Verdict } from '../src/verdict.js'
import { load, project } from './support/config.js'
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

describe('confirmTimeRegressions', () => {
  const timeStatus = (verdict: Verdict) => verdict.entries[0]!.metrics.find((m) => m.metric === 'time')!.status
  const quiet: Log = { info: () => {}, untrusted: () => {}, startGroup: () => {}, endGroup: () => {}, close: () => {} }
  const interpreter: Interpreter = {
    command: 'python3',
    executable: 'python3',
    version: '3.12.1',
    implementation: 'cpython',
  }

  async function confirm(head: Results, base: Results, again: { head: number; base: number }) {
    const dir = project()
    const config = {
      ...load({ 'entry-points': 'a:b', 'time-threshold': '5%', clock: 'wall', 'time-statistic': 'median' }, dir),
      ...GATE_SETTINGS,
    }
    const entryPoints = head.entries.map((e) => ({ name: e.name, target: 'a:b', overrides: {} }))
    let calls = 0
    const remeasure: Remeasure = async (_suspects, attempt) => {
      calls++
      return {
        head: results([entry({ samples: noisy(again.head, 30, 0.02, 10 + attempt) })]),
        base: results([entry({ samples: noisy(again.base, 30, 0.02, 20 + attempt) })]),
      }
    }
    const headPath = path.join(dir, 'results.json')
    const { verdict } = await confirmTimeRegressions(
      { ...config, entryPoints } as Config,
      interpreter,
      { results: head, resultsPath: headPath },
      base,
      dir,
      quiet,
      remeasure,
    )
    return { status: timeStatus(verdict), calls }
  }

  // Three calls a side can never be significant at p<0.05, whatever they show: a growth past the threshold there
  // is a suspect for more measurement, not a pass.
  const base = results([entry({ samples: [1_000_000, 1_010_000, 990_000] })])
  const grown = results([entry({ samples: [1_200_000, 900_000, 1_500_000] })])

  it('measures again a growth past the threshold that is not significant yet, and catches a real slowdown', async () => {
    expect(timeStatus(gate(grown, base, GATE_SETTINGS))).toBe('unchanged')
    const { status, calls } = await confirm(grown, base, { head: 1_100_000, base: 1_000_000 })
    expect(status).toBe('regression')
    expect(calls).toBeGreaterThanOrEqual(1)
  })

  it('clears such a growth when more rounds show no change', async () => {
    const { status, calls } = await confirm(grown, base, { head: 1_000_000, base: 1_000_000 })
    expect(status).toBe('unchanged')
    expect(calls).toBeGreaterThanOrEqual(1)
  })

  it('leaves a time within the threshold alone', async () => {
    const same = results([entry({ samples: [1_000_000, 1_020_000, 980_000] })])
    expect(await confirm(same, base, { head: 2_000_000, base: 1_000_000 })).toEqual({ status: 'unchanged', calls: 0 })
  })
})
