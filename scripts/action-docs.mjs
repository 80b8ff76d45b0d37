// Writes what is generated from the settings table (schema/settings.json) and from action.yml, so none of it drifts:
// action.yml's inputs (descriptions and defaults), the settings tables of docs/configuration.md and docs/harness.md,
// and README.md's inputs and outputs tables. `node scripts/action-docs.mjs --write` rewrites them; without --write it exits 1 when one is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { defaultText, helpOf } from '../src/config/text.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const README_BEGIN = '<!-- action-docs:begin (generated from action.yml by `npm run docs`; do not edit) -->'
const README_END = '<!-- action-docs:end -->'
const SETTINGS_BEGIN = '<!-- settings:begin (generated from schema/settings.json by `npm run docs`; do not edit) -->'
const SETTINGS_END = '<!-- settings:end -->'
const HARNESS_BEGIN =
  '<!-- harness-settings:begin (generated from schema/settings.json by `npm run docs`; do not edit) -->'
const HARNESS_END = '<!-- harness-settings:end -->'
const WIDTH = 120

const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
const code = (text) => (text === '' ? '' : `\`${String(text).replace(/`/g, "'")}\``)

/** An action input's description: the table's, closed by its default unless action.yml fills one in. */
function inputDescription(row) {
  const stated = row.default !== null && row.actionDefault === undefined ? ` Default \`${defaultText(row)}\`.` : ''
  return `${row.description}${stated}`
}

