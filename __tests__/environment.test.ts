// Base and head environments: what differs, when time stops being comparable (another CPU or Python build), how the
// report says so with untrusted text kept as text, and that old baselines without the record still load and gate.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { compareEnvironments } from '../src/environment.js'
import { gate } from '../src/gate.js'
import { renderReport } from '../src/report/index.js'
import { checkResults, ResultsValidationError, type Environment, type Results } from '../src/results.js'
import { entry, noisy, results } from './support/results.js'
import { failureLines, reasonText } from '../src/report/reasons.js'
import { localContext } from './support/report-context.js'

// The action's defaults (CPU time, fastest calls, p < 0.05), for a project without a config file.
const settings = loadConfig({
  settings: { 'entry-points': 'work=pkg.bench:work' },
  label: (key) => key,
  cwd: mkdtempSync(path.join(tmpdir(), 'bytescope-env-')),
})

const context = localContext()

const EPYC = 'AMD EPYC 7763 64-Core Processor'
const XEON = 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz'

function on(run: Results, change: Partial<Environment>, drop: (keyof Environment)[] = []): Results {
  const environment = { ...run.environment, ...change }
  for (const key of drop) delete environment[key]
  return { ...run, environment }
}

/** Head 30% slower, 5% more memory, 5% more instructions than base. */
function slowerEverywhere(): { head: Results; base: Results } {
  return {
    base: results([entry({ samples: noisy(1_000_000, 30, 0.02, 1), peak: 100_000, instructions: 1000 })]),
    head: results([entry({ samples: noisy(1_300_000, 30, 0.02, 2), peak: 105_000, instructions: 1050 })]),
  }
}

const metric = (verdict: ReturnType<typeof gate>, which: string) =>
  verdict.entries[0]!.metrics.find((m) => m.metric === which)!

describe('environment comparison', () => {
  const env = results([]).environment

  it('finds nothing between identical environments', () => {
    expect(compareEnvironments(env, env)).toEqual({ otherMachine: null, machineUnknown: false, differences: [] })
  })

  it('names another CPU model and another Python build as other machines', () => {
    const other = {
      ...env,
      cpu_model: XEON,
      python_build: { ...env.python_build!, sys_version: '3.12.1 (main, Feb 2 2026, 00:00:00) [Clang 15.0.0]' },
    }
    const comparison = compareEnvironments({ ...env, cpu_model: EPYC }, other)
    expect(comparison.otherMachine).toBe(
      `baseline ran on ${EPYC}, this run on ${XEON}; baseline ran CPython 3.12.1 (main, Jan 1 2026, 00:00:00) ` +
        '[GCC 12.2.0], this run CPython 3.12.1 (main, Feb 2 2026, 00:00:00) [Clang 15.0.0]',
    )
    expect(comparison.differences.map((d) => d.kind)).toEqual(['cpu', 'python'])
  })

  it('lists changed, added and removed distributions, sorted, without making time incomparable', () => {
    const comparison = compareEnvironments(
      { ...env, distributions: { numpy: '2.1.0', Requests: '2.31.0', six: '1.16.0' } },
      { ...env, distributions: { numpy: '2.2.1', six: '1.16.0', attrs: '24.1.0' } },
    )
    expect(comparison.otherMachine).toBeNull()
    expect(comparison.differences).toEqual([
      { kind: 'distribution', label: 'attrs', base: null, head: '24.1.0' },
      { kind: 'distribution', label: 'numpy', base: '2.1.0', head: '2.2.1' },
      { kind: 'distribution', label: 'Requests', base: '2.31.0', head: null },
    ])
  })

  it('calls the machine of a baseline without the record unknown, and compares what it does record', () => {
    const old: Environment = { ...env }
    delete old.cpu_model
    delete old.python_build
    delete old.distributions
    const comparison = compareEnvironments(old, { ...env, distributions: { numpy: '2.2.1' } })
    expect(comparison).toEqual({ otherMachine: null, machineUnknown: true, differences: [] })
    // Another architecture is another machine even without a CPU model; another patch release another build.
    const arm = compareEnvironments(
      { ...old, machine: 'aarch64', python_version: '3.12.0' },
      { ...env, machine: 'x86_64' },
    )
    expect(arm.otherMachine).toBe(
      'baseline ran on aarch64, this run on x86_64; baseline ran CPython 3.12.0, this run CPython 3.12.1',
    )
    expect(arm.machineUnknown).toBe(false)
  })
})

