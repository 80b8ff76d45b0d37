// The comment's 65,536 characters are spent by priority: headline, summary table, the regressions' details and
// diffs, then the rest; what did not fit is named, with a link to the full report.
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { describe, expect, it } from 'vitest'
import { gate } from '../src/gate.js'
import { COMMENT_BODY_MAX_LENGTH } from '../src/publish/comment.js'
import { renderReport } from '../src/report/index.js'
import { entry, GATE_SETTINGS, noisy, results } from './support/results.js'
import { githubContext } from './support/report-context.js'

const html = (markdown: string): string =>
  micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })

const context = githubContext()

/** `count` entries that all regressed on executed instructions and peak memory. */
function regressed(count: number) {
  const names = Array.from({ length: count }, (_, i) => `entry_${String(i).padStart(3, '0')}`)
  const side = (instructions: number, peak: number, seed: number) =>
    results(names.map((name, i) => entry({ name, samples: noisy(1_000_000, 10, 0.02, seed + i), instructions, peak })))
  return gate(side(110_000, 200_000, 1000), side(100_000, 100_000, 1), GATE_SETTINGS)
}

describe('the comment budget', () => {
  it('does not keep only the headline and a 100-row table with 500 regressed entries', () => {
    const verdict = regressed(500)
    expect(verdict.regressions).toBe(500)
    const baseline = { source: 'artifact' as const, location: 'bytescope-baseline', commit: 'ba5e' }
    const { markdown, omitted } = renderReport(verdict, baseline, context, { maxLength: COMMENT_BODY_MAX_LENGTH })
    expect(markdown.length).toBeLessThanOrEqual(COMMENT_BODY_MAX_LENGTH)
    expect(markdown.length).toBeGreaterThan(0.9 * 65_536)
    // Valid: no <details> or code fence cut, and the note renders last.
    const rendered = html(markdown)
    expect((rendered.match(/<details>/g) ?? []).length).toBeGreaterThan(10)
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
    expect(markdown.split('\n').filter((l) => /^\s*`{3,}/.test(l)).length % 2).toBe(0)
    // The regressions' details come first among what is kept; the footer (reproduce command) too.
    expect(markdown).toContain('<summary><code>entry&#95;000</code> 🔴 regression')
    expect(markdown).toContain('Reproduce locally')
    // Named: what was left out, and where the whole report is.
    expect(omitted.length).toBeGreaterThan(0)
    expect(markdown).toMatch(
      /this report leaves out:\n>\n(> - .*\n)+>\n> The full report is in the \[job summary\]\(https:\/\/github\.com\/octo-org\/octo-repo\/actions\/runs\/42\)/,
    )
  })
})
