// Entry points as the user writes them ([NAME=]TARGET), the target grammar and the entry-name rule: the harness's
// (python/bytescope/harness/targets.py) step for step, checked by the parity cases both test suites read
// (__tests__/__fixtures__/settings-parity.json).
import { GRAMMAR } from './table.js'
import { ConfigError, invalid, NOT_PRINTABLE, parseString, strip } from './values.js'

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
    const content = strip(line.replace(/(^|\s)#.*$/, ''))
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

/** `[NAME=]TARGET`, as the harness's targets.parse_entry reads it: NAME is everything before the first `=`. */
export function parseEntry(text: string, where: string): EntryPoint {
  const equals = text.indexOf('=')
  const [name, target] = equals >= 0 ? [strip(text.slice(0, equals)), text.slice(equals + 1)] : [null, text]
  const checkedTarget = parseTarget(target, where)
  return { name: parseName(name ?? checkedTarget, where), target: checkedTarget }
}

export interface TargetParts {
  /** package.module of a module target. */
  module: string | null
  /** The script's path, as given. */
  path: string | null
  /** The dotted callable; null runs the script as __main__. */
  attr: string | null
}

// Python's str.isidentifier(): an XID_Start character or an underscore, then XID_Continue characters.
const IDENTIFIER = /^[\p{XID_Start}_]\p{XID_Continue}*$/u
const dotted = (text: string) => text !== '' && text.split('.').every((part) => IDENTIFIER.test(part))

/** The parts of a stripped TARGET, split as targets.parse_target splits them (at the last colon); null if malformed. */
export function targetParts(text: string): TargetParts | null {
  const colon = text.lastIndexOf(':')
  const [before, attr] = colon >= 0 ? [text.slice(0, colon), text.slice(colon + 1)] : [null, null]
  if (before !== null && before.endsWith('.py')) return dotted(attr!) ? { module: null, path: before, attr } : null
  if (text.endsWith('.py')) return { module: null, path: text, attr: null }
  if (before === null || !dotted(before) || !dotted(attr!)) return null
  return { module: before, path: null, attr }
}

/** The stripped TARGET when it is well formed. */
export function parseTarget(target: string, where: string): string {
  const text = strip(target)
  if (targetParts(text)) return text
  throw invalid(where, target, 'package.module:callable, path/to/script.py or path/to/script.py:callable')
}

/** The harness's entry-name rule (targets.check_entry_name), applied here so a bad name fails before anything runs. */
export const MAX_NAME_LENGTH = GRAMMAR.entryNameMaxLength

/** Whether the harness accepts `name` once stripped; counted in code points, as Python counts a str. */
export function isEntryName(name: string): boolean {
  const stripped = strip(name)
  return stripped !== '' && [...stripped].length <= MAX_NAME_LENGTH && !NOT_PRINTABLE.test(stripped)
}

export function parseName(name: string, where: string): string {
  if (!isEntryName(name)) {
    throw invalid(
      where,
      name,
      `an entry name of 1 to ${MAX_NAME_LENGTH} printable characters (no control, format or separator characters but spaces; give a long target a NAME=)`,
    )
  }
  return strip(name)
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
