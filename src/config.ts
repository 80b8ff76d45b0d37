// Every setting of a run, parsed and validated once (from action inputs, pyproject.toml or CLI flags) into one
// typed object; nothing downstream reads inputs or the environment for settings.
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { checkUniqueNames, parseEntryLines, type EntryPoint } from './config/entries.js'
import { readConfigFile, readFileEntries } from './config/file.js'
import { DEFAULTS, type Tristate } from './config/settings.js'
import { settingOf } from './config/table.js'
import {
  ConfigError,
  invalid,
  parseArtifactName,
  parseBool,
  parseChoice,
  parseKey,
  parsePercent,
  parseProbability,
  parsePythonPath,
  parseSeconds,
  parseSize,
  parseString,
  parseWholeNumber,
} from './config/values.js'

export { isEntryName, MAX_NAME_LENGTH, type EntryPoint } from './config/entries.js'
export { DEFAULTS, SETTINGS, type Setting, type Tristate } from './config/settings.js'
export { ConfigError, MAX_TIMEOUT_SECONDS, parseBool, parsePercent, parseSize, thresholdText } from './config/values.js'

export interface Config {
  entryPoints: EntryPoint[]
  /** Interpreter to run; null means try `python3`, then `python`. */
  python: string | null
  /** Absolute path of the user's project directory. */
  workingDirectory: string
  /** Directories put first on sys.path, relative to the working directory ('/'-separated); ['.'] by default. */
  pythonPath: string[]
  /** How time is compared: base and head measured side by side in this job, or head against a stored baseline. */
  compare: 'auto' | 'same-runner' | 'artifact'
  /** The commit same-runner mode measures as the base; null for the pull request's merge-base. */
  baseRef: string | null
  repeat: number
  warmup: number
  /** Seconds per entry. */
  timeout: number
  /** Relative thresholds as fractions: 0.1 is 10%. */
  timeThreshold: number
  memoryThreshold: number
  /** Absolute tracemalloc peak budget in bytes, or null for none. */
  maxPeakMemory: number | null
  memory: boolean
  /** Fresh processes per entry that each measure the tracemalloc peak; the gate compares their spreads. */
  memoryRuns: number
  instructions: boolean
  instructionsThreshold: number
  /** Time only: a change is significant when the Mann–Whitney U p-value is below this (e.g. 0.01). */
  significance: number
  /** Which timings the time gate compares: process CPU time (immune to waiting for a busy CPU) or wall time. */
  clock: 'cpu' | 'wall'
  /** What "the time" of an entry is: the median of its timed calls, or the fastest (least disturbed) one. */
  timeStatistic: 'median' | 'min'
  /** Re-measurements of an entry whose time regressed, pooled with the first, before the regression stands. */
  timeConfirmations: number
  /** A results JSON to compare with; wins over artifacts. */
  baselinePath: string | null
  baselineArtifact: string
  uploadBaseline: Tristate
  retentionDays: number | null
  githubToken: string
  comment: 'auto' | 'always' | 'never'
  /** Distinguishes matrix legs: artifact names and sticky comments are per key. */
  commentKey: string
  failOnRegression: boolean
  /** Absolute path of the file the settings came from, or null when there was none. */
  configFile: string | null
}

/** Setting values as typed by a person: action inputs or CLI flags (undefined or '' means not set). */
export type RawSettings = Readonly<Record<string, string | undefined>>

export interface ConfigSources {
  /** Action inputs or CLI flags, by setting key. */
  settings: RawSettings
  /** How a raw setting is named in errors: `input time-threshold` or `--time-threshold`. */
  label: (key: string) => string
  /** Directory relative paths in settings are resolved from (the workspace). */
  cwd: string
  /** Used when the github-token setting is empty. */
  defaultToken?: string
  /** False when nothing is measured (the CLI's --results gates a file): no entry point is then needed. */
  measuring?: boolean
}

