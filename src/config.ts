// Every setting of a run, parsed and validated once (from action inputs, pyproject.toml or CLI flags) into one
// typed object; nothing downstream reads inputs or the environment for settings.
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'

export interface EntryPoint {
  name: string
  target: string
  /** Per-entry overrides from [[tool.bytescope.entry]]; undefined means "use the run-wide value". */
  timeThreshold?: number
  memoryThreshold?: number
  instructionsThreshold?: number
  maxPeakMemory?: number | null
}

export type Tristate = 'auto' | 'true' | 'false'

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

/** A user's configuration mistake: `message` is one line naming the setting, the value and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

// The defaults live here, not in action.yml: an input GitHub fills with its default would otherwise be
// indistinguishable from one the user set, and inputs must only override the file when the user set them.
// bench/gate-accuracy.ts measured these (docs/gate.md).
export const DEFAULTS = {
  repeat: 30,
  warmup: 3,
  timeout: 300,
  timeThreshold: 0.05,
  memoryThreshold: 0.02,
  instructionsThreshold: 0.01,
  significance: 0.05,
  clock: 'cpu' as const,
  timeStatistic: 'min' as const,
  timeConfirmations: 5,
  memory: true,
  memoryRuns: 3,
  instructions: true,
  baselineArtifact: 'bytescope-baseline',
  uploadBaseline: 'auto' as Tristate,
  comment: 'auto' as const,
  failOnRegression: true,
  compare: 'auto' as const,
}

type Kind =
  'entries' | 'string' | 'path' | 'paths' | 'int' | 'seconds' | 'percent' | 'probability' | 'size' | 'bool' | 'choice'

/** One setting, spelled the same as action input, TOML key and CLI flag. */
export interface Setting {
  key: string
  kind: Kind
  help: string
  /** May be set in the config file (everything except where the file is and the token). */
  inFile: boolean
  choices?: readonly string[]
  /** Lower bound for int settings. */
  min?: number
  max?: number
}

