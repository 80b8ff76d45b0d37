// The bundled action as GitHub runs it (INPUT_* variables, event payload, output and summary files) against real
// harness runs of a small fixture project, and a local GitHub REST server for the baseline and comment APIs.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResults } from '../src/results.js'
import { pullRequestEvent, runAction, type RunResult } from './support/action.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

const FIXTURE = path.resolve('__tests__/__fixtures__/action-project')

/** A workspace with the fixture project in `project/`, as a repository with a Python project in a subfolder. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-e2e-'))
  cpSync(FIXTURE, path.join(dir, 'project'), { recursive: true })
  return dir
}

/** Lenient on time (a shared machine's noise is not what these tests are about); exact on instructions and memory. */
const COMMON = { 'working-directory': 'project', 'time-threshold': '500%', comment: 'never', 'upload-baseline': 'false' }

let gh: GitHubServer
let baselinePath: string
let first: RunResult

beforeAll(async () => {
  gh = await startGitHubServer()
  // The first run, on a pull request with no baseline artifact anywhere: it measures and says so.
  first = await runAction({
    server: gh,
    event: 'pull_request',
    eventPayload: pullRequestEvent(gh),
    workspace: workspace(),
    inputs: COMMON,
  })
  baselinePath = first.outputs['results-path']!
})

afterAll(async () => {
  await gh?.close()
})

describe('the action', () => {
  it('passes with an explicit notice when there is no baseline', () => {
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.outputs.result).toBe('no-baseline')
    expect(first.outputs.regressions).toBe('0')
    expect(first.stdout).toMatch(/^::notice title=bytescope: no baseline::bytescope: no baseline to compare with/m)
    expect(first.summary).toContain('No baseline')
    const results = parseResults(readFileSync(baselinePath, 'utf8'), baselinePath)
    expect(results.entries.map((e) => [e.name, e.status])).toEqual([
      ['crunch', 'ok'],
      ['tally', 'ok'],
    ])
    expect(results.settings).toMatchObject({ repeat: 5, warmup: 1, instructions: true })
    expect(readFileSync(first.outputs['report-path']!, 'utf8')).toContain('crunch')
  })

  it('logs one group per entry with the harness progress, commands switched off inside', () => {
    const groups = [...first.stdout.matchAll(/^::group::(.*)$/gm)].map((m) => m[1])
    expect(groups).toEqual(['bytescope: crunch (1/2)', 'bytescope: tally (2/2)'])
    const crunch = first.stdout.slice(first.stdout.indexOf('::group::bytescope: crunch'), first.stdout.indexOf('::group::bytescope: tally'))
    const token = /^::stop-commands::(bytescope-[\w-]+)$/m.exec(crunch)?.[1]
    expect(token).toBeDefined()
    expect(crunch).toMatch(/\[1\/2\] crunch: timing 5 calls/)
    expect(crunch.indexOf(`::${token}::`)).toBeLessThan(crunch.indexOf('::endgroup::'))
  })

  it('passes against a baseline of the same code', async () => {
    const run = await runAction({
      server: gh,
      event: 'pull_request',
      eventPayload: pullRequestEvent(gh),
      workspace: workspace(),
      inputs: { ...COMMON, 'baseline-path': baselinePath },
    })
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs.regressions).toBe('0')
    expect(run.stdout).not.toMatch(/^::(error|warning)/m)
    expect(run.summary).toMatch(/crunch/)
  })

  it('fails on a regression: one setFailed line per regressed metric, an annotation on the function', async () => {
    const run = await runAction({
      server: gh,
      event: 'pull_request',
      eventPayload: pullRequestEvent(gh),
      workspace: workspace(),
      inputs: { ...COMMON, 'baseline-path': baselinePath },
      env: { FIXTURE_VARIANT: 'heavier' },
    })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('fail')
    expect(run.outputs.regressions).toBe('1')
    const failed = /^::error::(.*)$/m.exec(run.stdout)?.[1]
    const lines = decodeURIComponent(failed!.replace(/%0A/g, '\n')).split('\n')
    expect(lines).toEqual([
      expect.stringMatching(/^crunch: memory peak .* more than the 0\.1% threshold$/),
      expect.stringMatching(/^crunch: instructions .* executed instructions \(\+\d+\.\d%, \+[\d,]+\): more than the 1% threshold$/),
    ])
    // The annotation points at the function that grew most, relative to the repository root (working-directory + file).
    const annotation = /^::error title=bytescope: crunch regressed,file=([^,]+),line=(\d+)::(.*)$/m.exec(run.stdout)
    expect(annotation?.[1]).toBe('project/app/work.py')
    expect(Number(annotation?.[2])).toBeGreaterThan(0)
    expect(run.summary).toContain('crunch')
  })

  it('only warns when fail-on-regression is false', async () => {
    const run = await runAction({
      server: gh,
      event: 'pull_request',
      eventPayload: pullRequestEvent(gh),
      workspace: workspace(),
      inputs: { ...COMMON, 'baseline-path': baselinePath, 'fail-on-regression': 'false' },
      env: { FIXTURE_VARIANT: 'heavier' },
    })
    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('fail')
    expect(run.stdout).not.toMatch(/^::error/m)
    expect(run.stdout).toMatch(/^::warning title=bytescope regression \(fail-on-regression: false\)::crunch: memory/m)
    expect(run.stdout).toMatch(/^::warning title=bytescope: crunch regressed,file=project\/app\/work.py/m)
  })

  it.each([
    ['time-threshold', 'ten', 'input time-threshold: "ten" is not valid; expected a percentage such as "10%"'],
    ['python', '/nonexistent/python3', 'python: "/nonexistent/python3" was not found'],
    ['entry-points', 'not a target', 'input entry-points line 1: "not a target" is not valid; expected package.module:callable'],
  ])('errors on a bad %s in one line, without a stack trace', async (input, value, message) => {
    const run = await runAction({ server: gh, workspace: workspace(), inputs: { ...COMMON, [input]: value } })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`::error::bytescope: ${message}`)
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /)
  })

  it("never obeys workflow commands printed by the user's code", async () => {
    const run = await runAction({
      server: gh,
      workspace: workspace(),
      inputs: { ...COMMON, 'entry-points': 'noisy=app.noisy:shout', 'baseline-path': baselinePath },
    })
    expect(run.outputs.result).toBe('fail')
    expect(run.code).toBe(1)
    // Every hostile line is inside a stop-commands block that is closed afterwards with its own token.
    const lines = run.stdout.split('\n')
    let token: string | null = null
    const hostile: string[] = []
    for (const line of lines) {
      const stop = /^::stop-commands::(.+)$/.exec(line)
      if (stop) token = stop[1]!
      else if (token && line === `::${token}::`) token = null
      else if (/pwned|injected/.test(line)) hostile.push(token ? 'inside' : line)
    }
    expect(hostile.length).toBeGreaterThan(0)
    expect(hostile.every((h) => h === 'inside' || !h.startsWith('::'))).toBe(true)
    expect(token).toBeNull()
    expect(readFileSync(path.join(run.dir, 'output'), 'utf8')).not.toContain('pwned')
  })
})

