// The markdown report rendered from a verdict: what it says, in which order, and what it links to.
import { beforeAll, describe, expect, it } from 'vitest'
import { renderReport } from '../src/report/index.js'
import { HEAD_SHA } from './support/report-context.js'
import {
  baseline,
  BASE_SHA,
  captureBytecode,
  captured,
  context,
  entry,
  entryVerdict,
  html,
  regressionVerdict,
  verdict,
  withDiff,
} from './support/report-verdict.js'

beforeAll(captureBytecode)

describe('report content', () => {
  it('leads with the verdict and the counts', () => {
    const { markdown, omitted } = renderReport(regressionVerdict(), baseline, withDiff())
    expect(omitted).toEqual([])
    const first = markdown.split('\n')[0]!
    expect(first).toMatch(/^## 🔴 bytescope: 1 performance regression$/)
    expect(markdown).toContain('**1** regressed · **0** improved · **1** unchanged across 2 entries')
    expect(markdown).toContain('<code>ba5eba1</code>')
  })

  it('has one table row per entry with time, CI, memory, allocations, instructions and status', () => {
    const rendered = html(renderReport(regressionVerdict(), baseline, withDiff()).markdown)
    const table = rendered.slice(rendered.indexOf('<table>'), rendered.indexOf('</table>'))
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
      [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!),
    )
    expect(rows[0]).toEqual([
      'Entry',
      'Wall time (median)',
      'Time change',
      'Peak memory',
      'Allocations',
      'Instructions',
      'Status',
    ])
    expect(rows).toHaveLength(3)
    const checkout = rows[1]!
    expect(checkout[0]).toBe('<code>checkout</code>')
    expect(checkout[1]).toBe('1.00 ms → 1.13 ms')
    expect(checkout[2]).toBe('🔴 +13.0% (within-run 95% CI +5.0% … +20.0%)')
    // a change the gate did not count reads "unchanged", whatever its sign
    expect(checkout[3]).toBe('97.7 KiB → 98.6 KiB (unchanged)')
    expect(checkout[4]).toBe('120 → 130 (+8.3%)')
    expect(checkout[5]).toBe('5,000 → 5,600 (+12.0%)')
    expect(checkout[6]).toBe('🔴 regression')
    expect(rows[2]![6]).toBe('⚪ unchanged')
    // Said once, right under the table: what a within-run interval does not cover.
    const after = rendered.slice(rendered.indexOf('</table>'))
    expect(after.match(/Within-run intervals/g)).toHaveLength(1)
    expect(after).toMatch(/^<\/table>\s*<p><em>Within-run intervals and p-values cover the variation between the calls/)
  })

  it('details the functions that changed most and the allocation sites that grew', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    const details = markdown.slice(markdown.indexOf('<summary><code>checkout</code>'))
    const section = details.slice(0, details.indexOf('</details>'))
    expect(section).toContain('**time**: wall median 1.00 ms → 1.13 ms, +13.0%')
    const functionRows = section.split('\n').filter((l) => l.startsWith('| <code>'))
    // total: own time +17% of the entry; discount: calls 10 -> 12; format_price unchanged and left out.
    expect(functionRows[0]).toContain('<code>total</code>')
    expect(functionRows[0]).toContain('700 µs → 820 µs (+120 µs, +17.1%)')
    expect(functionRows[0]).toContain('3,000 → 3,600')
    expect(functionRows[1]).toContain('<code>discount</code>')
    expect(functionRows[1]).toContain('10 → 12 (+2, +20.0%)')
    expect(section).not.toContain('format_price')
    expect(section).toContain('**Allocation sites that grew**')
    const siteRows = section
      .slice(section.indexOf('Allocation site'))
      .split('\n')
      .filter((l) => l.startsWith('| ['))
    expect(siteRows[0]).toContain('shop/cart.py:5')
    expect(siteRows[0]).toContain('1000 B → 4.88 KiB')
    expect(siteRows[1]).toContain('shop/money.py:3')
    // A site that is new on head says so: nothing on base.
    expect(siteRows[1]).toContain('— → 2.00 KiB')
    expect(siteRows[0]).toContain(`https://github.com/octo-org/octo-repo/blob/${HEAD_SHA}/shop/cart.py#L5`)
  })

  it('shows the aligned bytecode diff of changed functions, hottest first, with category deltas in words', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    const section = markdown.slice(markdown.indexOf('### Bytecode changes'))
    expect(section).toContain('2 profiled functions compiled to different bytecode')
    // total takes 82% of the entry's time, discount 6%: total first.
    expect(section.indexOf('<summary><code>total</code>')).toBeLessThan(
      section.indexOf('<summary><code>discount</code>'),
    )
    const total = section.slice(section.indexOf('<summary><code>total</code>'), section.indexOf('</details>'))
    const counts = captured.diff.entries[0]!.functions!.find((f) => f.qualname === 'total')!.diff
    expect(total).toContain(`${counts.base_count} → ${counts.head_count} instructions, own time +17.1%`)
    expect(total).toContain('+2 attribute accesses inside a loop')
    expect(total).toContain('+1 arithmetic operation inside a loop')
    expect(total).toContain(`https://github.com/octo-org/octo-repo/blob/${HEAD_SHA}/shop/cart.py#L2-L6`)
    const diff = total.slice(total.indexOf('```diff'), total.lastIndexOf('```') + 3)
    const added = diff.split('\n').filter((l) => l.startsWith('+'))
    expect(added.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\+ LOAD_ATTR .*qty/),
        expect.stringMatching(/^\+ LOAD_ATTR .*value/),
      ]),
    )
    // No offsets or line numbers: every diff line is a marker, an optional label, an opname and its argument.
    for (const line of diff.split('\n').slice(1, -1)) {
      expect(line).toMatch(/^[ +-]\s*(L\d+:)?\s*([A-Z_]+|…)/)
    }
    expect(total).toContain('in <code>checkout</code>: own time 700 µs → 820 µs (+17.1%)')
    expect(total).toContain('executed instructions 3,000 → 3,600 (+20.0%)')
  })

  it('falls back to category deltas from the results when the diff was not computed, and says so', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, context)
    expect(markdown).toContain('+2 attribute accesses')
    expect(markdown).not.toContain('inside a loop')
    expect(markdown).toContain('_The aligned instruction diff was not computed for this run._')
  })

  it('counts categories in the words the results carry from the Python registry, escaped', () => {
    const v = regressionVerdict()
    v.head = {
      ...v.head,
      categories: { ...v.head.categories, attribute: { title: 't', singular: 'x', plural: 'lookups <b>*' } },
    }
    const { markdown } = renderReport(v, baseline, withDiff())
    expect(markdown).toContain('+2 lookups &#60;b&#62;&#42; inside a loop')
    expect(markdown).not.toContain('attribute access')
  })

  it('names a category the results carry no words for after the category itself', () => {
    const v = regressionVerdict()
    v.head = { ...v.head, categories: undefined }
    v.base = v.base && { ...v.base, categories: undefined }
    const { markdown } = renderReport(v, baseline, withDiff())
    expect(markdown).toContain('+2 <code>attribute</code> instructions inside a loop')
  })

  it('ends with environments, the baseline commit, the run link and the reproduce command', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    const footer = markdown.slice(markdown.lastIndexOf('\n---\n'))
    expect(footer).toContain('Base: CPython <code>3.12.1</code>')
    expect(footer).not.toContain('[!WARNING]')
    expect(footer).toContain(`[<code>ba5eba1</code>](https://github.com/octo-org/octo-repo/commit/${BASE_SHA})`)
    expect(footer).toContain('2 commits behind the base branch')
    expect(footer).toContain('[Workflow run](https://github.com/octo-org/octo-repo/actions/runs/42)')
    expect(footer).toContain('```sh\nnpx bytescope --baseline-path base.json\n```')
  })

  it('warns when base and head ran on different Pythons', () => {
    const { markdown } = renderReport(regressionVerdict({ basePython: '3.11.7' }), baseline, withDiff())
    expect(markdown).toContain('> - Python build: <code>CPython 3.11.7</code> → <code>CPython 3.12.1</code>')
    expect(markdown).toContain(
      'Base and head ran different Python versions: time, memory, allocations and executed instructions are not compared',
    )
    expect(markdown).toContain('Not compared: base and head ran on Python 3.11 and 3.12')
    expect(markdown).not.toContain('```diff')
  })

  it('says plainly when there is no baseline', () => {
    const v = regressionVerdict()
    const noBase = verdict(
      v.entries.map((e) => entryVerdict(e.name, 'new', null, e.head)),
      null,
      v.head,
    )
    const { markdown } = renderReport(noBase, null, context)
    expect(markdown.split('\n')[0]).toBe('## ℹ️ bytescope: No baseline to compare with')
    expect(markdown).toContain('Nothing was compared')
    expect(markdown).not.toContain('Bytecode changes')
    // Nothing changed or grew: there was nothing before. The head's own numbers are what is hot.
    expect(markdown).not.toContain('changed most')
    expect(markdown).not.toContain('that grew')
    const details = markdown.slice(markdown.indexOf('<summary><code>checkout</code>'))
    expect(details).toContain(
      "**Hottest functions** (own time from one profiled call, including the profiler's overhead)",
    )
    expect(details).toMatch(/\| <code>total<\/code> .*\| 820 µs \| 1 \| 3,600 \|/)
    expect(details).toContain('**Largest allocation sites**')
  })

  it('draws a mermaid chart of per-entry time change when two or more entries were compared', () => {
    const { markdown } = renderReport(regressionVerdict(), baseline, withDiff())
    expect(markdown).toContain('```mermaid\nxychart-beta')
    expect(markdown).toContain('x-axis ["checkout", "search"]')
    expect(markdown).toContain('bar [113.0, 101.0]')
    expect(renderReport(regressionVerdict(), baseline, { ...withDiff(), chart: false }).markdown).not.toContain(
      'mermaid',
    )
  })

  it('shows the error of an entry that failed to run', () => {
    const failing = entry({
      name: 'broken',
      medianNs: 0,
      error: {
        type: 'ZeroDivisionError',
        message: 'division by zero',
        traceback: 'Traceback:\n  ...\nZeroDivisionError: division by zero',
      },
    })
    const v = regressionVerdict()
    v.entries.push(entryVerdict('broken', 'error', null, failing))
    const { markdown } = renderReport(v, baseline, withDiff())
    expect(markdown).toContain('**1** failed to run')
    expect(markdown).toContain('**Error on head** during timing: <code>ZeroDivisionError</code>')
    expect(markdown).toContain('```text\nTraceback:\n  ...\nZeroDivisionError: division by zero\n```')
  })
})
