// Renders the inputs and outputs tables of README.md from action.yml, so the two never drift.
// `node scripts/action-docs.mjs --write` rewrites README.md; without --write it exits 1 when README.md is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BEGIN = '<!-- action-docs:begin (generated from action.yml by `npm run docs`; do not edit) -->'
const END = '<!-- action-docs:end -->'

const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
const code = (text) => (text === '' ? '' : `\`${String(text).replace(/`/g, "'")}\``)

// Settings that pyproject.toml may also carry have an empty default in action.yml (so the file is not overridden)
// and state their effective default as a closing "Default `X`." sentence, which belongs in the default column.
function splitDefault(description, declared) {
  const stated = /\s*Default `([^`]*)`\.\s*$/.exec(description)
  if (declared !== '' || !stated) return { description, shownDefault: declared }
  return { description: description.slice(0, stated.index), shownDefault: stated[1] }
}

export function renderTables(actionYaml) {
  const action = parse(actionYaml)
  const inputs = Object.entries(action.inputs ?? {}).map(([name, spec]) => {
    const { description, shownDefault } = splitDefault(spec.description ?? '', spec.default ?? '')
    return `| \`${name}\` | ${cell(description)} | ${code(shownDefault)} |`
  })
  const outputs = Object.entries(action.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description ?? '')} |`,
  )
  return [
    '### Inputs',
    '',
    '| input | description | default |',
    '| --- | --- | --- |',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| output | description |',
    '| --- | --- |',
    ...outputs,
  ].join('\n')
}

export function updateReadme(readme, tables) {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${BEGIN} … ${END} markers`)
  return `${readme.slice(0, start + BEGIN.length)}\n\n${tables}\n\n${readme.slice(end)}`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const readmePath = path.join(root, 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const updated = updateReadme(readme, renderTables(readFileSync(path.join(root, 'action.yml'), 'utf8')))
  if (process.argv.includes('--write')) {
    writeFileSync(readmePath, updated)
  } else if (updated !== readme) {
    console.error('README.md inputs/outputs tables differ from action.yml: run `npm run docs`')
    process.exit(1)
  }
}
