// Same-named functions through the real harness, its diff and the report: a function with two lambdas and a method
// with two comprehensions of one kind, where head changes only the second of each (python/tests/fixtures/harness/
// twins). The functions table, the bytecode section and the annotation must name the one that changed, with its own
// numbers, and leave out its unchanged twin and the parent whose own bytecode did not change.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { annotations } from '../src/annotations.js'
import { loadConfig } from '../src/config.js'
import { gate } from '../src/gate.js'
import { renderReport, type BytecodeDiffReport } from '../src/report/index.js'
import { renderTerminal } from '../src/report/terminal.js'
import { joinPairs } from '../src/pairing.js'
import { parseResults, type Results } from '../src/results.js'
import type { Verdict } from '../src/verdict.js'
import { githubContext } from './support/report-context.js'
import { entry } from './support/results.js'

const PYTHON = '/root/.pyenv/versions/3.12.1/bin/python3'
const FIXTURE = join(import.meta.dirname, '..', 'python', 'tests', 'fixtures', 'harness', 'twins')
const env = { ...process.env, PYTHONPATH: join(import.meta.dirname, '..', 'python') }

const context = githubContext({
  runUrl: null,
  reproduceCommand: 'node dist/index.js --baseline-path base.json',
  artifactName: null,
})

let base: Results
let head: Results
let verdict: Verdict
let markdown: string
let config: ReturnType<typeof loadConfig>

function measure(side: 'base' | 'head', out: string): Results {
  const args = ['-m', 'bytescope', 'run', '--cwd', join(FIXTURE, side), '--out', out, '--entry', 'twins=twins.py']
  execFileSync(PYTHON, [...args, '--repeat', '3', '--warmup', '0', '--no-memory', '--instructions'], {
    env,
    stdio: 'pipe',
  })
  return parseResults(readFileSync(out, 'utf8'), out)
}

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'bytescope-twins-'))
  base = measure('base', join(dir, 'base.json'))
  head = measure('head', join(dir, 'head.json'))
  const diffArgs = ['-m', 'bytescope', 'diff', join(dir, 'base.json'), join(dir, 'head.json'), '--json']
  const diff = JSON.parse(execFileSync(PYTHON, diffArgs, { env, encoding: 'utf8' })) as BytecodeDiffReport
  config = loadConfig({
    settings: { 'entry-points': 'twins=twins.py', 'instructions-threshold': '1%' },
    label: (key) => key,
    cwd: FIXTURE,
  })
  verdict = joinPairs(gate(head, base, config), diff)
  markdown = renderReport(verdict, null, { ...context, bytecodeDiff: diff }).markdown
}, 120_000)

const LAMBDA = 'pick.&#60;locals&#62;.&#60;lambda&#62;'
const GENEXPR = 'SearchIndex.search.&#60;locals&#62;.&#60;genexpr&#62;'
const RANKED = 'rank.&#60;locals&#62;.&#60;genexpr&#62;'

describe('same-named functions, measured', () => {
  it('gives the changed lambda its own row in the functions table, with its own counts', () => {
    const executed = (r: Results, qualname: string) =>
      r.entries[0]!.instructions!.functions.find((f) => f.qualname === qualname)!.count
    const first = executed(base, 'pick.<locals>.<lambda>')
    const second = [executed(base, 'pick.<locals>.<lambda>#2'), executed(head, 'pick.<locals>.<lambda>#2')]
    expect(executed(head, 'pick.<locals>.<lambda>')).toBe(first)
    expect(second[1]).toBeGreaterThan(second[0]!)
    const rows = markdown.split('\n').filter((line) => line.startsWith('| <code>'))
    const lambdaRows = rows.filter((row) => row.startsWith(`| <code>${LAMBDA}`))
    expect(lambdaRows).toHaveLength(1)
    expect(lambdaRows[0]).toContain(`<code>${LAMBDA}#2</code>`)
    expect(lambdaRows[0]).toContain('twins.py:7')
    const format = (n: number) => n.toLocaleString('en-US')
    expect(lambdaRows[0]).toContain(`${format(second[0]!)} → ${format(second[1]!)}`)
    expect(rows.filter((row) => row.startsWith(`| <code>${GENEXPR}`))).toEqual([
      expect.stringContaining(`<code>${GENEXPR}#2</code>`),
    ])
    // rank's new generator expression is the first: it is new; the old one, now second, kept its partner.
    expect(rows.filter((row) => row.startsWith(`| <code>${RANKED}`))).toEqual([expect.not.stringContaining('#2')])
  })

  it('shows the aligned diff of the second lambda and the second generator expression, and not of their parents', () => {
    const section = markdown.slice(markdown.indexOf('### Bytecode changes'))
    const summaries = [...section.matchAll(/<summary><code>([^<]+)<\/code>/g)].map((m) => m[1])
    // 3.12 inlines the list comprehensions: their change is SearchIndex.search's own.
    expect(summaries.sort()).toEqual([`${GENEXPR}#2`, 'SearchIndex.search', `${LAMBDA}#2`, 'rank'].sort())
    const lambda = section.slice(section.indexOf(`<summary><code>${LAMBDA}#2`))
    const block = lambda.slice(lambda.indexOf('```diff'), lambda.indexOf('```\n', lambda.indexOf('```diff') + 7))
    const changed = block.split('\n').filter((line) => /^[+-]/.test(line))
    // Each line says how often it ran: the lambda is called 1,000 times.
    expect(changed).toEqual([
      '+      LOAD_ATTR              NULL|self + lower  1,000×',
      '+      CALL                     1,000×',
    ])
    expect(lambda.slice(0, lambda.indexOf('</details>'))).toContain('twins.py:7')
    expect(section).toContain(`Added: <code>${RANKED}</code>.`)
    expect(section).not.toContain('Removed:')
  })

  it('blames the line whose executed instructions grew most: the new generator expression, all of it new', () => {
    const added = head.entries[0]!.instructions!.functions.find((f) => f.qualname === 'rank.<locals>.<genexpr>')!
    const [annotation] = annotations(verdict, FIXTURE, FIXTURE)
    const count = added.count.toLocaleString('en-US')
    expect(annotation?.message).toContain(
      `Regressed most: rank.<locals>.<genexpr> (+${count} executed instructions on line ${added.lineno}).`,
    )
    expect(annotation?.startLine).toBe(added.lineno)
  })

  it('tells nothing as added or changed against a base that failed: head has nothing to be compared with', () => {
    const failed = { ...base, entries: [entry({ name: 'twins', status: 'error' })] }
    const alone = gate(head, failed, config)
    const report = renderReport(alone, null, context).markdown
    const terminal = renderTerminal(alone, null, context, { color: false })
    for (const text of [report, terminal]) {
      expect(text).toContain('Hottest functions')
      expect(text).not.toContain('Functions that changed most')
      expect(text).not.toContain('Added:')
    }
    expect(report).toContain('division by zero')
  })
})
