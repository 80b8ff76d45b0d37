// The action's settings, from the table (schema/settings.json): every setting that is an action input and CLI flag,
// with its help line, and the defaults a run gets, parsed from the table by the same parsers as a user's values.
import type { Config } from '../config.js'
import { fieldOf, ROWS, type Kind, type SettingRow } from './table.js'
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

// The parser of each kind whose values need nothing but the table; entries and paths also need the project directory.
const PARSERS: Partial<Record<Kind, (row: SettingRow, value: unknown, where: string) => unknown>> = {
  string: (_, value, where) => parseString(value, where),
  int: (row, value, where) => parseWholeNumber(value, where, row.min!, row.max!),
  seconds: (_, value, where) => parseSeconds(value, where),
  percent: (_, value, where) => parsePercent(value, where),
  probability: (_, value, where) => parseProbability(value, where),
  size: (_, value, where) => parseSize(value, where),
  bool: (_, value, where) => parseBool(value, where),
  choice: (row, value, where) => parseChoice(value, where, row.choices!),
}

/** A value of a setting of a kind the table alone can parse (throws ConfigError on a bad one). */
export function parseByKind(row: SettingRow, value: unknown, where: string): unknown {
  const parse = PARSERS[row.kind]
  if (!parse) throw new Error(`${row.key}: a ${row.kind} setting has no table-only parser`)
  return parse(row, value, where)
}

/** The fields whose default the table gives and parseByKind reads (the rest are resolved by loadConfig). */
type DefaultField =
  | 'repeat'
  | 'warmup'
  | 'timeout'
  | 'timeThreshold'
  | 'memoryThreshold'
  | 'instructionsThreshold'
  | 'significance'
  | 'clock'
  | 'timeStatistic'
  | 'timeConfirmations'
  | 'memory'
  | 'memoryRuns'
  | 'instructions'
  | 'baselineArtifact'
  | 'uploadBaseline'
  | 'comment'
  | 'failOnRegression'
  | 'compare'

// Defaults are applied in the code, not by action.yml: an input GitHub fills with its default would otherwise be
// indistinguishable from one the user set, and inputs must only override the file when the user set them.
// bench/gate-accuracy.ts measured the gate's (docs/gate.md). Each is parsed like a user's value of its setting.
export const DEFAULTS = Object.fromEntries(
  ROWS.filter((row) => row.surfaces.input && row.default !== null && PARSERS[row.kind]).map((row) => [
    fieldOf(row.key),
    parseByKind(row, row.default, `the default of ${row.key} in schema/settings.json`),
  ]),
) as Pick<Config, DefaultField>
