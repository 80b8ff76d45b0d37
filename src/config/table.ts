// The settings table, schema/settings.json: every setting's key, kind, default, bounds, help and the surfaces that
// have it. The harness (python/bytescope/harness/settings.py) reads the same file, so both languages share one set
// of defaults, bounds and grammar; the bundle inlines it.
import table from '../../schema/settings.json' with { type: 'json' }

export type Kind =
  'entries' | 'string' | 'path' | 'paths' | 'int' | 'seconds' | 'percent' | 'probability' | 'size' | 'bool' | 'choice'

export interface Surfaces {
  /** An input in action.yml. */
  input: boolean
  /** A flag of the local CLI. */
  flag: boolean
  /** A key of [tool.bytescope]. */
  file: boolean
  /** A per-entry key of [[tool.bytescope.entry]]. */
  entry?: boolean
  /** Its key in the harness's config file. */
  harness?: string
  /** Its option of `python -m bytescope run`. */
  harnessFlag?: string
}

/** One row of the table (schema/settings.schema.json describes each field). */
export interface SettingRow {
  key: string
  kind: Kind
  /** As a user would write it ("5%", 30, true); null for none. */
  default: unknown
  defaultText?: string
  /** Lower bound (exclusive for seconds and probability) and upper bound. */
  min?: number
  max?: number
  choices?: readonly string[]
  words?: Readonly<Record<string, string>>
  values?: string
  help: string
  description?: string
  docs?: string
  actionDefault?: string
  surfaces: Surfaces
}

export const ROWS = table.settings as readonly SettingRow[]

export const GRAMMAR: { number: string; whitespace: string; entryNameMaxLength: number } = table.grammar

export function settingOf(key: string): SettingRow {
  const row = ROWS.find((s) => s.key === key)
  if (!row) throw new Error(`schema/settings.json has no setting ${key}`)
  return row
}

/** The setting's field in Config and EntryPoint: `time-threshold` -> `timeThreshold`. */
export function fieldOf(key: string): string {
  return key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}
