// Runs the Python side: finds a CPython 3.10+ interpreter, then `python -m bytescope run --config FILE.json` from
// the action's own python/ folder (an argument array, never a shell), relaying its progress one log group per entry.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cancelled, OWN_GROUP, stop, track } from './cancellation.js'
import { childEnvironment } from './child-environment.js'
import type { Config } from './config.js'
import type { Log } from './log.js'
import { parseResults, type Results } from './results.js'

/** A failure to run the harness (not a failing entry, which is a result): `message` is one line. */
export class HarnessError extends Error {
  override name = 'HarnessError'
}

export interface Interpreter {
  /** The command as configured (`python3`) and what it runs. */
  command: string
  executable: string
  version: string
  implementation: string
}

const MINIMUM = [3, 10] as const
const MAX_TIMER_MS = 2 ** 31 - 1
const PROBE =
  'import json, platform, sys; print(json.dumps([platform.python_implementation(), platform.python_version(), sys.executable]))'

/** The harness's folder: `<bundle dir>/../python`, or BYTESCOPE_PYTHON_DIR. */
export function pythonDir(): string {
  if (process.env.BYTESCOPE_PYTHON_DIR) return path.resolve(process.env.BYTESCOPE_PYTHON_DIR)
  const bundleDir = path.dirname(fileURLToPath(import.meta.url))
  return path.resolve(bundleDir, '..', 'python')
}

/** The configured interpreter, or the first of `python3`, `python` that exists; checked to be CPython 3.10+. */
export async function findInterpreter(config: Pick<Config, 'python' | 'workingDirectory'>): Promise<Interpreter> {
  const candidates = config.python ? [config.python] : ['python3', 'python']
  for (const command of candidates) {
    const probe = await execute(command, ['-c', PROBE], { cwd: config.workingDirectory, timeoutMs: 60_000 })
    if (probe.missing) continue
    if (probe.code !== 0) {
      throw new HarnessError(
        `python: ${JSON.stringify(command)} did not start (exit ${probe.code}): ${lastLine(probe.stderr)}`,
      )
    }
    let implementation: string, version: string, executable: string
    try {
      ;[implementation, version, executable] = JSON.parse(probe.stdout) as [string, string, string]
    } catch {
      throw new HarnessError(
        `python: ${JSON.stringify(command)} is not a Python interpreter (it printed ${JSON.stringify(probe.stdout.slice(0, 80))})`,
      )
    }
    const [major = 0, minor = 0] = version.split('.').map(Number)
    if (implementation !== 'CPython' || major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
      throw new HarnessError(
        `python: ${JSON.stringify(command)} (${executable}) is ${implementation} ${version}; bytescope needs CPython ${MINIMUM.join('.')} or newer (set the python input, e.g. after actions/setup-python)`,
      )
    }
    return { command, executable, version, implementation }
  }
  throw new HarnessError(
    config.python
      ? `python: ${JSON.stringify(config.python)} was not found`
      : 'python: neither python3 nor python was found on PATH; install one (e.g. actions/setup-python) or set the python input',
  )
}

export interface HarnessRun {
  results: Results
  resultsPath: string
}

/** Where a run measures: another checkout's project directory (same-runner mode's base), and which passes run. */
export interface HarnessSide {
  /** The project directory in that checkout; config.workingDirectory by default. */
  projectDir?: string
  /** The checkout every entry's code must come from (the harness reports an entry imported from elsewhere). */
  tree?: string | null
  /** Profile one call (off for rounds that only add time samples). */
  profile?: boolean
  /** The measuring worker measures the first of the `memoryRuns` peaks (same-runner rounds provide the processes). */
  peakInWorker?: boolean
}

