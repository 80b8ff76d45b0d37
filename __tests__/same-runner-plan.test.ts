// The compare and python-path settings, and which comparison a run makes from its event.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { GitHubContext } from '../src/baseline/index.js'
import { ConfigError, loadConfig, type RawSettings } from '../src/config.js'
import { planComparison } from '../src/same-runner/plan.js'

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-plan-'))
  mkdirSync(path.join(dir, 'src', 'deeper'), { recursive: true })
  return dir
}

const load = (settings: RawSettings, cwd = project()) =>
  loadConfig({ settings: { 'entry-points': 'pkg.mod:main', ...settings }, label: (key) => `input ${key}`, cwd })

function context(eventName: string, payload: Record<string, unknown>, ref = 'refs/heads/feature'): GitHubContext {
  return { eventName, ref, payload, repo: { owner: 'o', repo: 'r' }, runId: 1, serverUrl: '', apiUrl: '' }
}

const pullRequest = context('pull_request', {
  pull_request: { base: { sha: 'b'.repeat(40) }, head: { sha: 'h'.repeat(40) } },
})

describe('compare and python-path settings', () => {
  it('defaults to auto and the project directory', () => {
    expect(load({})).toMatchObject({ compare: 'auto', pythonPath: ['.'], baseRef: null })
  })

  it('reads python-path lines relative to the working directory, and the TOML array form', () => {
    const cwd = project()
    expect(load({ 'python-path': 'src\n src/deeper/ ', compare: 'Same-Runner' }, cwd)).toMatchObject({
      pythonPath: ['src', 'src/deeper'],
      compare: 'same-runner',
    })
    writeFileSync(path.join(cwd, 'pyproject.toml'), '[tool.bytescope]\npython-path = ["src"]\ncompare = "artifact"\n')
    expect(load({}, cwd)).toMatchObject({ pythonPath: ['src'], compare: 'artifact' })
  })

  it('refuses a python-path outside the project or missing, and an unknown compare, in one line', () => {
    const message = (settings: RawSettings) => {
      try {
        load(settings)
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as Error).message
      }
      throw new Error('expected a ConfigError')
    }
    expect(message({ 'python-path': '../elsewhere' })).toMatch(
      /^input python-path: "\.\.\/elsewhere" is not valid; expected a directory inside the project directory /,
    )
    expect(message({ 'python-path': 'lib' })).toMatch(
      /^input python-path: "lib" is not valid; expected an existing directory/,
    )
    expect(message({ compare: 'both' })).toBe(
      'input compare: "both" is not valid; expected one of auto, same-runner, artifact',
    )
  })
})

describe('planComparison', () => {
  const settings = { baselinePath: null, compare: 'auto' as const, baseRef: null }

  it('measures side by side on pull requests, from the merge-base of base and head', () => {
    expect(planComparison(settings, pullRequest)).toEqual({
      mode: 'same-runner',
      required: false,
      base: { ref: 'b'.repeat(40), compare: { base: 'b'.repeat(40), head: 'h'.repeat(40) } },
    })
  })

  it('keeps artifacts on pushes, and baseline-path wins over everything', () => {
    expect(planComparison(settings, context('push', { ref: 'refs/heads/main' }))).toEqual({
      mode: 'artifact',
      local: false,
    })
    expect(planComparison({ ...settings, baselinePath: '/b.json' }, pullRequest)).toEqual({ mode: 'path' })
    expect(planComparison({ ...settings, compare: 'artifact' }, pullRequest)).toEqual({
      mode: 'artifact',
      local: false,
    })
  })

  it('measures a workflow_dispatch run of a branch against its merge-base with the default branch', () => {
    const payload = { repository: { default_branch: 'main' } }
    process.env.GITHUB_SHA = 'f'.repeat(40)
    try {
      expect(planComparison(settings, context('workflow_dispatch', payload))).toMatchObject({
        mode: 'same-runner',
        base: { ref: null, compare: { base: 'main', head: 'f'.repeat(40) } },
      })
      expect(planComparison(settings, context('workflow_dispatch', payload, 'refs/heads/main'))).toEqual({
        mode: 'artifact',
        local: false,
      })
    } finally {
      delete process.env.GITHUB_SHA
    }
  })

  it('makes a missing base an error only when same-runner was asked for', () => {
    const push = context('push', { ref: 'refs/heads/main' })
    expect(() => planComparison({ ...settings, compare: 'same-runner' }, push)).toThrow(
      'compare: same-runner needs a base commit, and this push run has none (set base-ref, or run on pull_request)',
    )
    expect(() => planComparison({ ...settings, compare: 'same-runner' }, null)).toThrow(/needs .* --base-ref/)
    expect(planComparison({ ...settings, baseRef: 'main' }, null)).toEqual({
      mode: 'same-runner',
      required: false,
      base: { ref: 'main', compare: null },
    })
  })
})
