// The settings catalogue: every setting's key (the same as action input, TOML key and CLI flag), kind, bounds, help
// and default.
import { thresholdText } from './values.js'

export type Tristate = 'auto' | 'true' | 'false'

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
