// The markdown report of a real comparison: the examples project measured before and after baseline.patch.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { gate } from '../src/gate.js'
import { renderReport, type ReportContext } from '../src/report/index.js'
import { parseResults } from '../src/results.js'
import { HEAD_SHA } from './support/report-context.js'
import { baseline, context } from './support/report-verdict.js'

describe('the examples project, measured', () => {
  // __fixtures__/report: `python -m bytescope run` on examples/ (base) and on examples/ with baseline.patch applied
  // (head), Python 3.12, and `python -m bytescope diff base.json head.json --json` of the two.
  const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', 'report', name), 'utf8')
  const base = parseResults(fixture('base.json'), 'base.json')
  const head = parseResults(fixture('head.json'), 'head.json')
  const examples = loadConfig({ settings: {}, label: (key) => key, cwd: 'examples' })
  const real = gate(head, base, examples)
  const realContext: ReportContext = {
    ...context,
    sourceRoot: 'examples',
    bytecodeDiff: JSON.parse(fixture('diff.json')),
  }

  it('leads the bytecode changes with the hot function that gained a call, showing exactly that', () => {
    const { markdown } = renderReport(real, baseline, realContext)
    const section = markdown.slice(markdown.indexOf('### Bytecode changes'))
    expect(section).toContain('Removed: <code>SearchIndex.search.&#60;locals&#62;.&#60;genexpr&#62;</code>.')
    const summaries = [...section.matchAll(/<summary><code>([^<]+)<\/code>/g)].map((m) => m[1])
    expect(summaries).toEqual(['PriceCalculator.line&#95;discount', 'SearchIndex.search'])
    const first = section.slice(0, section.indexOf('</details>'))
    expect(first).toContain('**Instruction mix:** +1 attribute access, +1 call.')
    expect(first).toContain(`/blob/${HEAD_SHA}/examples/shop/pricing.py#L33-L37`)
    const diff = first.slice(first.indexOf('```diff'), first.lastIndexOf('```'))
    expect(diff.split('\n').filter((l) => /^[+-]/.test(l))).toEqual([
      '+      LOAD_ATTR              NULL|self + lower',
      '+      CALL',
    ])
  })

  it('lists no noise for unchanged entries: own time only counts when the entry got slower or faster', () => {
    const { markdown } = renderReport(real, baseline, realContext)
    const exportDetails = markdown.slice(markdown.indexOf('<summary><code>export</code>'))
    expect(exportDetails.slice(0, exportDetails.indexOf('</details>'))).not.toContain('Functions that changed most')
    const priceCarts = markdown.slice(markdown.indexOf('<summary><code>price-carts</code>'))
    expect(priceCarts.slice(0, priceCarts.indexOf('</details>'))).toContain('Functions that changed most')
    // Built-ins have no source: no link to "~".
    expect(markdown).not.toContain('/~')
  })

  it('fits a comment with room to spare', () => {
    const { markdown, omitted } = renderReport(real, baseline, realContext)
    expect(omitted).toEqual([])
    expect(markdown.length).toBeLessThan(30_000)
  })
})
