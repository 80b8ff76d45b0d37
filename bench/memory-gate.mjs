#!/usr/bin/env node
// The memory gate, measured end to end: the bundled action's local CLI, with its default memory settings, on a
// workload whose tracemalloc peak varies between processes the way real code's does, and on one whose peak is exact.
//
//   node bench/memory-gate.mjs [--rounds 20] [--python PY] [--other-python PY ...] [-- CLI FLAGS...]
//   node bench/memory-gate.mjs --spread DIR ENTRY [--processes 30] [--python PY]
//
// Per round, each against a baseline of the unchanged workload measured once at the start:
//   varying A/A        the varying workload, unchanged            -> memory must never fail
//   varying +5%        the same with 5% of its peak more alive     -> memory must fail every time
//   exact A/A          the exact workload, unchanged              -> memory must never fail
//   exact +1KiB        a 1 KiB bytearray alive through the call    -> memory must fail every time
//   cross-version      varying +5% measured on another Python     -> memory must never fail (not comparable)
//   varying, no memory the unchanged varying workload with --memory false: what the memory processes cost
// Time is gated too, but only memory failures are counted here; `--time-confirmations 0` is passed so that a time
// false alarm does not spend the shared machine's time on re-measurements (it changes nothing about memory).
//
// --spread measures one entry of a real project (ENTRY as NAME=TARGET, DIR its project directory) in --processes
// fresh processes with the harness alone, and prints how often the gate would fail unchanged code and catch +5%,
// for several memory-runs and thresholds, by resampling those peaks. That is how the defaults were chosen.
//
// Uses BYTESCOPE_ACTION (default dist/index.js) and passes BYTESCOPE_PYTHON_DIR through.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchArgs } from './args.mjs'

const { args, option, options, extraFlags } = benchArgs()
const python = option('python', 'python3')
const root = mkdtempSync(path.join(tmpdir(), 'bytescope-memory-gate-'))
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

// A parse tree rendered through identity-hashed sets and dicts, with a cache that grows as it goes. Rendered text
// waits until its parent's render takes it over; how much waits at once depends on the order nodes come out of the
// set, which follows their addresses, which differ between processes. ORDERED walks the list instead: exact.
const WORKLOAD = `"""bytescope memory-gate workload ({variant})."""
EXTRA = {extra}
ORDERED = {ordered}
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]
SOURCE = "\\n".join(
    "  " * (i % 4) + " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1 + i % 7)) for i in range(3000)
)


class Node:
    def __init__(self, depth, text, parent):
        self.depth = depth
        self.text = text
        self.parent = parent
        self.children = []


def parse(source):
    root = Node(-1, "", None)
    stack = [root]
    nodes = []
    for line in source.splitlines():
        depth = (len(line) - len(line.lstrip())) // 2
        while stack[-1].depth >= depth:
            stack.pop()
        node = Node(depth, line.strip(), stack[-1])
        stack[-1].children.append(node)
        stack.append(node)
        nodes.append(node)
    return root, nodes


def work():
    keep = bytearray(EXTRA) if EXTRA else None  # alive through the whole call, so at its peak
    root, nodes = parse(SOURCE)
    out = {}
    cache = {}
    for node in nodes if ORDERED else set(nodes):
        words = node.text.split()
        rendered = " ".join(cache.setdefault(w, w.upper()) for w in words)
        if len(words) >= 4:
            out[node] = rendered
        for child in node.children:
            out.pop(child, None)
    return len(out), keep
`

function writeWorkload(name, extra, ordered) {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  const source = WORKLOAD.replace('{variant}', name)
    .replace('{extra}', String(extra))
    .replace('{ordered}', ordered ? 'True' : 'False')
  writeFileSync(path.join(dir, 'workload.py'), source)
  return dir
}