describe('the local CLI', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runAction({ args, env: { GITHUB_ACTIONS: '', ...env }, workspace: workspace() })

  it('prints its settings as flags', async () => {
    const run = await cli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^usage: node dist\/index\.js/)
    for (const flag of ['--entry-points', '--time-threshold', '--baseline-path', '--clock', '--results']) expect(run.stdout).toContain(flag)
  })

  it('runs the pipeline and prints the report; exit 1 on a regression', async () => {
    const run = await cli(['--working-directory', 'project', '--baseline-path', baselinePath, '--time-threshold', '500%'], {
      FIXTURE_VARIANT: 'heavier',
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('crunch')
    expect(run.stdout).not.toContain('::')
    expect(run.stderr).toMatch(/^result: fail$/m)
    expect(run.stderr).toMatch(/^regression: crunch: instructions /m)
  })

  it('gates an existing results file without measuring', async () => {
    const run = await cli(['--working-directory', 'project', '--results', baselinePath, '--baseline-path', baselinePath])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^result: pass$/m)
    expect(run.stderr).not.toContain('timing')
  })

  it('exits 2 with one line on a bad flag', async () => {
    const run = await cli(['--time-threshold', 'ten', '--entry-points', 'a:b'])
    expect(run.code).toBe(2)
    expect(run.stderr.trim()).toBe('bytescope: error: --time-threshold: "ten" is not valid; expected a percentage such as "10%"')
  })
})
