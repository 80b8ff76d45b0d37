// Cancelling a same-runner comparison: the bundled CLI as a process, in a real git repository, with an entry that
// sleeps and leaves a child process of its own. GitHub cancels a job with SIGINT then SIGTERM; a CI step's timeout
// sends SIGTERM. Afterwards no Python process of the run is left, no worktree is registered and the base checkout's
// directory is gone, and the CLI said so in one line and exited non-zero.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { actionBundle } from './support/action.js'

function git(cwd: string, ...args: string[]): string {
  const identity = {
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  }
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } }).trim()
}

/** A repository whose entry starts a sleeping child (its pid in `started`) and then sleeps itself. */
function repository(root: string): { repo: string; base: string } {
  const repo = join(root, 'repo')
  mkdirSync(join(repo, 'pkg'), { recursive: true })
  const started = join(root, 'started')
  const slow = (seconds: number) =>
    [
      'import os, subprocess, sys, time',
      '',
      'def work():',
      // The run's directory in the child's command line marks it as one of the run's processes.
      `    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", ${JSON.stringify(root)}])`,
      `    with open(${JSON.stringify(started)}, "a") as f:`,
      '        f.write(f"{os.getpid()} {child.pid}\\n")',
      `    time.sleep(${seconds})`,
      '',
    ].join('\n')
  writeFileSync(join(repo, 'pkg', '__init__.py'), '')
  writeFileSync(join(repo, 'pkg', 'slow.py'), slow(60))
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'base')
  const base = git(repo, 'rev-parse', 'HEAD')
  writeFileSync(join(repo, 'pkg', 'slow.py'), slow(61))
  git(repo, 'commit', '-q', '-am', 'head')
  return { repo, base }
}

/** Processes whose command line names `marker` (the run's directory): the harness, its workers, their children. */
function processesOf(marker: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (command.includes(marker)) found.push(`${pid}: ${command}`)
    } catch {
      // gone meanwhile
    }
  }
  return found
}

async function cancelMidRound(signals: NodeJS.Signals[]) {
  const root = mkdtempSync(join(tmpdir(), 'bytescope-cancel-'))
  const runnerTemp = join(root, 'runner-temp')
  mkdirSync(runnerTemp)
  const { repo, base } = repository(root)
  const args = ['--entry-points', 'pkg.slow:work', '--base-ref', base, '--repeat', '2']
  const child = spawn(process.execPath, [actionBundle(), ...args, '--output-dir', join(root, 'out')], {
    cwd: repo,
    env: { ...process.env, RUNNER_TEMP: runnerTemp, GITHUB_ACTIONS: '' },
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  // Mid-round: the base's worker is in the entry's sleep, with its own child running.
  const deadline = Date.now() + 60_000
  while (!existsSync(join(root, 'started')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  expect(stderr).toContain('round 1: base')
  const running = processesOf(root)
  // As GitHub does, the next signal comes once the first is being handled (GitHub waits 7.5 s).
  for (const [index, signal] of signals.entries()) {
    child.kill(signal)
    if (index === signals.length - 1) break
    while (!stderr.includes(`${signal} received`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  }
  const code = await exited
  return { code, stderr, root, repo, runnerTemp, running }
}

async function expectNothingLeft(root: string, repo: string, runnerTemp: string): Promise<void> {
  // SIGKILL is delivered asynchronously; a process killed is gone within milliseconds.
  const deadline = Date.now() + 3_000
  while (processesOf(root).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  expect(processesOf(root)).toEqual([])
  expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1)
  expect(readdirSync(runnerTemp)).toEqual([])
}

describe.skipIf(process.platform !== 'linux')('cancelling a same-runner comparison', () => {
  test('SIGTERM mid-round stops the harness, its worker and the entry child, and removes the worktree', async () => {
    const { code, stderr, root, repo, runnerTemp, running } = await cancelMidRound(['SIGTERM'])
    // The harness, the worker and the entry's child were there to be stopped.
    expect(running.length).toBeGreaterThanOrEqual(3)
    expect(code, stderr).toBe(143)
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      'bytescope: cancelled by SIGTERM: stopped the harness, removed the base checkout',
    )
    expect(stderr).not.toMatch(/round 2|Traceback|harness failed/)
    await expectNothingLeft(root, repo, runnerTemp)
  }, 120_000)

  test("GitHub's SIGINT then SIGTERM: one cancellation, nothing left", async () => {
    const { code, stderr, root, repo, runnerTemp } = await cancelMidRound(['SIGINT', 'SIGTERM'])
    expect(code, stderr).toBe(130)
    expect(stderr.match(/cancelled/g)).toHaveLength(1)
    expect(stderr).not.toMatch(/Traceback|KeyboardInterrupt/)
    await expectNothingLeft(root, repo, runnerTemp)
  }, 120_000)
})