/** `key: text` as YAML: plain on one line when it fits and is safe, else folded (`>-`) and wrapped. */
function yamlText(indent, key, text) {
  const line = `${indent}${key}: ${text}`
  if (line.length <= WIDTH && !/: | #|^[-?:,[\]{}#&*!|>'"%@`]|:$/.test(text)) return `${line}\n`
  const lines = []
  let current = ''
  for (const word of text.split(' ')) {
    if (current && indent.length + 2 + current.length + 1 + word.length > WIDTH) {
      lines.push(current)
      current = word
    } else current = current ? `${current} ${word}` : word
  }
  lines.push(current)
  return `${indent}${key}: >-\n${lines.map((l) => `${indent}  ${l}\n`).join('')}`
}

/** action.yml's `inputs:` block, from the table's rows that are action inputs. */
export function renderInputs(rows) {
  const inputs = rows
    .filter((row) => row.surfaces.input)
    .map((row) => {
      const fallback = row.actionDefault ?? ''
      const shown = fallback === '' ? "''" : /^[\w.-]+$/.test(fallback) ? `'${fallback}'` : fallback
      return `  ${row.key}:\n${yamlText('    ', 'description', inputDescription(row))}    required: false\n    default: ${shown}\n`
    })
  return `inputs:\n${inputs.join('')}`
}

export function updateActionYml(actionYaml, inputs) {
  const start = actionYaml.indexOf('\ninputs:\n')
  const end = actionYaml.indexOf('\noutputs:\n')
  if (start < 0 || end < start) throw new Error('action.yml lacks an inputs: block followed by outputs:')
  return `${actionYaml.slice(0, start + 1)}${inputs}${actionYaml.slice(end)}`
}

// What each kind of value is, where the row does not say (`values`).
const VALUES = {
  entries: () => 'lines of `[NAME=]TARGET`, `#` comments',
  int: (row) => `${row.min}–${row.max}`,
  seconds: (row) => `seconds, > 0 and at most ${row.max}`,
  percent: () => 'percentage (`10%`)',
  probability: (row) => `p-value in (0, ${row.max}], or a percentage`,
  size: () => 'size (`256MiB`, `512KiB`, `1GB`, bytes)',
  bool: () => '`true`, `false`',
  choice: (row) => row.choices.map(code).join(', '),
  paths: () => 'directories, one per line (a TOML array in the file)',
}

/** docs/configuration.md's settings table: every action setting with its values, default and meaning. */
export function renderSettingsTable(rows, pageTitle) {
  const lines = rows
    .filter((row) => row.surfaces.input)
    .map((row) => {
      const values = row.values ?? VALUES[row.kind]?.(row) ?? row.kind
      const fallback =
        row.actionDefault !== undefined
          ? code(row.actionDefault)
          : row.default === null
            ? cell(defaultText(row))
            : code(defaultText(row))
      const where = [row.surfaces.file ? '' : 'not in the file', row.surfaces.entry ? 'per entry too' : '']
      const see = row.docs ? `; see [${pageTitle(row.docs)}](${row.docs})` : ''
      const note = where.filter(Boolean).join(', ')
      return `| \`${row.key}\` | ${cell(values)} | ${fallback} | ${cell(helpOf(row, rows))}${note ? ` (${note})` : ''}${see} |`
    })
  return ['| Setting | Values | Default | Meaning |', '| :- | :- | :- | :- |', ...lines].join('\n')
}

const HARNESS_VALUES = { int: 'N', seconds: 'SECONDS', path: 'PATH', entries: '[NAME=]TARGET', string: 'METHOD' }
const HARNESS_BOUNDS = {
  int: (row) => ` (${row.min} to ${row.max})`,
  seconds: (row) => ` (> 0, at most ${row.max})`,
}

/** docs/harness.md's options table: the rows the harness has, by option and by config key. */
export function renderHarnessTable(rows) {
  const lines = rows
    .filter((row) => row.surfaces.harness !== undefined || row.surfaces.harnessFlag !== undefined)
    .map((row) => {
      const flag = row.surfaces.harnessFlag
      const option = !flag
        ? '—'
        : row.kind === 'bool'
          ? `\`${flag}\` / \`--no-${flag.slice(2)}\``
          : `\`${flag} ${HARNESS_VALUES[row.kind]}\``
      const key = row.surfaces.harness ? code(row.surfaces.harness) : '—'
      const fallback =
        row.default === null ? cell(row.defaultText ?? '— (required)') : code(JSON.stringify(row.default))
      const bounds = HARNESS_BOUNDS[row.kind]?.(row) ?? ''
      return `| ${option} | ${key} | ${fallback} | ${cell(helpOf(row, rows))}${bounds} |`
    })
  return ['| option | config key | default | meaning |', '| --- | --- | --- | --- |', ...lines].join('\n')
}

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

function between(text, begin, end, content, file) {
  const start = text.indexOf(begin)
  const stop = text.indexOf(end)
  if (start < 0 || stop < start) throw new Error(`${file} lacks the ${begin} … ${end} markers`)
  return `${text.slice(0, start + begin.length)}\n\n${content}\n\n${text.slice(stop)}`
}

export function updateReadme(readme, tables) {
  return between(readme, README_BEGIN, README_END, tables, 'README.md')
}

export function updateConfigurationDoc(doc, table) {
  return between(doc, SETTINGS_BEGIN, SETTINGS_END, table, 'docs/configuration.md')
}

export function updateHarnessDoc(doc, table) {
  return between(doc, HARNESS_BEGIN, HARNESS_END, table, 'docs/harness.md')
}

/** Every generated file as it should be: [path relative to the repository, text]. */
export function generatedFiles(read = (file) => readFileSync(path.join(root, file), 'utf8')) {
  const rows = JSON.parse(read('schema/settings.json')).settings
  const pageTitle = (page) => /^# (.+)$/m.exec(read(`docs/${page}`))?.[1] ?? page
  const actionYaml = updateActionYml(read('action.yml'), renderInputs(rows))
  return [
    ['action.yml', actionYaml],
    ['README.md', updateReadme(read('README.md'), renderTables(actionYaml))],
    [
      'docs/configuration.md',
      updateConfigurationDoc(read('docs/configuration.md'), renderSettingsTable(rows, pageTitle)),
    ],
    ['docs/harness.md', updateHarnessDoc(read('docs/harness.md'), renderHarnessTable(rows))],
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const stale = generatedFiles().filter(([file, text]) => readFileSync(path.join(root, file), 'utf8') !== text)
  if (process.argv.includes('--write')) {
    for (const [file, text] of stale) writeFileSync(path.join(root, file), text)
  } else if (stale.length > 0) {
    console.error(`${stale.map(([file]) => file).join(', ')} differ from schema/settings.json: run \`npm run docs\``)
    process.exit(1)
  }
}