function runCli(dir, interpreter, extra = []) {
  const out = mkdtempSync(path.join(root, 'run-'))
  const bundle = path.resolve(process.env.BYTESCOPE_ACTION ?? 'dist/index.js')
  const argv = [bundle, '--working-directory', dir, '--entry-points', 'work=workload:work', '--output-dir', out]
  argv.push('--python', interpreter, '--time-confirmations', '0', ...extraFlags, ...extra)
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: '' } })
  if (child.status === 2 || child.status === null) throw new Error(`bytescope failed in ${dir}: ${child.stderr}`)
  const memoryFailures = [...child.stderr.matchAll(/^regression: work: memory (.*)$/gm)].map((m) => m[1])
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'))
  return { memoryFailures, results, entry: results.entries[0] }
}

function endToEnd() {
  const rounds = Number(option('rounds', '20'))
  const others = options('other-python')
  const started = new Date()
  console.error(`workloads in ${root}; ${rounds} rounds; ${python}; other Pythons: ${others.join(', ') || 'none'}`)
  const varying = writeWorkload('varying', 0, false)
  const exact = writeWorkload('exact', 0, true)
  const baseOf = (dir) => {
    const run = runCli(dir, python)
    const file = path.join(dir, '..', `${path.basename(dir)}-baseline.json`)
    writeFileSync(file, JSON.stringify(run.results))
    return { file, memory: run.entry.memory, version: run.results.environment.python_version }
  }
  const varyingBase = baseOf(varying)
  const exactBase = baseOf(exact)
  const fivePercent = Math.round(0.05 * median(varyingBase.memory.peaks_bytes))
  const variants = {
    'varying A/A': { dir: varying, base: varyingBase, expect: 'pass' },
    'varying +5%': { dir: writeWorkload('varying-plus-5', fivePercent, false), base: varyingBase, expect: 'fail' },
    'exact A/A': { dir: exact, base: exactBase, expect: 'pass' },
    'exact +1KiB': { dir: writeWorkload('exact-plus-1KiB', 1024, true), base: exactBase, expect: 'fail' },
  }
  if (others.length > 0) variants['cross-version +5%'] = { ...variants['varying +5%'], expect: 'pass', other: true }
  const tally = Object.fromEntries(Object.keys(variants).map((v) => [v, { runs: 0, failed: 0, peaks: [] }]))
  const cost = { on: [], off: [] }
  for (let round = 1; round <= rounds; round++) {
    for (const [name, v] of Object.entries(variants)) {
      const interpreter = v.other ? others[(round - 1) % others.length] : python
      const run = runCli(v.dir, interpreter, ['--baseline-path', v.base.file])
      const t = tally[name]
      t.runs++
      if (run.memoryFailures.length > 0) t.failed++
      t.peaks.push(...(run.entry.memory?.peaks_bytes ?? []))
      if (name === 'varying A/A') cost.on.push(run.entry.elapsed_ns)
      const shown = run.memoryFailures.join(' | ') || 'pass'
      console.error(`round ${round} ${name.padEnd(18)} Python ${run.results.environment.python_version}: ${shown}`)
    }
    cost.off.push(runCli(varying, python, ['--memory', 'false']).entry.elapsed_ns)
  }
  const range = (peaks) => `${Math.min(...peaks)}–${Math.max(...peaks)}`
  const spread = (peaks) => `${((Math.max(...peaks) / Math.min(...peaks) - 1) * 100).toFixed(2)}%`
  console.log(
    `\nMemory gate: ${rounds} rounds, ${started.toISOString().slice(0, 16)}–${new Date().toISOString().slice(11, 16)} UTC, ` +
      `Python ${varyingBase.version}, flags: ${extraFlags.join(' ') || '(defaults)'}, load average at the end: ${load()}`,
  )
  console.log(
    `baselines: varying ${range(varyingBase.memory.peaks_bytes)} B, exact ${range(exactBase.memory.peaks_bytes)} B; +5% = ${fivePercent} B`,
  )
  console.log('| variant | runs | memory failures | expected | peaks over all runs (B) | spread |')
  console.log('| :- | -: | -: | :- | :- | -: |')
  for (const [name, t] of Object.entries(tally)) {
    const expected = variants[name].expect === 'pass' ? 'none' : 'every run'
    console.log(`| ${name} | ${t.runs} | ${t.failed} | ${expected} | ${range(t.peaks)} | ${spread(t.peaks)} |`)
  }
  const [on, off] = [median(cost.on), median(cost.off)]
  console.log(
    `cost: entry measured in ${(on / 1e9).toFixed(2)} s with memory (median), ${(off / 1e9).toFixed(2)} s without: ` +
      `the memory processes are ${(((on - off) / on) * 100).toFixed(0)}% of the entry's measurement time`,
  )
  const checks = Object.entries(tally).map(([name, t]) => {
    const ok = variants[name].expect === 'pass' ? t.failed === 0 : t.failed === t.runs
    return [`${name}: ${variants[name].expect === 'pass' ? 'never fails' : 'fails every time'}`, ok]
  })
  for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'MISS'} ${what}`)
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
}

/** Peaks of one entry in `processes` fresh processes, from one harness run. */
function spreadOf(dir, entryText, processes) {
  const out = path.join(root, 'spread.json')
  const pythonDir =
    process.env.BYTESCOPE_PYTHON_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'python')
  const argv = ['-m', 'bytescope', 'run', '--cwd', dir, '--entry', entryText, '--out', out]
  argv.push('--repeat', '3', '--memory-runs', String(processes))
  const child = spawnSync(python, argv, { cwd: pythonDir, encoding: 'utf8' })
  if (child.status !== 0) throw new Error(`the harness failed: ${child.stderr}`)
  const results = JSON.parse(readFileSync(out, 'utf8'))
  return { peaks: results.entries[0].memory.peaks_bytes, version: results.environment.python_version }
}

/** How often `runs` peaks a side would fail unchanged code / catch +5%, resampling the measured peaks. */
function resample(peaks, runs, threshold, trials = 20000) {
  let seed = 12345
  const pick = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return peaks[Math.floor((seed / 2147483648) * peaks.length)]
  }
  const side = () => Array.from({ length: runs }, pick)
  let falseFailures = 0
  let caught = 0
  for (let i = 0; i < trials; i++) {
    const base = side()
    const head = side()
    const exact = new Set([...base, ...head]).size === 1
    const grew = (h) => Math.min(...h) - Math.max(...base)
    const counts = (h) => grew(h) / Math.max(...base) > threshold || (exact && grew(h) >= 1024)
    if (counts(head)) falseFailures++
    if (counts(head.map((p) => p * 1.05))) caught++
  }
  return { falseFailures: falseFailures / trials, caught: caught / trials }
}

function spreadStudy() {
  const i = args.indexOf('--spread')
  const [dir, entryText] = [path.resolve(args[i + 1]), args[i + 2]]
  const processes = Number(option('processes', '30'))
  const { peaks, version } = spreadOf(dir, entryText, processes)
  const sorted = [...peaks].sort((a, b) => a - b)
  console.log(
    `\n${entryText} in ${dir}: ${processes} processes, Python ${version}, ${new Date().toISOString().slice(0, 16)} UTC, load ${load()}`,
  )
  console.log(
    `peaks (B): ${sorted[0]} … ${median(sorted)} … ${sorted.at(-1)}; spread ${((sorted.at(-1) / sorted[0] - 1) * 100).toFixed(2)}%`,
  )
  console.log('| memory-runs | threshold | unchanged code fails | +5% caught |')
  console.log('| -: | -: | -: | -: |')
  for (const runs of [1, 2, 3, 5]) {
    for (const threshold of [0.001, 0.005, 0.01, 0.015, 0.02]) {
      const { falseFailures, caught } = resample(peaks, runs, threshold)
      const pct = (x) => `${(x * 100).toFixed(2)}%`
      console.log(`| ${runs} | ${threshold * 100}% | ${pct(falseFailures)} | ${pct(caught)} |`)
    }
  }
}

if (args.includes('--spread')) spreadStudy()
else endToEnd()
