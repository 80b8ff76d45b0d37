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
const FAKE_PYTHON = path.resolve('__tests__/__fixtures__/fake-python')

interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

/** The workflow commands a run issued, decoded as the runner decodes them. */
function commands(stdout: string): WorkflowCommand[] {
  const decode = (text: string) =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  return [...stdout.matchAll(/^::([\w-]+)(?: ([^:]*))?::(.*)$/gm)].map(([, command, properties, message]) => ({
    command: command!,
    properties: Object.fromEntries(
      (properties ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => [p.slice(0, p.indexOf('=')), decode(p.slice(p.indexOf('=') + 1))]),
    ),
    message: decode(message!),
  }))
}

const issued = (run: RunResult, command: string) => commands(run.stdout).filter((c) => c.command === command)

/** A workspace with the fixture project in `project/`, as a repository with a Python project in a subfolder. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-e2e-'))
  cpSync(FIXTURE, path.join(dir, 'project'), { recursive: true })
  return dir
}

/** Lenient on time (a shared machine's noise is not what these tests are about); exact on instructions and memory. */
const COMMON = {
  'working-directory': 'project',
  'time-threshold': '500%',
  comment: 'never',
  'upload-baseline': 'false',
}

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
    expect(issued(first, 'notice')).toEqual([
      // A pull request is compared side by side by default; this workspace is no git checkout.
      {
        command: 'notice',
        properties: { title: 'bytescope: not compared on this runner' },
        message: expect.stringMatching(
          /^bytescope: same-runner comparison not possible \(.* is not in a git checkout \(fatal: not a git repository.*\)\); compared with the baseline artifact instead$/,
        ),
      },
      {
        command: 'notice',
        properties: { title: 'bytescope: no baseline' },
        message: expect.stringMatching(
          /^bytescope: no baseline to compare with, so nothing was gated \(the check passes\)/,
        ),
      },
    ])
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
    const crunch = first.stdout.slice(
      first.stdout.indexOf('::group::bytescope: crunch'),
      first.stdout.indexOf('::group::bytescope: tally'),
    )
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

  it('fails on a regression: an annotation on the function says each regressed metric, setFailed sums up', async () => {
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
    // Each failure is said once: in its annotation, not again in the step's failure.
    const [failed, ...others] = issued(run, 'error').filter((c) => !c.properties.title)
    expect(others).toEqual([])
    expect(failed!.message).toBe(
      'bytescope: 1 performance regression (the annotations and the job summary say where and why)',
    )
    const regressed = issued(run, 'error').find((c) => c.properties.title === 'bytescope: crunch regressed')!
    expect(regressed.message.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^memory: peak .* more than the 2% threshold$/),
      expect.stringMatching(
        /^instructions: .* executed instructions \(\+\d+\.\d%, \+[\d,]+\): more than the 1% threshold$/,
      ),
    ])
    // The annotation points at the function that grew most, relative to the repository root (working-directory + file).
    const annotation = issued(run, 'error').find((c) => c.properties.title === 'bytescope: crunch regressed')!
    expect(annotation.properties.file).toBe('project/app/work.py')
    expect(Number(annotation.properties.line)).toBeGreaterThan(0)
    expect(annotation.message).toMatch(/^memory: peak .*\ninstructions: .*\nRegressed most: /)
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
    expect(issued(run, 'error')).toEqual([])
    const warnings = issued(run, 'warning')
    // The annotation is the warning; nothing repeats it.
    expect(warnings.map((w) => w.properties.title)).toEqual(['bytescope: crunch regressed'])
    expect(warnings[0]!.properties.file).toBe('project/app/work.py')
    expect(warnings[0]!.message).toMatch(/^memory: peak /)
  })

  it.each([
    ['time-threshold', 'ten', 'input time-threshold: "ten" is not valid; expected a percentage such as "10%"'],
    ['python', '/nonexistent/python3', 'python: "/nonexistent/python3" was not found'],
    [
      'python',
      `${FAKE_PYTHON}/pypy`,
      `python: "${FAKE_PYTHON}/pypy" (/opt/pypy/bin/pypy3) is PyPy 3.10.14; bytescope needs CPython 3.10 or newer`,
    ],
    [
      'python',
      `${FAKE_PYTHON}/python38`,
      `python: "${FAKE_PYTHON}/python38" (/usr/bin/python3.8) is CPython 3.8.18; bytescope needs CPython 3.10 or newer`,
    ],
    [
      'entry-points',
      'not a target',
      'input entry-points line 1: "not a target" is not valid; expected package.module:callable',
    ],
  ])('errors on a bad %s in one line, without a stack trace', async (input, value, message) => {
    const run = await runAction({ server: gh, workspace: workspace(), inputs: { ...COMMON, [input]: value } })
    expect(run.code).toBe(1)
    expect(run.outputs.result).toBe('error')
    const errors = issued(run, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toContain(`bytescope: ${message}`)
    expect(errors[0]!.message).not.toContain('\n')
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
    // Every command the code printed is inside a stop-commands block, closed afterwards with its own token.
    const hostile = [
      '::set-output name=result::pwned',
      '::error file=app/noisy.py,line=1::injected annotation',
      'RuntimeError: ::warning::injected',
    ]
    let token: string | null = null
    const seen: string[] = []
    for (const line of run.stdout.split('\n')) {
      const stop = /^::stop-commands::(.+)$/.exec(line)
      if (stop) token = stop[1]!
      else if (token && line === `::${token}::`) token = null
      else if (hostile.some((h) => line.startsWith(h))) seen.push(token ? 'inside' : `outside: ${line}`)
    }
    // The two the code printed; its exception's message is in the progress line and the annotation, not on a line of
    // its own.
    expect(seen).toEqual(['inside', 'inside'])
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
    for (const flag of ['--entry-points', '--time-threshold', '--baseline-path', '--clock', '--results'])
      expect(run.stdout).toContain(flag)
  })

  it('describes --time-threshold by the time it compares by default', async () => {
    const run = await cli(['--help'])
    const line = run.stdout.split('\n').find((l) => l.trimStart().startsWith('--time-threshold'))
    expect(line).toContain("of each entry's fastest call, cpu time, unless --time-statistic or --clock say otherwise")
    expect(run.stdout).not.toContain('median time growth')
  })

  it('gates two files as the docs show, with no entry points configured', async () => {
    const run = await cli(['--results', baselinePath, '--baseline-path', baselinePath])
    expect(run.stderr).not.toContain('no entry points')
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^result: pass$/m)
  })

  it('runs the pipeline and prints the report; exit 1 on a regression', async () => {
    const run = await cli(
      ['--working-directory', 'project', '--baseline-path', baselinePath, '--time-threshold', '500%'],
      {
        FIXTURE_VARIANT: 'heavier',
      },
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('crunch')
    expect(run.stdout).not.toContain('::')
    // Rendered for a terminal: plain text that repeats the real command, not markdown with a placeholder path.
    expect(run.stdout).toMatch(/^bytescope: FAIL — /)
    for (const markup of ['&#', '<code>', '<details>', 'mermaid', '\u001b']) expect(run.stdout).not.toContain(markup)
    expect(run.stdout).toMatch(
      /^Reproduce: node \S*index\.js --working-directory project --baseline-path \S+ --time-threshold 500%$/m,
    )
    expect(run.stderr).toMatch(/^result: fail$/m)
    expect(run.stderr).toMatch(/^regression: crunch: instructions /m)
  })

  it('gates an existing results file without measuring', async () => {
    const run = await cli([
      '--working-directory',
      'project',
      '--results',
      baselinePath,
      '--baseline-path',
      baselinePath,
    ])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^result: pass$/m)
    expect(run.stderr).not.toContain('timing')
  })

  it('exits 2 with one line on a bad flag', async () => {
    const run = await cli(['--time-threshold', 'ten', '--entry-points', 'a:b'])
    expect(run.code).toBe(2)
    expect(run.stderr.trim()).toBe(
      'bytescope: error: --time-threshold: "ten" is not valid; expected a percentage such as "10%"',
    )
  })
})
