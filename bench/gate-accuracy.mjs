#!/usr/bin/env node
// Gate accuracy, measured end to end: the bundled action's local CLI, with its default settings, run again and again
// on a small workload against a baseline of the unchanged workload, counting how often it fails.
//
//   node bench/gate-accuracy.mjs [--rounds 20] [--python python3] [-- CLI FLAGS...]
//
// Flags after `--` go to every bytescope run, to measure settings other than the defaults, e.g.
//   node bench/gate-accuracy.mjs -- --time-statistic median --clock wall --time-confirmations 0
//
// Variants (one of each per round, interleaved so machine drift hits them alike):
//   unchanged     the baseline's own code            -> should never fail (false alarms)
//   slower-10%    11 instead of 10 repetitions        -> time should fail (detection rate)
//   plus-1KiB     one 1 KiB bytearray alive at peak   -> memory should fail every time
//   plus-1-instr  one UNARY_NEGATIVE in the hot loop  -> instructions should fail every time
// The baseline is made the way a default branch makes it (see below).
// Every run counts instructions (`--instructions`, the one non-default flag, needed by the last variant; it is a
// separate pass after timing, so it does not change the timings).
//
// Uses BYTESCOPE_ACTION (default dist/index.js) and passes BYTESCOPE_PYTHON_DIR through.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { benchArgs } from './args.mjs'

const { option, extraFlags: gateFlags } = benchArgs()
const rounds = Number(option('rounds', '20'))
const python = option('python', '')
const bundle = path.resolve(process.env.BYTESCOPE_ACTION ?? 'dist/index.js')

const WORKLOAD = `"""bytescope gate-accuracy workload (variant: {variant})."""
REPS = {reps}


def _chunk(data):
    total = 0
    for x in data:
        if x % 3:
            total += x * 2 % 7
        else:
            total -= x % 5
    return total


def work():
    keep = {keep}
    data = list(range(1000, 5000))
    total = 0
    for _ in range(REPS):
        total += _chunk(data)
    return total + len(keep)
`

// plus-1-instr writes `total -= -(v)` for `total += v`: same result, exactly one more instruction (UNARY_NEGATIVE).
const VARIANTS = {
  unchanged: { reps: 10, keep: '[]' },
  'slower-10%': { reps: 11, keep: '[]' },
  'plus-1KiB': { reps: 10, keep: '[bytearray(1024)]' },
  'plus-1-instr': { reps: 10, keep: '[]', negate: true },
}

const root = mkdtempSync(path.join(tmpdir(), 'bytescope-accuracy-'))
for (const [name, v] of Object.entries(VARIANTS)) {
  const dir = path.join(root, name)
  mkdirSync(dir)
  let source = WORKLOAD.replace('{variant}', name).replace('{reps}', String(v.reps)).replace('{keep}', v.keep)
  if (v.negate) source = source.replace('total += x * 2 % 7', 'total -= -(x * 2 % 7)')
  writeFileSync(path.join(dir, 'workload.py'), source)
}

