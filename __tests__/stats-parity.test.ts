// The timing summary has one definition, the harness's (python/bytescope/harness/stats.py `summarize`); the action
// recomputes it only for samples it pools between gate passes (src/stats.ts `summarize`). This runs the harness's
// function on fixed samples and requires the same numbers from the TypeScript one.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { summarize } from '../src/stats.js'

const PYTHON = '/root/.pyenv/versions/3.12.1/bin/python3'

const CASES: [string, number[], number[]][] = [
  ['odd count', [10, 30, 20, 40, 50], [9, 29, 19, 39, 49]],
  ['even count: medians average the middle two', [7, 1, 4, 10], [6, 2, 3, 11]],
  ['ties', [5, 5, 5, 6, 5, 9, 5], [4, 4, 4, 4, 5, 5, 5]],
  ['one sample: no spread', [1_234_567], [1_000_000]],
  [
    'nanosecond timings of a second each',
    [1_000_000_123, 998_765_432, 1_003_210_987, 1_000_000_001, 999_999_999, 1_250_000_000],
    [990_000_000, 990_000_001, 1_000_000_000, 995_000_000, 989_999_999, 1_200_000_000],
  ],
]

function harnessSummaries(): Record<string, unknown>[] {
  const script = `
import json, sys
from bytescope.harness.stats import summarize
print(json.dumps([summarize(s, c) for s, c in json.loads(sys.argv[1])]))
`
  const input = JSON.stringify(CASES.map(([, samples, cpu]) => [samples, cpu]))
  const out = execFileSync(PYTHON, ['-c', script, input], {
    env: { ...process.env, PYTHONPATH: join(import.meta.dirname, '..', 'python') },
    encoding: 'utf8',
  })
  return JSON.parse(out) as Record<string, unknown>[]
}

describe('timing summary parity with the harness', () => {
  const expected = harnessSummaries()
  it.each(CASES.map((c, i) => [c[0], i] as const))('%s', (_, index) => {
    const [, samples, cpu] = CASES[index]!
    const ours = summarize(samples, cpu) as unknown as Record<string, number | number[]>
    const theirs = expected[index] as Record<string, number | number[]>
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort())
    for (const [key, value] of Object.entries(theirs)) {
      // Python's fmean and stdev are correctly rounded; a running sum may differ in the last bits.
      if (key === 'mean_ns' || key === 'stdev_ns') expect(ours[key]).toBeCloseTo(value as number, 6)
      else expect(ours[key], key).toEqual(value)
    }
  })
})