export const SETTINGS: readonly Setting[] = [
  { key: 'entry-points', kind: 'entries', inFile: true, help: 'what to measure, one [NAME=]TARGET per line' },
  { key: 'python', kind: 'string', inFile: true, help: 'interpreter (default: python3, then python)' },
  { key: 'working-directory', kind: 'path', inFile: false, help: "the Python project's directory (default: .)" },
  { key: 'config', kind: 'path', inFile: false, help: 'TOML file with [tool.bytescope] (default: pyproject.toml)' },
  {
    key: 'repeat',
    kind: 'int',
    inFile: true,
    min: 1,
    max: 100000,
    help: `timed calls per entry (default: ${DEFAULTS.repeat})`,
  },
  {
    key: 'warmup',
    kind: 'int',
    inFile: true,
    min: 0,
    max: 100000,
    help: `untimed calls first (default: ${DEFAULTS.warmup})`,
  },
  { key: 'timeout', kind: 'seconds', inFile: true, help: `seconds per entry (default: ${DEFAULTS.timeout})` },
  {
    key: 'time-threshold',
    kind: 'percent',
    inFile: true,
    help:
      `time growth that fails when significant: of each entry's ${DEFAULTS.timeStatistic === 'min' ? 'fastest' : 'median'} ` +
      `call, ${DEFAULTS.clock} time, unless --time-statistic or --clock say otherwise (default: ${thresholdText(DEFAULTS.timeThreshold)})`,
  },
  {
    key: 'significance',
    kind: 'probability',
    inFile: true,
    help: `p-value below which a time change is real (default: ${DEFAULTS.significance})`,
  },
  {
    key: 'time-statistic',
    kind: 'choice',
    inFile: true,
    choices: ['min', 'median'],
    help: `what an entry's time is: fastest or median call (default: ${DEFAULTS.timeStatistic})`,
  },
  {
    key: 'time-confirmations',
    kind: 'int',
    inFile: true,
    min: 0,
    max: 20,
    help: `re-measurements before a time regression stands (default: ${DEFAULTS.timeConfirmations})`,
  },
  {
    key: 'clock',
    kind: 'choice',
    inFile: true,
    choices: ['cpu', 'wall'],
    help: `timings the time gate compares (default: ${DEFAULTS.clock})`,
  },
  {
    key: 'memory-threshold',
    kind: 'percent',
    inFile: true,
    help: `peak memory growth that fails (default: ${thresholdText(DEFAULTS.memoryThreshold)})`,
  },
  {
    key: 'max-peak-memory',
    kind: 'size',
    inFile: true,
    help: 'absolute peak memory budget, e.g. 256MiB (default: none)',
  },
  { key: 'memory', kind: 'bool', inFile: true, help: `measure memory with tracemalloc (default: ${DEFAULTS.memory})` },
  {
    key: 'memory-runs',
    kind: 'int',
    inFile: true,
    min: 1,
    max: 50,
    help: `fresh processes that each measure the peak (default: ${DEFAULTS.memoryRuns})`,
  },
  {
    key: 'instructions',
    kind: 'bool',
    inFile: true,
    help: `count executed bytecode instructions (default: ${DEFAULTS.instructions})`,
  },
  {
    key: 'instructions-threshold',
    kind: 'percent',
    inFile: true,
    help: `executed instructions growth that fails (default: ${thresholdText(DEFAULTS.instructionsThreshold)})`,
  },
  {
    key: 'python-path',
    kind: 'paths',
    inFile: true,
    help: 'directories first on sys.path, relative to the working directory, e.g. src (default: .)',
  },
  {
    key: 'compare',
    kind: 'choice',
    inFile: true,
    choices: ['auto', 'same-runner', 'artifact'],
    help: 'measure base and head side by side, or compare with the baseline artifact (default: auto)',
  },
  {
    key: 'base-ref',
    kind: 'string',
    inFile: false,
    help: "the commit same-runner mode measures as the base (default: the pull request's merge-base)",
  },
  { key: 'baseline-path', kind: 'path', inFile: true, help: 'a results JSON to compare with (wins over artifacts)' },
  {
    key: 'baseline-artifact',
    kind: 'string',
    inFile: true,
    help: `baseline artifact name (default: ${DEFAULTS.baselineArtifact})`,
  },
  {
    key: 'upload-baseline',
    kind: 'choice',
    inFile: true,
    choices: ['auto', 'true', 'false'],
    help: 'upload results as the baseline (default: auto)',
  },
  {
    key: 'retention-days',
    kind: 'int',
    inFile: true,
    min: 1,
    max: 90,
    help: "days to keep the baseline artifact (default: the repository's)",
  },
  {
    key: 'github-token',
    kind: 'string',
    inFile: false,
    help: 'token for artifacts and comments (default: $GITHUB_TOKEN)',
  },
  {
    key: 'comment',
    kind: 'choice',
    inFile: true,
    choices: ['auto', 'always', 'never'],
    help: 'pull-request comment (default: auto)',
  },
  { key: 'comment-key', kind: 'string', inFile: true, help: 'separates matrix legs: one baseline and comment per key' },
  {
    key: 'fail-on-regression',
    kind: 'bool',
    inFile: true,
    help: `fail on a regression, or only warn (default: ${DEFAULTS.failOnRegression})`,
  },
]

const ENTRY_KEYS = ['name', 'target', 'time-threshold', 'memory-threshold', 'instructions-threshold', 'max-peak-memory']

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

  const workingDirectory = path.resolve(sources.cwd, raw('working-directory')?.trim() ?? '.')
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

  const spec = (key: string): Setting => SETTINGS.find((s) => s.key === key)!
  const int = (key: string) => (v: unknown, where: string) => parseWholeNumber(v, where, spec(key).min!, spec(key).max!)
  const choice = (key: string) => (v: unknown, where: string) => parseChoice(v, where, spec(key).choices!)
  const filePath = (v: unknown, where: string): string => path.resolve(file!.directory, parseString(v, where))

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
    pythonPath: setting('python-path', (v, where) => parsePythonPath(v, where, workingDirectory)) ?? ['.'],
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
      fromInput('baseline-path', (v, where) => path.resolve(sources.cwd, parseString(v, where))) ??
      fromFile('baseline-path', filePath) ??
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

interface ConfigFile {
  path: string
  directory: string
  table: Record<string, unknown>
  /** `time-threshold in pyproject.toml [tool.bytescope]` */
  label: (key: string) => string
  tableName: string
}

