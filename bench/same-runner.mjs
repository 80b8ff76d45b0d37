#!/usr/bin/env node
// Same-runner mode against artifact mode, under a load that switches on and off: the bundled action's local CLI on a
// scratch git repository whose head commit is either identical to the base (A/A) or 10 % slower, counting failures,
// and the wall time of each run.
//
//   node bench/same-runner.mjs [--runs 20] [--python python3] [--load-seconds 3]
//
// Per run, interleaved so machine drift hits every cell alike:
//   same-runner A/A (defaults), same-runner A/A (--clock wall), same-runner 10 % slower (defaults),
//   artifact A/A and artifact 10 % slower (defaults): the base measured in its own run (as a push to the default
//   branch stores it), head measured later and compared with it through --baseline-path.
// The load: one busy process per core, on for --load-seconds, off for as long, the whole time.
// Uses BYTESCOPE_ACTION (default dist/index.js).
import { fork, spawn, spawnSync } from 'node:child_process'
import { clearInterval, setInterval } from 'node:timers'
import { cpus } from 'node:os'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { benchArgs } from './args.mjs'

const { option } = benchArgs()
const runs = Number(option('runs', '20'))
const python = option('python', '')
const loadSeconds = Number(option('load-seconds', '3'))
const bundle = path.resolve(process.env.BYTESCOPE_ACTION ?? 'dist/index.js')

if (process.argv[2] === '--busy') {
  // The load generator's worker: burn CPU while on.
  for (;;) Math.sqrt(Math.random())
}

const WORKLOAD = (reps) => `REPS = ${reps}


def _chunk(data):
    total = 0
    for x in data:
        if x % 3:
            total += x * 2 % 7
        else:
            total -= x % 5
    return total


def work():
    data = list(range(1000, 5000))
    return sum(_chunk(data) for _ in range(REPS))
`

const root = mkdtempSync(path.join(tmpdir(), 'bytescope-same-runner-bench-'))
const env = {
  ...process.env,
  GITHUB_ACTIONS: '',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
}
const git = (cwd, ...a) => {
  const done = spawnSync('git', a, { cwd, env, encoding: 'utf8' })
  if (done.status !== 0) throw new Error(`git ${a.join(' ')}: ${done.stderr}`)
  return done.stdout.trim()
}

/** A repository with base (10 reps) and head commits; `base` is a worktree of the base for artifact mode. */
function repository(name, headReps) {
  const repo = path.join(root, name)
  mkdirSync(repo)
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(path.join(repo, 'workload.py'), WORKLOAD(10))
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'base')
  writeFileSync(path.join(repo, 'workload.py'), WORKLOAD(headReps))
  git(repo, 'commit', '-q', '--allow-empty', '-a', '-m', 'head')
  const base = path.join(root, `${name}-base`)
  git(repo, 'worktree', 'add', '-q', '--detach', base, 'HEAD~1')
  return { repo, base }
}

/** The CLI as a child process (asynchronous, so the load keeps switching while it runs). */
function bytescope(argv) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (status) => resolve({ status, stderr }))
  })
}

async function cli(cwd, extra) {
  const out = mkdtempSync(path.join(root, 'run-'))
  const argv = [bundle, '--working-directory', cwd, '--entry-points', 'work=workload:work', '--output-dir', out]
  if (python) argv.push('--python', python)
  const started = process.hrtime.bigint()
  const child = await bytescope([...argv, ...extra])
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (child.status !== 0 && child.status !== 1) throw new Error(`bytescope failed: ${child.stderr.slice(-2000)}`)
  const reason = /^regression: work: (.*)$/m.exec(child.stderr)?.[1] ?? 'pass'
  rmSync(out, { recursive: true, force: true })
  return { failed: child.status === 1, seconds, reason, out }
}

async function artifactRun(repos) {
  const out = mkdtempSync(path.join(root, 'baseline-'))
  // The default branch's run: stores its results (no baseline of its own here).
  const argv = [bundle, '--working-directory', repos.base, '--entry-points', 'work=workload:work', '--output-dir', out]
  if (python) argv.push('--python', python)
  const stored = await bytescope(argv)
  if (stored.status !== 0) throw new Error(`baseline run failed: ${stored.stderr.slice(-2000)}`)
  const run = await cli(repos.repo, ['--compare', 'artifact', '--baseline-path', path.join(out, 'results.json')])
  rmSync(out, { recursive: true, force: true })
  return run
}

const same = repository('same', 10)
const slower = repository('slower', 11)
const CELLS = {
  'same-runner A/A (defaults)': () => cli(same.repo, ['--compare', 'same-runner', '--base-ref', 'HEAD~1']),
  'same-runner A/A (clock: wall)': () =>
    cli(same.repo, ['--compare', 'same-runner', '--base-ref', 'HEAD~1', '--clock', 'wall']),
  'same-runner 10% slower (defaults)': () => cli(slower.repo, ['--compare', 'same-runner', '--base-ref', 'HEAD~1']),
  'artifact A/A (defaults)': () => artifactRun(same),
  'artifact 10% slower (defaults)': () => artifactRun(slower),
}

// The load generator: one busy process per core, switched on and off.
const busy = []
let on = false
const toggle = setInterval(() => {
  on = !on
  if (on) for (let i = 0; i < cpus().length; i++) busy.push(fork(process.argv[1], ['--busy'], { stdio: 'ignore' }))
  else for (const child of busy.splice(0)) child.kill('SIGKILL')
}, loadSeconds * 1000)
const stopLoad = () => {
  clearInterval(toggle)
  for (const child of busy.splice(0)) child.kill('SIGKILL')
}
process.on('exit', stopLoad)

const tally = Object.fromEntries(Object.keys(CELLS).map((name) => [name, { failed: 0, runs: 0, seconds: [] }]))
console.error(
  `bundle ${bundle}; ${runs} runs; load ${cpus().length} busy processes, ${loadSeconds} s on / ${loadSeconds} s off`,
)
for (let run = 1; run <= runs; run++) {
  for (const [name, cell] of Object.entries(CELLS)) {
    const result = await cell()
    const t = tally[name]
    t.runs++
    if (result.failed) t.failed++
    t.seconds.push(result.seconds)
    console.error(`run ${run} ${name.padEnd(36)} ${result.seconds.toFixed(1)} s  ${result.reason}`)
  }
}
stopLoad()

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const artifactSeconds = median([
  ...tally['artifact A/A (defaults)'].seconds,
  ...tally['artifact 10% slower (defaults)'].seconds,
])
console.log('| mode and change | check failed | median job time | vs artifact mode |')
console.log('| --- | --- | --- | --- |')
for (const [name, t] of Object.entries(tally)) {
  const seconds = median(t.seconds)
  console.log(
    `| ${name} | ${t.failed} / ${t.runs} | ${seconds.toFixed(1)} s | ${(seconds / artifactSeconds).toFixed(2)}× |`,
  )
}
rmSync(root, { recursive: true, force: true })
