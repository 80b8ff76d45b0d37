// Every string a results file can carry, forged: in workflow_run mode the head results are a fork's artifact, and a
// baseline artifact is data too. The report must show each of them as text wherever it appears. Markdown is judged by
// rendering it with micromark's CommonMark + GFM (raw HTML let through, as GitHub's parser does before sanitising).
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { describe, expect, it } from 'vitest'
import { gate } from '../src/gate.js'
import { renderReport, type BytecodeDiffReport } from '../src/report/index.js'
import { parseResults, type Results } from '../src/results.js'
import schema from '../schema/results.schema.json' with { type: 'json' }
import { GATE_SETTINGS } from './support/results.js'
import { githubContext } from './support/report-context.js'

const html = (markdown: string): string =>
  micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })

const HOSTILE = '<img src=x> @octocat #1 [link](http://x) <details open>\n`tick` ```\n::add-mask::secret\r\n'

/** One forgery for one original string, so names still match between base, head and the diff. */
const forge = (text: string): string => `${text} ${HOSTILE}`

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every string value forged, and the keys of the maps whose keys are data (instruction categories). */
function forgeAll(value: Json, keep: (path: string) => boolean, path = ''): Json {
  if (typeof value === 'string') return keep(path) ? value : forge(value)
  if (Array.isArray(value)) return value.map((item, i) => forgeAll(item, keep, `${path}/${i}`))
  if (value === null || typeof value !== 'object') return value
  const keyedByData = /\/(category_counts|category_deltas)$/.test(path)
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      keyedByData ? forge(key) : key,
      forgeAll(item, keep, `${path}/${key}`),
    ]),
  )
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)

/**
 * A results file with every string forged that the schema lets a forger choose: strings the schema constrains
 * (enums, patterns) are found by validating and kept, so the walk follows the schema without restating it.
 */
function forgedResults(file: string): Results {
  const original = JSON.parse(readFileSync(file, 'utf8')) as Json
  const constrained = new Set<string>()
  for (;;) {
    const forged = forgeAll(original, (path) => constrained.has(path))
    if (validate(forged)) return parseResults(JSON.stringify(forged), file)
    const before = constrained.size
    for (const error of validate.errors ?? []) constrained.add(error.instancePath)
    if (constrained.size === before) throw new Error(`cannot forge ${file}: ${JSON.stringify(validate.errors)}`)
  }
}

const ALLOWED_TAGS = new Set(
  'h2 h3 p strong em code pre a table thead tbody tr th td ul li details summary blockquote hr br'.split(' '),
)

/** The HTML outside code: what GitHub would scan for mentions and references. */
const outsideCode = (rendered: string): string =>
  rendered.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '')

describe('a forged results file', () => {
  const dir = '__tests__/__fixtures__/report'
  const base = forgedResults(`${dir}/base.json`)
  const head = forgedResults(`${dir}/head.json`)
  const diff = forgeAll(JSON.parse(readFileSync(`${dir}/diff.json`, 'utf8')) as Json, (path) =>
    /\/(tag|status)$/.test(path),
  ) as unknown as BytecodeDiffReport
  const verdict = gate(head, base, GATE_SETTINGS)
  const context = githubContext({ headSha: head.environment.commit ?? 'f00d', bytecodeDiff: diff })

  it('forges the strings a report shows, instruction categories included', () => {
    const text = JSON.stringify([head, diff])
    expect(text).toContain(JSON.stringify(forge('attribute')).slice(1, -1))
    expect(verdict.entries.length).toBeGreaterThan(2)
  })

  it.each([
    ['the comment', 65_536],
    ['the full report', Number.MAX_SAFE_INTEGER],
  ])('posts no tag, mention, reference or link from the data in %s', (_, maxLength) => {
    const { markdown } = renderReport(verdict, { source: 'artifact', location: 'b', commit: null }, context, {
      maxLength,
    })
    // The forged text reached the report (so the checks below are about it).
    expect(markdown).toContain('octocat')
    expect(markdown).toMatch(/Instruction mix/)
    const rendered = html(markdown)
    const tags = new Set([...rendered.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()))
    expect([...tags].filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([])
    expect(rendered).not.toMatch(/<details open/i)
    // A link the data wrote as markdown; a bare URL may still be autolinked, as in any text.
    expect(rendered).not.toMatch(/<a href="http:\/\/x">link<\/a>/)
    expect(outsideCode(rendered)).not.toMatch(/@octocat|#1\b|href="http:\/\/x"/)
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
  })
})
