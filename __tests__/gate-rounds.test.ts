// Same-runner mode's statistics: the unit of variation is the round (a fresh process per side), so a difference that
// only some rounds show is not significant however many calls each round made.
import { describe, expect, it } from 'vitest'
import { pool } from '../src/confirm.js'
import { gate, type GateSettings } from '../src/gate.js'
import type { Results } from '../src/results.js'
import { entry, GATE_SETTINGS, noisy, results } from './support/results.js'
import { reasonText } from '../src/report/reasons.js'

const settings: GateSettings = GATE_SETTINGS

/** One entry measured in rounds of 8 calls around each center; `byRound: false` drops the round boundaries. */
function measured(centers: number[], seed: number, byRound = true): Results {
  const samples = centers.flatMap((center, i) => noisy(center, 8, 0.005, seed + i))
  const only = entry({ samples })
  return results([{ ...only, time: { ...only.time!, ...(byRound ? { round_sizes: centers.map(() => 8) } : {}) } }])
}

const time = (head: Results, base: Results, overrides: Partial<GateSettings> = {}) =>
  gate(head, base, { ...settings, ...overrides }).entries[0]!.metrics.find((m) => m.metric === 'time')!

describe('time gate by round', () => {
  // Three of four base rounds ran undisturbed, three of four head rounds did not: a neighbour, not the code.
  const base = [1_000_000, 1_000_000, 1_000_000, 1_120_000]
  const head = [1_000_000, 1_120_000, 1_120_000, 1_120_000]

  it('does not call a difference between some rounds significant', () => {
    const compared = time(measured(head, 10), measured(base, 20))
    expect(compared.status).toBe('unchanged')
    expect(reasonText(compared)).toMatch(/4 \+ 4 rounds\): not significant/)
    // The same calls taken as independent samples would have failed the check.
    expect(time(measured(head, 10, false), measured(base, 20, false)).status).toBe('regression')
  })

  it('detects a shift every round shows, with an interval over rounds', () => {
    const compared = time(
      measured(
        base.map(() => 1_100_000),
        30,
      ),
      measured(
        base.map(() => 1_000_000),
        40,
      ),
    )
    expect(compared.status).toBe('regression')
    expect(compared.ci!.low).toBeGreaterThan(0.05)
    expect(reasonText(compared)).toContain('4 + 4 rounds')
  })

  it('says when too few rounds can never be significant', () => {
    const compared = time(measured([1_200_000, 1_200_000], 1), measured([1_000_000, 1_000_000], 2))
    expect(compared.status).toBe('unchanged')
    expect(reasonText(compared)).toContain('2 and 2 rounds can never be; raise significance')
  })

  it('pools a confirmation as one more round', () => {
    const pooled = pool(measured([1_000_000, 1_000_000], 1), results([entry({ samples: [5, 6, 7] })]))
    expect(pooled.entries[0]!.time!.round_sizes).toEqual([8, 8, 3])
    expect(pooled.entries[0]!.time!.samples_ns).toHaveLength(19)
  })
})
