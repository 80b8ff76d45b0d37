// Entry points as the user writes them ([NAME=]TARGET), the target grammar and the harness's entry-name rule.
import { ConfigError, invalid, NOT_PRINTABLE, parseString } from './values.js'

export interface EntryPoint {
  name: string
  target: string
  /** Per-entry overrides from [[tool.bytescope.entry]]; undefined means "use the run-wide value". */
  timeThreshold?: number
  memoryThreshold?: number
  instructionsThreshold?: number
  maxPeakMemory?: number | null
}

export function parseEntryLines(value: unknown, where: string): EntryPoint[] {
  const text = parseString(value, where)
  const entries: EntryPoint[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/(^|\s)#.*$/, '').trim()
    if (content !== '') entries.push(parseEntry(content, `${where} line ${index + 1}`))
  })
  if (entries.length === 0) throw invalid(where, value, 'at least one [NAME=]TARGET line')
  return entries
}

export function parseEntryList(value: unknown, where: string): EntryPoint[] {
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

export function parseTarget(target: string, where: string): string {
  if (MODULE_TARGET.test(target) || SCRIPT_TARGET.test(target)) return target
  throw invalid(where, target, 'package.module:callable, path/to/script.py or path/to/script.py:callable')
}

/** The harness's entry-name rule (targets.check_entry_name), applied here so a bad name fails before anything runs. */
export const MAX_NAME_LENGTH = 100

/** Whether the harness accepts `name`; counted in code points, as Python counts a str. */
export function isEntryName(name: string): boolean {
  return name.trim() !== '' && [...name].length <= MAX_NAME_LENGTH && !NOT_PRINTABLE.test(name)
}

export function parseName(name: string, where: string): string {
  if (!isEntryName(name)) {
    throw invalid(
      where,
      name,
      `an entry name of 1 to ${MAX_NAME_LENGTH} printable characters (no control, format or separator characters but spaces; give a long target a NAME=)`,
    )
  }
  return name
}

export function checkUniqueNames(entries: EntryPoint[]): void {
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