function runCli(variant, extra = []) {
  const out = mkdtempSync(path.join(root, 'run-'))
  const argv = [
    bundle,
    '--working-directory',
    path.join(root, variant),
    '--entry-points',
    'work=workload:work',
    '--instructions',
    '--output-dir',
    out,
    ...(python ? ['--python', python] : []),
    ...gateFlags,
    ...extra,
  ]
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: '' } })
  if (child.status === 2 || child.status === null)
    throw new Error(`bytescope failed on ${variant}: ${child.stderr.slice(-2000)}`)
  const failed = [...child.stderr.matchAll(/^regression: work: (\w+) (.*)$/gm)].map((m) => ({
    metric: m[1],
    reason: m[2],
  }))
  return { status: child.status, failed, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

console.error(`bundle ${bundle}; workloads in ${root}; ${rounds} rounds; flags: ${gateFlags.join(' ') || '(defaults)'}`)
// The baseline as a default branch produces it: each push is gated against the previous baseline, so a measurement
// that landed in a disturbed window looks like a regression, is re-measured, and is stored with its calls pooled.
// Two generations: a first measurement, then the stored one gated against it.
const basePath = path.join(root, 'baseline.json')
writeFileSync(basePath, JSON.stringify(runCli('unchanged').results))
const baseline = runCli('unchanged', ['--baseline-path', basePath, '--fail-on-regression', 'false'])
writeFileSync(basePath, JSON.stringify(baseline.results))
const base = baseline.results.entries[0]
console.error(
  `baseline: Python ${baseline.results.environment.python_version}, repeat ${baseline.results.settings.repeat}, median ${(base.time.median_ns / 1e6).toFixed(2)} ms, ` +
    `peak ${base.memory.peak_bytes} B, ${base.instructions.total} instructions`,
)

const tally = Object.fromEntries(
  Object.keys(VARIANTS).map((v) => [
    v,
    { runs: 0, failed: 0, byMetric: {}, changes: [], cpuMinChanges: [], instrDelta: new Set(), peakDelta: new Set() },
  ]),
)
const started = Date.now()
for (let round = 1; round <= rounds; round++) {
  for (const variant of Object.keys(VARIANTS)) {
    const run = runCli(variant, ['--baseline-path', basePath])
    const head = run.results.entries[0]
    const t = tally[variant]
    t.runs++
    if (run.failed.length) t.failed++
    for (const f of run.failed) t.byMetric[f.metric] = (t.byMetric[f.metric] ?? 0) + 1
    t.changes.push(head.time.median_ns / base.time.median_ns - 1)
    t.cpuMinChanges.push(Math.min(...head.time.cpu_samples_ns) / Math.min(...base.time.cpu_samples_ns) - 1)
    t.instrDelta.add(head.instructions.total - base.instructions.total)
    t.peakDelta.add(head.memory.peak_bytes - base.memory.peak_bytes)
    const failedText = run.failed.map((f) => `${f.metric}: ${f.reason}`).join(' | ') || 'pass'
    console.error(`round ${round} ${variant.padEnd(13)} ${failedText}`)
  }
}

const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
console.log(
  `\nGate accuracy: ${rounds} rounds, ${((Date.now() - started) / 60000).toFixed(1)} min, Python ${baseline.results.environment.python_version}, ` +
    `flags: ${gateFlags.join(' ') || '(defaults)'}, load average at the end: ${load}`,
)
// Time changes of the gated results (re-measured entries include their pooled calls), lowest … median … highest.
console.log('| variant | runs | failed | by metric | wall median Δ | CPU min Δ | peak Δ (B) | instructions Δ |')
console.log('| :- | -: | -: | :- | :- | :- | :- | :- |')
const spread = (c) => `${pct(Math.min(...c))} … ${pct(median(c))} … ${pct(Math.max(...c))}`
for (const [variant, t] of Object.entries(tally)) {
  const c = t.changes
  console.log(
    `| ${variant} | ${t.runs} | ${t.failed} | ${
      Object.entries(t.byMetric)
        .map(([m, n]) => `${m} ${n}`)
        .join(', ') || '—'
    } | ` +
      `${spread(c)} | ${spread(t.cpuMinChanges)} | ${[...t.peakDelta].join(', ')} | ${[...t.instrDelta].join(', ')} |`,
  )
}
const rate = (variant, metric) => (tally[variant].byMetric[metric] ?? 0) / tally[variant].runs
const checks = [
  ['unchanged: no failure', tally.unchanged.failed === 0],
  ['slower-10%: time detected in >= 95%', rate('slower-10%', 'time') >= 0.95],
  ['plus-1KiB: memory detected every time', rate('plus-1KiB', 'memory') === 1],
  ['plus-1-instr: instructions detected every time', rate('plus-1-instr', 'instructions') === 1],
]
for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'MISS'} ${what}`)
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