function readConfigFile(
  configSetting: string | undefined,
  configLabel: string,
  workingDirectory: string,
): ConfigFile | null {
  const explicit = configSetting !== undefined
  const filePath = path.resolve(workingDirectory, configSetting?.trim() ?? 'pyproject.toml')
  if (!existsSync(filePath)) {
    if (explicit)
      throw new ConfigError(`${configLabel}: ${JSON.stringify(configSetting)} does not exist in ${workingDirectory}`)
    return null
  }
  let document: Record<string, unknown>
  try {
    document = parseToml(readFileSync(filePath, 'utf8')) as Record<string, unknown>
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')
      throw new ConfigError(`${path.basename(filePath)}:${error.line}:${error.column}: invalid TOML: ${reason}`)
    }
    throw new ConfigError(`${configLabel}: cannot read ${filePath}: ${(error as Error).message}`)
  }
  const tool = document.tool as Record<string, unknown> | undefined
  let table: unknown
  let tableName: string
  if (tool !== undefined && typeof tool === 'object' && 'bytescope' in tool) {
    table = tool.bytescope
    tableName = '[tool.bytescope]'
  } else if (path.basename(filePath) === 'pyproject.toml') {
    if (explicit) throw new ConfigError(`${configLabel}: ${path.basename(filePath)} has no [tool.bytescope] table`)
    return null
  } else {
    // A dedicated file (bytescope.toml) may hold the settings at its top level.
    table = document
    tableName = 'top level'
  }
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new ConfigError(`${path.basename(filePath)}: [tool.bytescope] must be a table`)
  }
  const name = path.basename(filePath)
  const file: ConfigFile = {
    path: filePath,
    directory: path.dirname(filePath),
    table: table as Record<string, unknown>,
    tableName,
    label: (key) => `${key} in ${name} ${tableName}`,
  }
  const known = new Set([...SETTINGS.filter((s) => s.inFile).map((s) => s.key), 'entry'])
  for (const key of Object.keys(file.table)) {
    if (known.has(key)) continue
    const kebab = key.replaceAll('_', '-')
    const hint = known.has(kebab)
      ? `; did you mean ${kebab}?`
      : SETTINGS.some((s) => s.key === key)
        ? ' (set it as an action input or CLI flag, not in the file)'
        : `; known keys: ${[...known].join(', ')}`
    throw new ConfigError(`${name} ${tableName}: unknown key ${JSON.stringify(key)}${hint}`)
  }
  return file
}

function readFileEntries(file: ConfigFile): EntryPoint[] {
  const listed =
    file.table['entry-points'] === undefined
      ? []
      : parseEntryList(file.table['entry-points'], file.label('entry-points'))
  const tables = file.table.entry
  if (tables === undefined) return listed
  const name = path.basename(file.path)
  if (!Array.isArray(tables)) {
    throw new ConfigError(
      `${name}: entry must be an array of tables ([[tool.bytescope.entry]]), not ${describe(tables)}`,
    )
  }
  return [
    ...listed,
    ...tables.map((table: unknown, index) => {
      const where = `[[tool.bytescope.entry]] #${index + 1} in ${name}`
      if (typeof table !== 'object' || table === null || Array.isArray(table)) {
        throw new ConfigError(`${where}: must be a table, not ${describe(table)}`)
      }
      const t = table as Record<string, unknown>
      for (const key of Object.keys(t)) {
        if (!ENTRY_KEYS.includes(key)) {
          throw new ConfigError(`${where}: unknown key ${JSON.stringify(key)}; allowed: ${ENTRY_KEYS.join(', ')}`)
        }
      }
      if (t.target === undefined)
        throw new ConfigError(`${where}: missing target (package.module:callable or path/to/script.py)`)
      const target = parseTarget(parseString(t.target, `target of ${where}`), `target of ${where}`)
      const entry: EntryPoint = {
        name: parseName(t.name === undefined ? target : parseString(t.name, `name of ${where}`), `name of ${where}`),
        target,
      }
      const label = (key: string) => `${key} of ${where}`
      if (t['time-threshold'] !== undefined)
        entry.timeThreshold = parsePercent(t['time-threshold'], label('time-threshold'))
      if (t['memory-threshold'] !== undefined)
        entry.memoryThreshold = parsePercent(t['memory-threshold'], label('memory-threshold'))
      if (t['instructions-threshold'] !== undefined) {
        entry.instructionsThreshold = parsePercent(t['instructions-threshold'], label('instructions-threshold'))
      }
      if (t['max-peak-memory'] !== undefined)
        entry.maxPeakMemory = parseSize(t['max-peak-memory'], label('max-peak-memory'))
      return entry
    }),
  ]
}

