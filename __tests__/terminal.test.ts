// The report for a terminal, rendered from the examples project's real results and diff (the fixtures the markdown
// report's tests use): plain aligned text, colour only when asked for, and measured text that cannot reach the terminal
// as escape sequences.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commandLine } from '../src/cli.js'
import { loadConfig } from '../src/config.js'
import { gate } from '../src/gate.js'
import { joinPairs } from '../src/pairing.js'
import { renderTerminal, useColor } from '../src/report/terminal.js'
import { parseResults, type Results } from '../src/results.js'
import type { BaselineInfo } from '../src/verdict.js'
import { localContext } from './support/report-context.js'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', 'report', name), 'utf8')
const config = loadConfig({ settings: {}, label: (key) => key, cwd: 'examples' })
const baseline: BaselineInfo = { source: 'path', location: 'base.json', commit: 'ba5eba11ba5eba11', behindBy: null }
const context = localContext({
  reproduceCommand: "node dist/index.js --results head.json --baseline-path 'my base.json'",
  bytecodeDiff: JSON.parse(fixture('diff.json')),
})

function render(color: boolean, edit: (head: Results) => Results = (head) => head): string {
  const head = edit(parseResults(fixture('head.json'), 'head.json'))
  const verdict = joinPairs(gate(head, parseResults(fixture('base.json'), 'base.json'), config), context.bytecodeDiff)
  return renderTerminal(verdict, baseline, context, { color })
}

describe('the terminal report', () => {
  it('is plain text: no HTML, no entities, no markdown, no chart', () => {
    const text = render(false)
    expect(text).toMatch(/^bytescope: FAIL — /)
    for (const markup of ['&#', '<code>', '<details>', '<summary>', '**', '```', 'mermaid', '\u001b'])
      expect(text).not.toContain(markup)
    expect(text).toContain('PriceCalculator.line_discount  shop/pricing.py:33')
    expect(text).toContain('SearchIndex.search.<locals>.<genexpr>')
    expect(text).toContain('instruction mix: +1 attribute access, +1 call')
    expect(text).toContain("Reproduce: node dist/index.js --results head.json --baseline-path 'my base.json'")
  })

  it('aligns the summary table: every column starts at the same place on every row', () => {
    const lines = render(false).split('\n')
    const start = lines.findIndex((line) => line.startsWith('Entry '))
    const table = lines.slice(start, lines.indexOf('', start))
    expect(table.length).toBeGreaterThan(3)
    expect(table[1]).toMatch(/^-+( {2}-+)+$/)
    const columns = (line: string) => [...line.matchAll(/ {2}-+/g)].map((m) => m.index)
    const status = table[0]!.indexOf('Status')
    expect(columns(table[1]!)).toContain(status - 2)
    for (const row of table.slice(2)) expect(row.slice(status)).toMatch(/^(regression|improvement|unchanged)/)
  })

  it('colours the bytecode diff like git and the statuses, only when asked to', () => {
    const text = render(true)
    expect(text).toContain('\u001b[32m+      LOAD_ATTR              NULL|self + lower\u001b[0m')
    expect(text).toContain('\u001b[31m-      LOAD_CLOSURE           self\u001b[0m')
    expect(text).toContain('\u001b[31mregression\u001b[0m')
    expect(text).toContain('\u001b[1mbytescope\u001b[0m: \u001b[31mFAIL\u001b[0m')
  })

  it('lets no escape sequence or line break from measured code through', () => {
    const hostile = '\u001b[2J\u001b]0;owned\u0007\nforged line'
    const text = render(true, (head) => {
      const [first] = head.entries
      return { ...head, entries: [{ ...first!, name: `price-carts${hostile}` }, ...head.entries.slice(1)] }
    })
    expect(text).not.toContain('\u001b[2J')
    expect(text).not.toContain('\u001b]0')
    expect(text).not.toContain('\nforged line')
    expect(text).toContain('price-carts[2J]0;owned ⏎ forged line')
  })
})

describe('the terminal summary and tables', () => {
  it('counts entries that were not comparable, as report.md does', () => {
    const text = render(false, (head) => ({ ...head, environment: { ...head.environment, python_version: '3.13.0' } }))
    expect(text).toContain('0 regressed, 0 improved, 0 unchanged, 5 not comparable across 5 entries')
  })

  it('names the interval as markdown does: within-run', () => {
    expect(render(false)).toMatch(/\+20\.4% \(within-run 95% CI \+14\.2% … \+28\.3%\)/)
  })

  it('shows an added function as "— → head" and a removed one as "base → —"', () => {
    const text = render(false)
    expect(text).toMatch(/^ {2}str\.lower +\(built-in\) +— → 5\.70 ms +— → 2,420$/m)
    expect(text).toMatch(
      /^ {2}SearchIndex\.search\.<locals>\.<genexpr> +shop\/search\.py:25 +617 µs → — +140 → — +3,300 → —$/m,
    )
  })

  it("says that own times include the profiler's overhead, and how much", () => {
    expect(render(false)).toContain(
      "Functions that changed most (own time from one profiled call, including the profiler's overhead: ~43% of the profiled time):",
    )
  })
})

describe('useColor', () => {
  it('colours a terminal unless NO_COLOR says not; FORCE_COLOR decides when set', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true)
    expect(useColor({ isTTY: false }, {})).toBe(false)
    expect(useColor({}, {})).toBe(false)
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true)
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true)
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '' })).toBe(true)
    expect(useColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false)
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true)
  })
})

describe('commandLine', () => {
  it('quotes what a shell would split or expand', () => {
    expect(commandLine(['node', 'dist/index.js', '--time-threshold', '5%', '--entry-points', 'a b=x.py'])).toBe(
      "node dist/index.js --time-threshold 5% --entry-points 'a b=x.py'",
    )
    expect(commandLine(["it's", '$HOME'])).toBe(`'it'\\''s' '$HOME'`)
  })
})
