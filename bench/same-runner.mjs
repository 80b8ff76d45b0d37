#!/usr/bin/env node
// Same-runner mode against artifact mode, under a load that switches on and off: the bundled action's local CLI on a
// scratch git repository whose head commit is either identical to the base (A/A) or 10 % slower, counting failed
// checks, and the wall and CPU time of each job.
//
//   node bench/same-runner.mjs [--runs 20] [--python python3] [--load-seconds 3] [--cell TEXT ...]
//
// Per run, interleaved so machine drift hits every cell alike:
//   same-runner A/A (defaults), same-runner A/A (--clock wall), same-runner 10 % slower (defaults),
//   artifact A/A and artifact 10 % slower (defaults): the base measured in its own run (as a push to the default
//   branch stores it), head measured later and compared with it through --baseline-path.
// --cell (repeatable) keeps only the cells whose name contains TEXT.
// The load: one busy process per core, on for --load-seconds, off for as long, the whole time.
// The table so far is printed after every run, so a stopped bench still reports what it measured.
// Python writes its bytecode cache, as on a GitHub-hosted runner (PYTHONDONTWRITEBYTECODE is dropped).
// Uses BYTESCOPE_ACTION (default dist/index.js); /usr/bin/time, where it exists, gives each job's CPU time.
import { fork, spawn, spawnSync } from 'node:child_process'
import { clearInterval, setInterval } from 'node:timers'
import { cpus } from 'node:os'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { benchArgs } from './args.mjs'

const { option, options } = benchArgs()
const runs = Number(option('runs', '20'))
const python = option('python', '')
const loadSeconds = Number(option('load-seconds', '3'))
const chosen = options('cell')
const bundle = path.resolve(process.env.BYTESCOPE_ACTION ?? 'dist/index.js')

if (process.argv[2] === '--busy') {
  // The load generator's worker: burn CPU while on.
  for (;;) Math.sqrt(Math.random())
}

// A small text-processing workload (tokenise, count, rank, format); "10 % slower" does 11 passes instead of 10.
const WORKLOAD = (reps) => `REPS = ${reps}
WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
         "upsilon phi chi psi omega").split()
TEXT = " ".join(WORDS[(i * 7 + i // 3) % len(WORDS)] + str(i % 13) for i in range(1500))


def _report(text):
    counts = {}
    for token in text.split():
        word = token.rstrip("0123456789")
        counts[word] = counts.get(word, 0) + len(token)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "\\n".join(f"{word:>10} {count:6d}" for word, count in ranked)


def work():
    return [_report(TEXT) for _ in range(REPS)]
`

const root = mkdtempSync(path.join(tmpdir(), 'bytescope-same-runner-bench-'))
const { PYTHONDONTWRITEBYTECODE: _, ...inherited } = process.env
const env = {
  ...inherited,
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

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null
const CPU_MARK = 'bench-cpu-seconds'

/** The CLI as a child process (asynchronous, so the load keeps switching while it runs), with its CPU time. */
function bytescope(argv) {
  const [command, args] = TIME
    ? [TIME, ['-f', `${CPU_MARK} %U %S`, process.execPath, ...argv]]
    : [process.execPath, argv]
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (status) => {
      const cpu = new RegExp(`^${CPU_MARK} ([\\d.]+) ([\\d.]+)$`, 'm').exec(stderr)
      resolve({ status, stderr, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : null })
    })
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
  // The first failure line is time's when time failed (the gate lists time, memory, instructions in that order).
  return { failed: child.status === 1, timeFailed: reason.startsWith('time'), seconds, cpu: child.cpu, reason }
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
for (const name of Object.keys(CELLS))
  if (chosen.length && !chosen.some((text) => name.includes(text))) delete CELLS[name]

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

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const tally = Object.fromEntries(
  Object.keys(CELLS).map((name) => [name, { failed: 0, timeFailed: 0, runs: 0, seconds: [], cpu: [] }]),
)
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
/** The artifact cell with the same change as `name`, the denominator of its cost. */
const contrast = (name) => (name.includes('slower') ? 'artifact 10% slower (defaults)' : 'artifact A/A (defaults)')

function table(done) {
  const lines = [
    `${done} runs per cell; load average ${load()} now`,
    '| mode and change | check failed | on time | median job time (wall) | × artifact | median CPU time | × artifact |',
    '| :- | -: | -: | -: | -: | -: | -: |',
  ]
  for (const [name, t] of Object.entries(tally)) {
    // A contrast left out by --cell gives no ratio.
    const base = tally[contrast(name)] ?? { seconds: [], cpu: [] }
    const wall = median(t.seconds)
    const wallRatio = base.seconds.length ? `${(wall / median(base.seconds)).toFixed(2)}×` : '—'
    const cpu = t.cpu.length ? median(t.cpu) : null
    const baseCpu = base.cpu.length ? median(base.cpu) : null
    const cpuText = cpu === null ? '—' : `${cpu.toFixed(1)} s`
    const cpuRatio = cpu === null || baseCpu === null ? '—' : `${(cpu / baseCpu).toFixed(2)}×`
    lines.push(
      `| ${name} | ${t.failed} / ${t.runs} | ${t.timeFailed} | ${wall.toFixed(1)} s | ${wallRatio} | ${cpuText} | ${cpuRatio} |`,
    )
  }
  return lines.join('\n')
}

console.error(
  `bundle ${bundle}; ${runs} runs; load ${cpus().length} busy processes, ${loadSeconds} s on / ${loadSeconds} s off; ` +
    `load average ${load()} at the start`,
)
for (let run = 1; run <= runs; run++) {
  for (const [name, cell] of Object.entries(CELLS)) {
    const result = await cell()
    const t = tally[name]
    t.runs++
    if (result.failed) t.failed++
    if (result.timeFailed) t.timeFailed++
    t.seconds.push(result.seconds)
    if (result.cpu !== null) t.cpu.push(result.cpu)
    const cpu = result.cpu === null ? '' : `, CPU ${result.cpu.toFixed(1)} s`
    console.error(`run ${run} ${name.padEnd(36)} ${result.seconds.toFixed(1)} s${cpu}  ${result.reason}`)
  }
  console.error(table(run))
}
stopLoad()
console.log(table(runs))
rmSync(root, { recursive: true, force: true })
