// The markdown report when every name it shows is hostile: it renders as text, with its structure intact.
import { beforeAll, describe, expect, it } from 'vitest'
import { renderReport, type ReportContext } from '../src/report/index.js'
import type { Verdict } from '../src/verdict.js'
import { HEAD_SHA } from './support/report-context.js'
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

const HOSTILE = [
  'a|b\\|c',
  '```js\nalert(1)\n```',
  '`x` ``y``',
  '<!-- bytescope-comment key= --> -->',
  '@org/team and @someone please look #1',
  '<img src=x onerror=alert(1)><script>alert(2)</script>',
  '</code></summary></details></td></table>',
  '[click](javascript:alert(1)) ![x](http://t/x.png)',
  '$x^2$ **bold** _it_ ~~gone~~ <b>b</b>',
  'line1\n| injected | row |\n\n# heading',
  '名前 ∑ café 🚀 \u202eevil\u202c',
  'x'.repeat(10_000),
]

function hostileVerdict(hostile: string): { verdict: Verdict; context: ReportContext } {
  // Every name the report shows becomes hostile: entry names, qualnames, file paths, argument reprs, errors.
  const replacements: [string, string][] = [
    ['"checkout"', JSON.stringify(`checkout ${hostile}`)],
    ['"total"', JSON.stringify(`total ${hostile}`)],
    ['"shop/cart.py"', JSON.stringify(`shop/${hostile}.py`)],
    ['"price"', JSON.stringify(hostile)],
  ]
  const rewrite = <T>(value: T): T => {
    let text = JSON.stringify(value)
    for (const [from, to] of replacements) text = text.replaceAll(from, to)
    return JSON.parse(text) as T
  }
  const v = rewrite(regressionVerdict())
  const failing = entry({ name: hostile, medianNs: 0, error: { type: hostile, message: hostile, traceback: hostile } })
  v.entries.push(entryVerdict(hostile, 'error', null, failing))
  return {
    verdict: v,
    context: { ...withDiff(), bytecodeDiff: rewrite(captured.diff), commentKey: hostile, artifactName: hostile },
  }
}

/** The HTML outside code: what GitHub would scan for mentions and references. */
const outsideCode = (rendered: string): string =>
  rendered.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '')

describe('hostile names', () => {
  it.each(HOSTILE.map((h) => [h.slice(0, 40), h]))('render as text: %j', (_, hostile) => {
    const { verdict: v, context: ctx } = hostileVerdict(hostile)
    const { markdown } = renderReport(v, baseline, ctx)
    const rendered = html(markdown)
    // No markup from data: no elements or comments but the ones the report writes itself.
    const tags = new Set([...rendered.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()))
    for (const tag of tags) {
      expect([
        'h2',
        'h3',
        'p',
        'strong',
        'em',
        'code',
        'pre',
        'a',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'ul',
        'li',
        'details',
        'summary',
        'blockquote',
        'hr',
      ]).toContain(tag)
    }
    expect(rendered).not.toContain('<!--')
    expect(rendered).not.toMatch(/href="javascript/i)
    expect(rendered).not.toContain('<img')
    expect(rendered).not.toContain('<del>')
    // Mentions and references only inside code, where GitHub links nothing.
    expect(outsideCode(rendered)).not.toMatch(/@(org|someone)|#1\b/)
    // Structure intact: every table row has the header's cells, every details closes, one heading per section.
    for (const table of rendered.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
      const widths = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(
        (row) => (row[1]!.match(/<t[hd][ >]/g) ?? []).length,
      )
      expect(new Set(widths).size).toBe(1)
    }
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
    expect((rendered.match(/<h1>/g) ?? []).length).toBe(0)
    expect((rendered.match(/<h3>/g) ?? []).length).toBe(1)
    // Code blocks hold: two diffs, the chart, the error and the reproduce command, which still ends the report.
    expect((rendered.match(/<pre>/g) ?? []).length).toBe(5)
    expect((rendered.match(/<pre><code class="language-diff">/g) ?? []).length).toBe(2)
    expect(rendered).toMatch(
      /<pre><code class="language-sh">npx bytescope --baseline-path base.json\n<\/code><\/pre>\n$/,
    )
    // Long names are shortened; no line grows without bound.
    expect(Math.max(...markdown.split('\n').map((l) => l.length))).toBeLessThan(3000)
  })

  it('keeps non-ASCII names readable and drops bidi overrides', () => {
    const { verdict: v, context: ctx } = hostileVerdict('名前 ∑ café 🚀 \u202eevil\u202c')
    const { markdown } = renderReport(v, baseline, ctx)
    expect(markdown).toContain('<code>checkout 名前 ∑ café 🚀 evil</code>')
    expect(markdown).not.toMatch(/[\u202a-\u202e]/)
  })

  it('links source files with the path percent-encoded', () => {
    const { verdict: v, context: ctx } = hostileVerdict('a b)(c')
    const { markdown } = renderReport(v, baseline, ctx)
    expect(markdown).toContain(`/blob/${HEAD_SHA}/shop/a%20b%29%28c.py#L2-L6`)
  })
})
