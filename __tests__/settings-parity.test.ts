// The settings table (schema/settings.json) as the action reads it, and the parity cases both test suites read
// (__tests__/__fixtures__/settings-parity.json; the harness's side is python/tests/test_settings_parity.py).
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parseEntry, targetParts } from '../src/config/entries.js'
import { parseByKind } from '../src/config/settings.js'
import { ROWS, settingOf } from '../src/config/table.js'
import { ConfigError, decimal } from '../src/config/values.js'

interface EntryCase {
  text: string
  error?: string
  name?: string
  target?: string
  module?: string | null
  path?: string | null
  attr?: string | null
}
const CASES = JSON.parse(readFileSync('__tests__/__fixtures__/settings-parity.json', 'utf8')) as {
  entries: EntryCase[]
  numbers: { text: string; value: number | null }[]
  values: { key: string; value: unknown; valid: boolean }[]
}

describe('parity cases', () => {
  it.each(CASES.entries.map((c) => [JSON.stringify(c.text), c]))('entry %s', (_, c) => {
    const entry = c as EntryCase
    if (entry.error !== undefined) {
      expect(() => parseEntry(entry.text, 'entry')).toThrow(ConfigError)
      return
    }
    const parsed = parseEntry(entry.text, 'entry')
    expect({ name: parsed.name, target: parsed.target, ...targetParts(parsed.target) }).toEqual({
      name: entry.name,
      target: entry.target,
      module: entry.module,
      path: entry.path,
      attr: entry.attr,
    })
  })

  it('reads numbers given as text', () => {
    const read = (text: string) => (Number.isFinite(decimal(text)) ? decimal(text) : null)
    expect(CASES.numbers.map((c) => [c.text, read(c.text)])).toEqual(CASES.numbers.map((c) => [c.text, c.value]))
  })

  it('checks the values the harness checks', () => {
    const verdict = (key: string, value: unknown) => {
      try {
        return parseByKind(settingOf(key), value, key) === value || 'changed'
      } catch (error) {
        if (error instanceof ConfigError) return false
        throw error
      }
    }
    expect(CASES.values.map((c) => [c.key, c.value, verdict(c.key, c.value)])).toEqual(
      CASES.values.map((c) => [c.key, c.value, c.valid]),
    )
  })
})

describe('the settings table', () => {
  it('matches its schema', () => {
    const ajv = new Ajv({ allErrors: true })
    const validate = ajv.compile(JSON.parse(readFileSync('schema/settings.schema.json', 'utf8')))
    expect(validate(JSON.parse(readFileSync('schema/settings.json', 'utf8'))), ajv.errorsText(validate.errors)).toBe(
      true,
    )
  })

  it('holds each key once; a CLI flag is an action input; bounds and choices fit the kind', () => {
    expect(new Set(ROWS.map((r) => r.key)).size).toBe(ROWS.length)
    for (const row of ROWS) {
      expect([row.key, row.surfaces.flag]).toEqual([row.key, row.surfaces.input])
      if (row.kind === 'choice') expect([row.key, row.choices?.length]).toEqual([row.key, expect.any(Number)])
      if (row.kind === 'int')
        expect([row.key, row.min, row.max]).toEqual([row.key, expect.any(Number), expect.any(Number)])
      if (row.surfaces.entry) expect([row.key, row.surfaces.file]).toEqual([row.key, true])
    }
  })

  it("parses every default with the setting's own parser", () => {
    for (const row of ROWS.filter((r) => r.default !== null && !['entries', 'path', 'paths'].includes(r.kind)))
      expect(() => parseByKind(row, row.default, row.key)).not.toThrow()
  })
})