/** Parses and validates every setting; throws ConfigError (one line) on the first mistake. */
export function loadConfig(sources: ConfigSources): Config {
  const raw = (key: string): string | undefined => {
    const value = sources.settings[key]
    return value === undefined || value.trim() === '' ? undefined : value
  }
  const fromInput = <T>(key: string, parseValue: (v: unknown, where: string) => T): T | undefined => {
    const value = raw(key)
    return value === undefined ? undefined : parseValue(value, sources.label(key))
  }

  const workingDirectory = path.resolve(
    sources.cwd,
    raw('working-directory')?.trim() ?? String(settingOf('working-directory').default),
  )
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new ConfigError(
      `${sources.label('working-directory')}: ${JSON.stringify(raw('working-directory') ?? '.')} is not a directory`,
    )
  }
  const file = readConfigFile(raw('config'), sources.label('config'), workingDirectory)
  const fromFile = <T>(key: string, parseValue: (v: unknown, where: string) => T): T | undefined =>
    file && file.table[key] !== undefined ? parseValue(file.table[key], file.label(key)) : undefined
  const setting = <T>(key: string, parseValue: (v: unknown, where: string) => T): T | undefined =>
    fromInput(key, parseValue) ?? fromFile(key, parseValue)

  const int = (key: string) => (v: unknown, where: string) =>
    parseWholeNumber(v, where, settingOf(key).min!, settingOf(key).max!)
  const choice = (key: string) => (v: unknown, where: string) => parseChoice(v, where, settingOf(key).choices!)
  // A results file to compare with must exist before anything is measured, not be found missing after.
  const resultsFile = (directory: string) => (v: unknown, where: string) => {
    const resolved = path.resolve(directory, parseString(v, where))
    if (!existsSync(resolved) || !statSync(resolved).isFile())
      throw invalid(where, v, `an existing results file (${resolved} is not one)`)
    return resolved
  }

  const fileEntries = file ? readFileEntries(file) : []
  const inputEntries = fromInput('entry-points', parseEntryLines)
  const entryPoints = inputEntries
    ? inputEntries.map((entry) => ({ ...fileEntries.find((e) => e.name === entry.name), ...entry }))
    : fileEntries
  if (entryPoints.length === 0 && sources.measuring !== false) {
    throw new ConfigError(
      `no entry points: set the entry-points input (one [NAME=]TARGET per line) or add [[tool.bytescope.entry]] tables to ${
        file ? path.basename(file.path) : 'pyproject.toml'
      }`,
    )
  }
  checkUniqueNames(entryPoints)

  return {
    entryPoints,
    python: setting('python', parseString) ?? null,
    workingDirectory,
    pythonPath:
      setting('python-path', (v, where) => parsePythonPath(v, where, workingDirectory)) ??
      (settingOf('python-path').default as string[]),
    compare: (setting('compare', choice('compare')) as Config['compare']) ?? DEFAULTS.compare,
    baseRef: fromInput('base-ref', parseString) ?? null,
    repeat: setting('repeat', int('repeat')) ?? DEFAULTS.repeat,
    warmup: setting('warmup', int('warmup')) ?? DEFAULTS.warmup,
    timeout: setting('timeout', parseSeconds) ?? DEFAULTS.timeout,
    timeThreshold: setting('time-threshold', parsePercent) ?? DEFAULTS.timeThreshold,
    memoryThreshold: setting('memory-threshold', parsePercent) ?? DEFAULTS.memoryThreshold,
    maxPeakMemory: setting('max-peak-memory', parseSize) ?? null,
    memory: setting('memory', parseBool) ?? DEFAULTS.memory,
    memoryRuns: setting('memory-runs', int('memory-runs')) ?? DEFAULTS.memoryRuns,
    instructions: setting('instructions', parseBool) ?? DEFAULTS.instructions,
    instructionsThreshold: setting('instructions-threshold', parsePercent) ?? DEFAULTS.instructionsThreshold,
    significance: setting('significance', parseProbability) ?? DEFAULTS.significance,
    clock: (setting('clock', choice('clock')) as Config['clock']) ?? DEFAULTS.clock,
    timeStatistic:
      (setting('time-statistic', choice('time-statistic')) as Config['timeStatistic']) ?? DEFAULTS.timeStatistic,
    timeConfirmations: setting('time-confirmations', int('time-confirmations')) ?? DEFAULTS.timeConfirmations,
    baselinePath:
      fromInput('baseline-path', resultsFile(sources.cwd)) ??
      fromFile('baseline-path', resultsFile(file?.directory ?? '')) ??
      null,
    baselineArtifact: setting('baseline-artifact', parseArtifactName) ?? DEFAULTS.baselineArtifact,
    uploadBaseline: (setting('upload-baseline', choice('upload-baseline')) as Tristate) ?? DEFAULTS.uploadBaseline,
    retentionDays: setting('retention-days', int('retention-days')) ?? null,
    githubToken: raw('github-token')?.trim() ?? sources.defaultToken ?? '',
    comment: (setting('comment', choice('comment')) as Config['comment']) ?? DEFAULTS.comment,
    commentKey: setting('comment-key', parseKey) ?? '',
    failOnRegression: setting('fail-on-regression', parseBool) ?? DEFAULTS.failOnRegression,
    configFile: file?.path ?? null,
  }
}
