// `npm test`: vitest, then the Python unittest suite on every CPython 3.10+ found on this machine and on CPython 3.14
// compiled to WebAssembly (the `pyodide` dev dependency, run by scripts/pyodide-tests.mjs), installed by npm ci.
// Prints a line per interpreter and ends with one "N passed, N failed, N skipped" line for the whole run.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { clearTimeout, setTimeout } from 'node:timers'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { findPythons, noPythonMessage } from './find-pythons.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const jobs = Math.max(1, Number(process.env.BYTESCOPE_TEST_JOBS ?? 2))
// The runner's own tests point it at a scratch suite.
const pythonTests = process.env.BYTESCOPE_PYTHON_TESTS ?? 'python/tests'
const pythonTop = process.env.BYTESCOPE_PYTHON_TESTS ? pythonTests : 'python'
// The suite takes 1.5-3 minutes there (measured under load); a hang (nothing inside Pyodide can time itself out)
// fails the run.
const pyodideTimeoutMs = 15 * 60 * 1000

function run(command, args, { capture = false, timeoutMs } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    let output = ''
    if (capture) {
      child.stdout.on('data', (d) => (output += d))
      child.stderr.on('data', (d) => (output += d))
    }
    const timer =
      timeoutMs &&
      setTimeout(() => {
        output += `\n(killed after ${timeoutMs / 1000}s)\n`
        child.kill('SIGKILL')
      }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? (signal ? 128 : 1), output })
    })
    child.on('error', (error) => resolve({ code: 127, output: String(error) }))
  })
}

/** Counts from unittest's closing lines: "Ran N tests in …" then "OK (skipped=S)" or "FAILED (failures=F, errors=E)". */
export function parseUnittest(output) {
  const ran = /^Ran (\d+) tests? in /m.exec(output)
  const tail = /^(OK|FAILED)(?: \(([^)]*)\))?\s*$/m.exec(output.slice(ran ? ran.index : 0))
  const field = (name) => Number(new RegExp(`${name}=(\\d+)`).exec(tail?.[2] ?? '')?.[1] ?? 0)
  const total = ran ? Number(ran[1]) : 0
  const failed = field('failures') + field('errors') + field('unexpected successes')
  const skipped = field('skipped') + field('expected failures')
  return { ok: tail?.[1] === 'OK', total, failed, skipped, passed: total - failed - skipped }
}

async function vitest() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-vitest-'))
  const report = path.join(dir, 'report.json')
  const { code } = await run('npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ])
  let counts = { passed: 0, failed: 0, skipped: 0 }
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'))
    // A file that fails before running any test (e.g. an import error) counts as one failure.
    const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0)
    counts = {
      passed: json.numPassedTests,
      failed: json.numFailedTests + brokenFiles.length,
      skipped: json.numPendingTests + json.numTodoTests,
    }
  } catch {
    counts.failed = 1 // no report: vitest itself failed
  }
  rmSync(dir, { recursive: true, force: true })
  const ok = code === 0 && counts.failed === 0 && counts.passed > 0
  console.log(
    `vitest: ${ok ? 'ok' : 'FAILED'}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  )
  return { ok, ...counts }
}

/** The flag this Node needs for WebAssembly stack switching (JSPI), which asyncio.run() needs under Pyodide. */
function stackSwitchingFlags() {
  if (typeof globalThis.WebAssembly.Suspending === 'function') return [] // JSPI on by default
  for (const flag of ['--experimental-wasm-jspi', '--experimental-wasm-stack-switching']) {
    if (spawnSync(process.execPath, [flag, '-e', ''], { stdio: 'ignore' }).status === 0) return [flag]
  }
  return []
}

async function pythonSuites() {
  const { found, tried } = findPythons()
  if (found.length === 0) {
    console.error(noPythonMessage(tried))
    return { ok: false, passed: 0, failed: 1, skipped: 0 }
  }
  console.log(`python: testing on ${found.map((p) => `${p.minor} (${p.executable})`).join(', ')}, 3.14 (pyodide)`)
  const pyodide = {
    name: '3.14 (pyodide)',
    command: process.execPath,
    args: [...stackSwitchingFlags(), 'scripts/pyodide-tests.mjs', pythonTests, pythonTop],
    timeoutMs: pyodideTimeoutMs,
  }
  const args = ['-X', 'utf8', '-m', 'unittest', 'discover', '-s', pythonTests, '-t', pythonTop]
  const suites = found.map((p) => ({ name: p.minor, command: p.executable, args, shown: p.executable }))
  const results = []
  const queue = [...suites, pyodide] // Pyodide last: it takes one core for its whole run
  const worker = async () => {
    for (let suite = queue.shift(); suite; suite = queue.shift()) {
      const started = Date.now()
      const { code, output } = await run(suite.command, suite.args, { capture: true, timeoutMs: suite.timeoutMs })
      const counts = parseUnittest(output)
      const ok = code === 0 && counts.ok && counts.total > 0
      // A run that died before unittest's summary (a crash, a timeout) counts as one failure.
      if (!ok && counts.failed === 0) counts.failed = 1
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      // Failures print the whole output so the failing interpreter's tracebacks are in the log.
      if (!ok) process.stdout.write(`\n----- Python ${suite.name} output -----\n${output}\n`)
      console.log(
        `python ${suite.name}: ${ok ? 'ok' : 'FAILED'}: ${counts.passed} passed, ${counts.failed} failed, ` +
          `${counts.skipped} skipped in ${seconds}s${suite.shown ? ` (${suite.shown})` : ''}`,
      )
      results.push({ ok, ...counts })
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker))
  return results.reduce(
    (a, r) => ({
      ok: a.ok && r.ok,
      passed: a.passed + r.passed,
      failed: a.failed + r.failed,
      skipped: a.skipped + r.skipped,
    }),
    { ok: true, passed: 0, failed: 0, skipped: 0 },
  )
}

// Every temporary file of the suites (vitest, the processes it starts, Python's tempfile) goes into one directory,
// removed after a passing run: the tests need not each clean up, and a shared machine's /tmp does not fill up. A
// failing run keeps it for a look.
const scratch = mkdtempSync(path.join(tmpdir(), 'tests-scratch-'))
for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = scratch

const only = process.argv[2]
const parts = []
if (only !== 'python') parts.push(await vitest())
if (only !== 'vitest') parts.push(await pythonSuites())
const total = parts.reduce((a, r) => ({
  passed: a.passed + r.passed,
  failed: a.failed + r.failed,
  skipped: a.skipped + r.skipped,
}))
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
const ok = parts.every((p) => p.ok)
if (ok) rmSync(scratch, { recursive: true, force: true })
else console.log(`temporary files of this run: ${scratch}`)
process.exit(ok ? 0 : 1)