function checkUniqueNames(entries: EntryPoint[]): void {
  const seen = new Set<string>()
  for (const entry of entries) {
    if (seen.has(entry.name)) {
      throw new ConfigError(
        `entry-points: the name ${JSON.stringify(entry.name)} is used twice; give each entry a unique NAME=`,
      )
    }
    seen.add(entry.name)
  }
}

// ---- value parsers: each takes the raw value and where it came from, and throws one readable line ----------------

function invalid(where: string, value: unknown, allowed: string): ConfigError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : describe(value)
  return new ConfigError(`${where}: ${shown} is not valid; expected ${allowed}`)
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value !== null && typeof value === 'object') return 'a table'
  return JSON.stringify(value) ?? String(value)
}

function parseString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(where, value, 'a non-empty string')
  return value.trim()
}

export function parseBool(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase()
    if (word === 'true') return true
    if (word === 'false') return false
  }
  throw invalid(where, value, 'true or false')
}

function parseChoice(value: unknown, where: string, choices: readonly string[]): string {
  const word =
    typeof value === 'boolean' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : null
  if (word !== null && choices.includes(word)) return word
  throw invalid(where, value, `one of ${choices.join(', ')}`)
}

/**
 * A number as text, in the grammar the harness's settings.parse_number shares: plain decimal with an optional fraction
 * and exponent (10, 0.5, 1e-300); hex, inf, nan and 1_000 are NaN. TOML numbers pass as they are.
 */
function decimal(value: unknown): number {
  if (typeof value === 'number') return value
  return typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value.trim()) : NaN
}

function parseWholeNumber(value: unknown, where: string, min: number, max: number): number {
  const number = decimal(value)
  if (!Number.isInteger(number) || number < min || number > max)
    throw invalid(where, value, `a whole number from ${min} to ${max}`)
  return number
}

/** The longest timeout per entry, as the harness bounds it (MAX_TIMEOUT_SECONDS): a day. */
export const MAX_TIMEOUT_SECONDS = 86_400

function parseSeconds(value: unknown, where: string): number {
  const number = decimal(typeof value === 'string' ? value.trim().replace(/s$/, '') : value)
  if (!(number > 0 && number <= MAX_TIMEOUT_SECONDS)) {
    throw invalid(where, value, `a positive number of seconds up to ${MAX_TIMEOUT_SECONDS} (a day), e.g. 300`)
  }
  return number
}

/** "10%" -> 0.1. Bare numbers are refused: is 10 ten percent or ten hundred percent? */
export function parsePercent(value: unknown, where: string): number {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(value) : null
  if (!match) throw invalid(where, value, 'a percentage such as "10%"')
  return Number(match[1]) / 100
}

/** A significance level: 0.01 or "1%", strictly between 0 and 0.5. */
function parseProbability(value: unknown, where: string): number {
  const number = typeof value === 'string' && /%\s*$/.test(value) ? parsePercent(value, where) : decimal(value)
  if (!(number > 0 && number <= 0.5)) throw invalid(where, value, 'a p-value above 0 and at most 0.5, e.g. 0.01')
  return number
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
}

/** "256MiB" -> 268435456; an integer (TOML or text) is bytes. */
export function parseSize(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value) : null
  const unit = match ? SIZE_UNITS[(match[2] || 'b').toLowerCase()] : undefined
  if (!match || unit === undefined || !(Number(match[1]) > 0)) {
    throw invalid(where, value, 'a size such as "256MiB", "512KiB", "1GB" or a number of bytes')
  }
  return Math.round(Number(match[1]) * unit)
}