/** Measures every entry; throws HarnessError when the harness itself fails or writes no valid results. */
export async function runHarness(
  config: Config,
  interpreter: Interpreter,
  outputDir: string,
  log: Log,
  side: HarnessSide = {},
): Promise<HarnessRun> {
  mkdirSync(outputDir, { recursive: true })
  const resultsPath = path.join(outputDir, 'results.json')
  const configPath = path.join(outputDir, 'harness-config.json')
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        entries: config.entryPoints.map(({ name, target }) => ({ name, target })),
        repeat: config.repeat,
        warmup: config.warmup,
        timeout: config.timeout,
        memory: config.memory,
        memory_runs: config.memoryRuns,
        instructions: config.instructions,
        profile: side.profile ?? true,
        peak_in_worker: side.peakInWorker ?? false,
        cwd: side.projectDir ?? config.workingDirectory,
        python_path: config.pythonPath,
        tree: side.tree ?? null,
        out: resultsPath,
      },
      null,
      2,
    ),
  )
  const progress = new ProgressGroups(
    config.entryPoints.map((e) => e.name),
    log,
  )
  // The harness stops each entry at its timeout; this only guards against the harness itself hanging. Node fires a
  // timer longer than its limit (2^31 - 1 ms, 24.8 days) at once, so the guard is clamped below it.
  const timeoutMs = Math.min((config.entryPoints.length * (config.timeout + 60) + 60) * 1000, MAX_TIMER_MS)
  const run = await execute(interpreter.executable, ['-m', 'bytescope', 'run', '--config', configPath], {
    // Run from the harness's folder so `-m bytescope` is ours even if the project has a module of that name.
    cwd: pythonDir(),
    timeoutMs,
    onStderrLine: (line) => progress.line(line),
    what: 'the harness',
  })
  progress.close()
  if (run.missing) throw new HarnessError(`python: ${interpreter.executable} disappeared`)
  if (run.timedOut)
    throw new HarnessError(`the harness did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`)
  if (run.code === 2) throw new HarnessError(`the harness rejected its settings: ${lastLine(run.stderr)}`)
  if (run.code !== 0 && run.code !== 1) {
    throw new HarnessError(`the harness failed (exit ${run.code ?? run.signal}): ${lastLine(run.stderr)}`)
  }
  let text: string
  try {
    text = readFileSync(resultsPath, 'utf8')
  } catch {
    throw new HarnessError(`the harness exited ${run.code} but wrote no results file at ${resultsPath}`)
  }
  const results = parseResults(text, resultsPath)
  return { results, resultsPath }
}

/** `python -m bytescope diff BASE HEAD --json`: the bytecode diff the report shows; null when it could not be made. */
export async function bytecodeDiff(
  interpreter: Interpreter,
  basePath: string,
  headPath: string,
  log: Log,
): Promise<unknown> {
  const run = await execute(interpreter.executable, ['-m', 'bytescope', 'diff', basePath, headPath, '--json'], {
    cwd: pythonDir(),
    timeoutMs: 120_000,
  })
  if (run.code === 0) {
    try {
      return JSON.parse(run.stdout)
    } catch {
      // fall through to the warning below
    }
  }
  log.info('bytescope: the bytecode diff could not be computed; the report leaves it out:')
  log.untrusted(lastLine(run.stderr) || `exit ${run.code}`)
  return null
}

/** One log group per entry, from the harness's `[i/n] name: …` progress lines on stderr. */
class ProgressGroups {
  private current = 0
  constructor(
    private readonly names: string[],
    private readonly log: Log,
  ) {}

  line(line: string): void {
    const position = /^\[(\d+)\/(\d+)\] /.exec(line)
    const index = position ? Number(position[1]) : 0
    const name = this.names[index - 1]
    if (position && name !== undefined && index !== this.current && Number(position[2]) === this.names.length) {
      if (this.current !== 0) this.log.endGroup()
      this.current = index
      // The entry's name is validated config (one line); core escapes it in the command.
      this.log.startGroup(`bytescope: ${name} (${index}/${this.names.length})`)
    } else if (!position && this.current !== 0 && /^bytescope run: /.test(line)) {
      this.log.endGroup()
      this.current = 0
    }
    this.log.untrusted(line)
  }

  close(): void {
    if (this.current !== 0) this.log.endGroup()
    this.current = 0
  }
}

interface Execution {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** The command does not exist (ENOENT). */
  missing: boolean
  timedOut: boolean
}

function execute(
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; onStderrLine?: (line: string) => void; what?: string },
): Promise<Execution> {
  return new Promise((resolve) => {
    // A cancelled run is exiting (src/cancellation.ts): nothing new starts, and nothing that stopped is reported.
    if (cancelled()) return
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      ...OWN_GROUP,
    })
    const untrack = track(child, options.what ?? 'Python')
    let stdout = ''
    let stderr = ''
    let partial = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      // SIGTERM first: the harness kills its workers' process groups on the way out.
      stop(child)
    }, options.timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-100_000)
      if (!options.onStderrLine || cancelled()) return
      const lines = (partial + chunk).split(/\r?\n/)
      partial = lines.pop()!
      for (const line of lines) options.onStderrLine(line)
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      untrack()
      resolve({ code: null, signal: null, stdout, stderr: error.message, missing: error.code === 'ENOENT', timedOut })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      untrack()
      if (cancelled()) return
      if (partial && options.onStderrLine) options.onStderrLine(partial)
      resolve({ code, signal, stdout, stderr, missing: false, timedOut })
    })
  })
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  ).slice(0, 500)
}
