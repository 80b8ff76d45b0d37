// Value parsers of the settings: each takes the raw value (text, or a TOML value) and where it came from, and throws
// one readable line naming the setting, the value and what is allowed.
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { GRAMMAR, settingOf } from './table.js'

/** A user's configuration mistake: `message` is one line naming the setting, the value and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** What Python's `str.isprintable()` refuses: Unicode's Other and Separator categories, except the space. */
export const NOT_PRINTABLE = /(?! )[\p{C}\p{Z}]/u

/** A value quoted for an error line, with every character that would not show (a zero-width space) as `\uXXXX`. */
function quoted(text: string): string {
  return JSON.stringify(text).replace(
    new RegExp(NOT_PRINTABLE.source, 'gu'),
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  )
}

export function invalid(where: string, value: unknown, allowed: string): ConfigError {
  const shown = typeof value === 'string' ? quoted(value) : describe(value)
  return new ConfigError(`${where}: ${shown} is not valid; expected ${allowed}`)
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value !== null && typeof value === 'object') return 'a table'
  return JSON.stringify(value) ?? String(value)
}

const WHITESPACE = new Set(GRAMMAR.whitespace)

/** `text` without the whitespace around it, as Python's `str.strip()` sees whitespace (the table's grammar). */
export function strip(text: string): string {
  const chars = [...text]
  let start = 0
  let end = chars.length
  while (start < end && WHITESPACE.has(chars[start]!)) start++
  while (end > start && WHITESPACE.has(chars[end - 1]!)) end--
  return chars.slice(start, end).join('')
}

export function parseString(value: unknown, where: string): string {
  if (typeof value !== 'string' || strip(value) === '') throw invalid(where, value, 'a non-empty string')
  return strip(value)
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

export function parseChoice(value: unknown, where: string, choices: readonly string[]): string {
  const word =
    typeof value === 'boolean' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : null
  if (word !== null && choices.includes(word)) return word
  throw invalid(where, value, `one of ${choices.join(', ')}`)
}

const NUMBER = new RegExp(`^(?:${GRAMMAR.number})$`)

/**
 * A number as text, in the table's grammar that the harness's settings.parse_number shares: plain decimal with an
 * optional fraction and exponent (10, 0.5, 1e-300); hex, inf, nan and 1_000 are NaN. TOML numbers pass as they are.
 */
export function decimal(value: unknown): number {
  if (typeof value === 'number') return value
  return typeof value === 'string' && NUMBER.test(strip(value)) ? Number(strip(value)) : NaN
}

export function parseWholeNumber(value: unknown, where: string, min: number, max: number): number {
  const number = decimal(value)
  if (!Number.isInteger(number) || number < min || number > max)
    throw invalid(where, value, `a whole number from ${min} to ${max}`)
  return number
}

/** The longest timeout per entry (a day), from the table the harness bounds it with too. */
export const MAX_TIMEOUT_SECONDS = settingOf('timeout').max!
const MAX_SIGNIFICANCE = settingOf('significance').max!

export function parseSeconds(value: unknown, where: string): number {
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
export function parseProbability(value: unknown, where: string): number {
  const number = typeof value === 'string' && /%\s*$/.test(value) ? parsePercent(value, where) : decimal(value)
  if (!(number > 0 && number <= MAX_SIGNIFICANCE))
    throw invalid(where, value, `a p-value above 0 and at most ${MAX_SIGNIFICANCE}, e.g. 0.01`)
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

export function parseArtifactName(value: unknown, where: string): string {
  const name = parseString(value, where)
  // The characters actions/upload-artifact rejects in names.
  if (/["":<>|*?\r\n\\/]/.test(name))
    throw invalid(where, value, 'an artifact name without " : < > | * ? \\ / or newlines')
  return name
}

export function parseKey(value: unknown, where: string): string {
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
export function parsePythonPath(value: unknown, where: string, projectDir: string): string[] {
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

/** A threshold as the user writes it: 0.05 -> "5%". */
export function thresholdText(fraction: number): string {
  return `${+(fraction * 100).toFixed(3)}%`
}