function parseArtifactName(value: unknown, where: string): string {
  const name = parseString(value, where)
  // The characters actions/upload-artifact rejects in names.
  if (/["":<>|*?\r\n\\/]/.test(name))
    throw invalid(where, value, 'an artifact name without " : < > | * ? \\ / or newlines')
  return name
}

function parseKey(value: unknown, where: string): string {
  const key = parseString(value, where)
  if (key.length > 100 || /["":<>|*?\r\n\\/]/.test(key)) {
    throw invalid(
      where,
      value,
      'at most 100 characters without " : < > | * ? \\ / or newlines (it becomes part of an artifact name)',
    )
  }
  return key
}

/** Lines (an input) or a TOML string or array; each a directory inside the project, kept relative so that it names
 * the same directory in the base's checkout. */
function parsePythonPath(value: unknown, where: string, projectDir: string): string[] {
  const items = Array.isArray(value)
    ? value.map((item, index) => parseString(item, `${where} item ${index + 1}`))
    : parseString(value, where)
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
  return items.map((item) => {
    const absolute = path.resolve(projectDir, item)
    const relative = path.relative(projectDir, absolute)
    if (relative.startsWith('..') || path.isAbsolute(relative))
      throw invalid(where, item, `a directory inside the project directory ${projectDir}`)
    if (!existsSync(absolute) || !statSync(absolute).isDirectory())
      throw invalid(where, item, `an existing directory (${absolute} is not one)`)
    return relative.split(path.sep).join('/') || '.'
  })
}

function parseEntryLines(value: unknown, where: string): EntryPoint[] {
  const text = parseString(value, where)
  const entries: EntryPoint[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/(^|\s)#.*$/, '').trim()
    if (content !== '') entries.push(parseEntry(content, `${where} line ${index + 1}`))
  })
  if (entries.length === 0) throw invalid(where, value, 'at least one [NAME=]TARGET line')
  return entries
}

function parseEntryList(value: unknown, where: string): EntryPoint[] {
  if (!Array.isArray(value)) throw invalid(where, value, 'an array of "[NAME=]TARGET" strings')
  return value.map((item, index) =>
    parseEntry(parseString(item, `${where} item ${index + 1}`), `${where} item ${index + 1}`),
  )
}

function parseEntry(text: string, where: string): EntryPoint {
  const equals = text.indexOf('=')
  const [name, target] = equals > 0 ? [text.slice(0, equals).trim(), text.slice(equals + 1).trim()] : [null, text]
  const checkedTarget = parseTarget(target, where)
  return { name: parseName(name ?? checkedTarget, where), target: checkedTarget }
}

const IDENTIFIER = String.raw`[\p{L}_][\p{L}\p{N}_]*`
const DOTTED = `${IDENTIFIER}(?:\\.${IDENTIFIER})*`
const MODULE_TARGET = new RegExp(`^${DOTTED}:${DOTTED}$`, 'u')
const SCRIPT_TARGET = new RegExp(`^[^:]+\\.py(?::${DOTTED})?$`, 'u')

function parseTarget(target: string, where: string): string {
  if (MODULE_TARGET.test(target) || SCRIPT_TARGET.test(target)) return target
  throw invalid(where, target, 'package.module:callable, path/to/script.py or path/to/script.py:callable')
}

/** The harness's entry-name rule (targets.check_entry_name), applied here so a bad name fails before anything runs. */
export const MAX_NAME_LENGTH = 100

/** What Python's `str.isprintable()` refuses: Unicode's Other and Separator categories, except the space. */
const NOT_PRINTABLE = /(?! )[\p{C}\p{Z}]/u

/** Whether the harness accepts `name`; counted in code points, as Python counts a str. */
export function isEntryName(name: string): boolean {
  return name.trim() !== '' && [...name].length <= MAX_NAME_LENGTH && !NOT_PRINTABLE.test(name)
}

function parseName(name: string, where: string): string {
  if (!isEntryName(name)) {
    throw invalid(
      where,
      name,
      `an entry name of 1 to ${MAX_NAME_LENGTH} printable characters (no control, format or separator characters but spaces; give a long target a NAME=)`,
    )
  }
  return name
}

/** A threshold as the user writes it: 0.05 -> "5%". */
export function thresholdText(fraction: number): string {
  return `${+(fraction * 100).toFixed(3)}%`
}
