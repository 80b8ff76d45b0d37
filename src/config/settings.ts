// The action's settings, from the table (schema/settings.json): every setting that is an action input and CLI flag,
// with its help line, and the defaults a run gets, parsed from the table by the same parsers as a user's values.
import { ROWS, settingOf, type Kind, type SettingRow } from './table.js'
import { helpLine } from './text.mjs'
import {
  parseBool,
  parseChoice,
  parsePercent,
  parseProbability,
  parseSeconds,
  parseSize,
  parseString,
  parseWholeNumber,
} from './values.js'

export type Tristate = 'auto' | 'true' | 'false'

/** One setting, spelled the same as action input, TOML key and CLI flag. */
export interface Setting extends SettingRow {
  /** The help line, ending with the default. */
  help: string
  /** May be set in the config file (everything except where the file is, the token and the base commit). */
  inFile: boolean
}

export const SETTINGS: readonly Setting[] = ROWS.filter((row) => row.surfaces.input).map((row) => ({
  ...row,
  help: helpLine(row, ROWS),
  inFile: row.surfaces.file,
}))

/** A value of a setting whose parser needs nothing but the table; what the code and the docs call its default. */
export function parseByKind(row: SettingRow, value: unknown, where: string): unknown {
  const parsers: Partial<Record<Kind, () => unknown>> = {
    string: () => parseString(value, where),
    int: () => parseWholeNumber(value, where, row.min!, row.max!),
    seconds: () => parseSeconds(value, where),
    percent: () => parsePercent(value, where),
    probability: () => parseProbability(value, where),
    size: () => parseSize(value, where),
    bool: () => parseBool(value, where),
    choice: () => parseChoice(value, where, row.choices!),
  }
  const parse = parsers[row.kind]
  if (!parse) throw new Error(`${row.key}: a ${row.kind} setting has no table-only parser`)
  return parse()
}

function defaultOf<T>(key: string): T {
  return parseByKind(settingOf(key), settingOf(key).default, `the default of ${key} in schema/settings.json`) as T
}

// Defaults are applied in the code, not by action.yml: an input GitHub fills with its default would otherwise be
// indistinguishable from one the user set, and inputs must only override the file when the user set them.
// bench/gate-accuracy.ts measured the gate's (docs/gate.md).
export const DEFAULTS = {
  repeat: defaultOf<number>('repeat'),
  warmup: defaultOf<number>('warmup'),
  timeout: defaultOf<number>('timeout'),
  timeThreshold: defaultOf<number>('time-threshold'),
  memoryThreshold: defaultOf<number>('memory-threshold'),
  instructionsThreshold: defaultOf<number>('instructions-threshold'),
  significance: defaultOf<number>('significance'),
  clock: defaultOf<'cpu' | 'wall'>('clock'),
  timeStatistic: defaultOf<'min' | 'median'>('time-statistic'),
  timeConfirmations: defaultOf<number>('time-confirmations'),
  memory: defaultOf<boolean>('memory'),
  memoryRuns: defaultOf<number>('memory-runs'),
  instructions: defaultOf<boolean>('instructions'),
  baselineArtifact: defaultOf<string>('baseline-artifact'),
  uploadBaseline: defaultOf<Tristate>('upload-baseline'),
  comment: defaultOf<'auto' | 'always' | 'never'>('comment'),
  failOnRegression: defaultOf<boolean>('fail-on-regression'),
  compare: defaultOf<'auto' | 'same-runner' | 'artifact'>('compare'),
}