describe('gate across machines', () => {
  it('does not compare time on another CPU, and still gates memory and instructions', () => {
    const { head, base } = slowerEverywhere()
    const verdict = gate(on(head, { cpu_model: XEON }), on(base, { cpu_model: EPYC }), settings)
    expect(metric(verdict, 'time')).toMatchObject({ status: 'not-comparable', cause: 'other-machine' })
    expect(reasonText(metric(verdict, 'time'))).toBe(
      `not comparable: other machine (baseline ran on ${EPYC}, this run on ${XEON}); same-runner mode ` +
        '(compare: same-runner) measures base and head on one runner and compares time',
    )
    expect(metric(verdict, 'memory').status).toBe('regression')
    expect(metric(verdict, 'instructions').status).toBe('regression')
    expect(failureLines(verdict).map((f) => f.split(' ')[1])).toEqual(['memory', 'instructions'])
  })

  it('compares time on the same CPU and build', () => {
    const { head, base } = slowerEverywhere()
    const verdict = gate(on(head, { cpu_model: EPYC }), on(base, { cpu_model: EPYC }), settings)
    expect(metric(verdict, 'time').status).toBe('regression')
    expect(verdict.environment).toEqual({ otherMachine: null, machineUnknown: false, differences: [] })
  })

  it('compares time with a baseline of unknown machine, as before the record existed', () => {
    const { head, base } = slowerEverywhere()
    const verdict = gate(head, on(base, {}, ['cpu_model', 'python_build', 'distributions']), settings)
    expect(metric(verdict, 'time').status).toBe('regression')
    expect(verdict.environment?.machineUnknown).toBe(true)
  })
})

describe('report across machines', () => {
  it('says time is not compared and why, lists the differences, and keeps every value as text', () => {
    const { head, base } = slowerEverywhere()
    const hostile = 'Evil <img src=x onerror=alert(1)> | @octocat #1 `x` **bold**'
    const verdict = gate(
      on(head, { cpu_model: XEON, distributions: { numpy: '2.2.1', '<b>pkg</b>': '1.0' } }),
      on(base, { cpu_model: hostile, distributions: { numpy: '2.1.0' } }),
      settings,
    )
    const { markdown } = renderReport(verdict, null, context)
    expect(markdown).toContain('| ⚠️ not comparable: other machine |')
    expect(markdown).toContain('> **Time is not compared: other machine.** baseline ran on Evil &#60;img')
    expect(markdown).toContain('`compare: same-runner`')
    expect(markdown).toContain(
      '> - CPU model: <code>Evil &#60;img src=x onerror=alert(1)&#62; &#124; @octocat #1 &#96;x&#96; &#42;&#42;bold&#42;&#42;</code> → <code>Intel(R) Xeon(R)',
    )
    expect(markdown).toContain('> - <code>numpy</code>: <code>2.1.0</code> → <code>2.2.1</code>')
    expect(markdown).toContain('> - <code>&#60;b&#62;pkg&#60;/b&#62;</code>: <code>1.0</code> (only in head)')
    expect(markdown).not.toMatch(/<img|<b>/)
    expect(markdown).toContain('&#124; @\u200boctocat #\u200b1') // prose: no mention, no issue link
  })

  it('notes a baseline whose machine is unknown, and says nothing when the machines agree', () => {
    const { head, base } = slowerEverywhere()
    const unknown = renderReport(gate(head, on(base, {}, ['cpu_model']), settings), null, context).markdown
    expect(unknown).toContain('> Which CPU the baseline ran on is unknown')
    const same = renderReport(gate(head, base, settings), null, context).markdown
    expect(same).not.toMatch(/unknown|other machine|different environments/)
  })

  it('bounds a long list of differences', () => {
    const many = (version: string) => Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`dist${i}`, version]))
    const verdict = gate(
      on(results([entry()]), { distributions: many('2') }),
      on(results([entry()]), { distributions: many('1') }),
      settings,
    )
    const { markdown } = renderReport(verdict, null, context)
    expect(markdown.match(/^> - <code>dist/gm)).toHaveLength(20)
    expect(markdown).toContain('> - and 10 more differences (in the two results files)')
  })
})

describe('results schema: the environment record', () => {
  const committed = JSON.parse(readFileSync('examples/baseline.json', 'utf8')) as Results

  it('loads a baseline written before the record, and one with it', () => {
    const old = structuredClone(committed)
    for (const key of ['cpu_model', 'python_build', 'distributions', 'distributions_omitted'] as const)
      delete old.environment[key]
    expect(() => checkResults(old, 'old.json')).not.toThrow()
    const full = structuredClone(committed)
    full.environment = {
      ...full.environment,
      cpu_model: null,
      python_build: { implementation: 'CPython', version: '3.12.1', sys_version: '3.12.1 (main) [GCC]', build: null },
      distributions: { numpy: '2.2.1' },
      distributions_omitted: 0,
    }
    expect(() => checkResults(full, 'new.json')).not.toThrow()
  })

  it.each([
    ['cpu_model', 7],
    ['distributions', { numpy: 2 }],
    ['python_build', { implementation: 'CPython' }],
    ['distributions_omitted', -1],
  ])('rejects a malformed %s', (key, value) => {
    const bad = structuredClone(committed) as unknown as { environment: Record<string, unknown> }
    bad.environment[key] = value
    expect(() => checkResults(bad, 'bad.json')).toThrow(ResultsValidationError)
  })
})
