// The [tool.bytescope] table of pyproject.toml (or a dedicated TOML file) and its [[tool.bytescope.entry]] tables.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { parseEntryList, parseName, parseTarget, type EntryPoint } from './entries.js'
import { parseByKind, SETTINGS } from './settings.js'
import { fieldOf, ROWS } from './table.js'
import { ConfigError, describe, parseString } from './values.js'

/** The settings an [[tool.bytescope.entry]] table may override for its entry (the table's per-entry surface). */
const ENTRY_SETTINGS = ROWS.filter((row) => row.surfaces.entry)
const ENTRY_KEYS = ['name', 'target', ...ENTRY_SETTINGS.map((row) => row.key)]

export interface ConfigFile {
  path: string
  directory: string
  table: Record<string, unknown>
  /** `time-threshold in pyproject.toml [tool.bytescope]` */
  label: (key: string) => string
  tableName: string
}

export function readConfigFile(
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

export function readFileEntries(file: ConfigFile): EntryPoint[] {
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
      for (const row of ENTRY_SETTINGS) {
        if (t[row.key] !== undefined)
          (entry as unknown as Record<string, unknown>)[fieldOf(row.key)] = parseByKind(
            row,
            t[row.key],
            `${row.key} of ${where}`,
          )
      }
      return entry
    }),
  ]
}
