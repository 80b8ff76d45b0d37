// The markdown report bounded in size: whole blocks only, and it says what was left out.
import { beforeAll, describe, expect, it } from 'vitest'
import { renderReport, type BytecodeDiffReport, type FunctionChange, type ReportContext } from '../src/report/index.js'
import type { Verdict } from '../src/verdict.js'
import {
  baseline,
  captureBytecode,
  captured,
  entry,
  entryVerdict,
  html,
  regressionVerdict,
  withDiff,
} from './support/report-verdict.js'

beforeAll(captureBytecode)

const decodeEntities = (text: string): string =>
  text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))

function hugeVerdict(functionCount: number, entryCount: number): { verdict: Verdict; context: ReportContext } {
  const v = regressionVerdict()
  const changes: FunctionChange[] = []
  const checkout = v.entries[0]!
  const total = captured.diff.entries[0]!.functions!.find((f) => f.qualname === 'total')!
  for (let i = 0; i < functionCount; i++) {
    const qualname = `generated_${i}`
    const rename = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replaceAll('"total"', JSON.stringify(qualname))) as T
    const base = rename(captured.base.total!)
    const head = rename(captured.head.total!)
    head.hash = `${head.hash}${i}`
    // A long function: the real diff repeated, so each section is large.
    const change = rename(total)
    change.diff.ops = Array.from({ length: 8 }, () => change.diff.ops).flat()
    checkout.base!.functions.push(base)
    checkout.head!.functions.push(head)
    checkout.head!.profile!.functions.push({ ...checkout.head!.profile!.functions[0]!, qualname, own_ns: 1000 + i })
    changes.push(change)
  }
  for (let i = 0; i < entryCount; i++) {
    const e = entry({ name: `entry_${i}`, medianNs: 1000, peak: 10 })
    v.entries.push(entryVerdict(e.name, 'unchanged', e, e))
  }
  const diff: BytecodeDiffReport = { entries: [{ name: 'checkout', status: 'compared', functions: changes }] }
  return { verdict: v, context: { ...withDiff(), bytecodeDiff: diff } }
}

describe('size bounding', () => {
  it('keeps a huge report under the comment limit, whole blocks only, and says what was left out', () => {
    const { verdict: v, context: ctx } = hugeVerdict(300, 0)
    const full = renderReport(v, baseline, ctx, { maxLength: 10_000_000 })
    expect(full.markdown.length).toBeGreaterThan(300_000)
    expect(full.omitted).toEqual([])
    const bounded = renderReport(v, baseline, ctx)
    const markdown = decodeEntities(bounded.markdown)
    const omitted = bounded.omitted.map(decodeEntities)
    expect(bounded.markdown.length).toBeLessThanOrEqual(65_536)
    expect(bounded.markdown.length).toBeGreaterThan(50_000)
    // The coldest functions go first, and the note counts them; the hottest keep their full diff.
    const dropped = omitted.find((o) => o.startsWith('bytecode diffs of'))!
    const [, listed, more] = /^bytecode diffs of (.*) and (\d+) more$/.exec(dropped)!
    const listedNumbers = [...listed!.matchAll(/generated_(\d+)/g)].map((m) => Number(m[1]))
    const keptNumbers = [...markdown.matchAll(/<summary><code>generated_(\d+)<\/code>/g)].map((m) => Number(m[1]))
    expect(listedNumbers).toHaveLength(5)
    expect(keptNumbers.length + listedNumbers.length + Number(more)).toBe(300)
    expect(Math.min(...keptNumbers)).toBeGreaterThan(Math.max(...listedNumbers))
    expect(keptNumbers).toContain(299)
    expect(markdown).not.toContain('<summary><code>generated_0</code>')
    expect(markdown.indexOf('<summary><code>generated_299</code>')).toBeLessThan(
      markdown.indexOf('<summary><code>generated_298</code>'),
    )
    expect(markdown).toContain('<summary><code>total</code>')
    // Kept: headline, table, footer. Said: what is missing and where the full report is.
    expect(markdown).toContain('## 🔴 bytescope')
    expect(markdown).toContain('| <code>checkout</code>')
    expect(markdown).toContain('Reproduce locally')
    expect(markdown).toContain('> To stay within 65,536 characters, this report leaves out:')
    expect(markdown).toMatch(/> - bytecode diffs of <code>generated_\d+<\/code>, .* and \d+ more\n/)
    expect(markdown).toContain('[job summary](https://github.com/octo-org/octo-repo/actions/runs/42)')
    expect(markdown).toContain('the <code>bytescope-results</code> artifact')
    // Nothing cut in half: balanced details and fences, and the note renders after the last code block.
    const rendered = html(bounded.markdown)
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
    expect(rendered.lastIndexOf('</pre>')).toBeLessThan(rendered.indexOf('this report leaves out'))
    expect(markdown.split('\n').filter((l) => /^`{3,}/.test(l)).length % 2).toBe(0)
  })

  it('shortens the summary table itself when thousands of entries leave no other choice', () => {
    const { verdict: v, context: ctx } = hugeVerdict(5, 3000)
    const { markdown, omitted } = renderReport(v, baseline, ctx)
    expect(markdown.length).toBeLessThanOrEqual(65_536)
    expect(omitted).toContain('the summary table (shortened)')
    expect(markdown).toMatch(/_\d+ more entries are in the full report._/)
    // Regressions stay in the shortened table.
    expect(markdown).toContain('| <code>checkout</code>')
  })

  it('says where the full report is, as the caller knows it', () => {
    const { verdict: v, context: ctx } = hugeVerdict(50, 0)
    const { markdown } = renderReport(v, baseline, ctx, { maxLength: 20_000, fullReportAt: 'the `report-path` file' })
    expect(markdown).toContain('> The full report is in the `report-path` file.')
  })

  it('honours a smaller limit, such as one that leaves room for the comment marker', () => {
    const { verdict: v, context: ctx } = hugeVerdict(50, 0)
    for (const maxLength of [8_000, 20_000, 65_000]) {
      const { markdown } = renderReport(v, baseline, ctx, { maxLength })
      expect(markdown.length).toBeLessThanOrEqual(maxLength)
    }
  })
})
