// What `npm run docs` writes from the settings table (schema/settings.json) is committed as written: action.yml's
// inputs, docs/configuration.md's settings table and README.md's inputs table.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- plain ESM script without types
import { generatedFiles as generated } from '../scripts/action-docs.mjs'
import { SETTINGS } from '../src/config.js'
import type { SettingRow } from '../src/config/table.js'
import { helpLine } from '../src/config/text.mjs'

const read = (file: string) => readFileSync(file, 'utf8')
const generatedFiles = generated as (read?: (file: string) => string) => [string, string][]

describe('files generated from the settings table', () => {
  it.each(generatedFiles().map(([file, text]) => [file, text]))('%s is fresh (run `npm run docs`)', (file, text) => {
    expect(read(file as string) === text, `${file} differs from schema/settings.json: run \`npm run docs\``).toBe(true)
  })

  it('detects an action.yml, a docs table and a README that drifted from the table', () => {
    // Change a default and a help line in the table, as an edit of it would: every generated file must change.
    const table = JSON.parse(read('schema/settings.json'))
    const repeat = table.settings.find((s: { key: string }) => s.key === 'repeat')
    repeat.default = 31
    repeat.help += ' (changed)'
    const drifted = generatedFiles((file: string) =>
      file === 'schema/settings.json' ? JSON.stringify(table) : read(file),
    )
    for (const [file, text] of drifted) expect([file, text === read(file)]).toEqual([file, false])
    expect(drifted.find(([file]) => file === 'action.yml')![1]).toContain('Default `31`.')
  })

  it("the CLI's --help and the action's help lines are the table's", () => {
    const table = JSON.parse(read('schema/settings.json'))
    const rows = table.settings.filter((s: { surfaces: { input: boolean } }) => s.surfaces.input)
    expect(SETTINGS.map((s) => s.key)).toEqual(rows.map((r: { key: string }) => r.key))
    const repeat = rows.find((r: { key: string }) => r.key === 'repeat')
    expect(SETTINGS.find((s) => s.key === 'repeat')!.help).toBe(`${repeat.help} (default: ${repeat.default})`)
  })

  it('describes --time-threshold by the default statistic and clock the table gives', () => {
    const rows = JSON.parse(read('schema/settings.json')).settings as SettingRow[]
    const threshold = rows.find((r) => r.key === 'time-threshold')!
    expect(helpLine(threshold, rows)).toContain("of each entry's fastest call, cpu time,")
    const changed = rows.map((r) =>
      r.key === 'time-statistic' ? { ...r, default: 'median' } : r.key === 'clock' ? { ...r, default: 'wall' } : r,
    )
    expect(helpLine(threshold, changed)).toContain("of each entry's median call, wall time,")
  })
})
