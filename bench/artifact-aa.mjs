#!/usr/bin/env node
// A/A in artifact mode: what the time gate's confidence interval covers when base and head are two separate runs of
// the same code, as they are when a pull request is compared with a stored baseline.
//
//   node bench/artifact-aa.mjs [--pairs 10] [--python python3] [--markdown DIR] [-- CLI FLAGS...]
//
// Projects: examples/ (this repository) and, with --markdown, a checkout of Python-Markdown/markdown made OUTSIDE the
// repository (e.g. `git --git-dir=/work/.mirror/Python-Markdown+markdown/repo archive HEAD | tar -x -C /tmp/md`);
// the script writes its own two entries (`bytescope_aa.py`, rendering the checkout's docs) into a copy of it.
// For each project it measures 2 × pairs independent results files with the bundled CLI (each a fresh harness run),
// then gates run 2k+1 against run 2k with `--results` (no re-measurement) and reads the verdict from the report.
// Every pair is unchanged code, so an interval that excludes 0, or a significant p, is a false claim.
//
// Uses BYTESCOPE_ACTION (default dist/index.js).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { benchArgs } from './args.mjs'

const { option, extraFlags } = benchArgs()
const pairs = Number(option('pairs', '10'))
const python = option('python', '')
const markdown = option('markdown', '')
const bundle = path.resolve(process.env.BYTESCOPE_ACTION ?? 'dist/index.js')
const root = mkdtempSync(path.join(tmpdir(), 'bytescope-aa-'))

// Our own entries for the Markdown checkout: its documentation rendered with common extensions, and a table-heavy
// document. Nothing of the library is copied into this repository; the file is written into the temporary copy.
const MARKDOWN_ENTRIES = `"""bytescope A/A entries over Python-Markdown's own documentation."""
import pathlib

import markdown

DOCS = sorted(pathlib.Path("docs").rglob("*.md"))
TEXT = "\\n\\n".join(p.read_text(encoding="utf-8") for p in DOCS)
# Full module paths: a checkout that is not installed has no entry points for the short names.
EXTENSIONS = ["fenced_code", "tables", "footnotes", "def_list", "abbr", "attr_list", "toc", "admonition"]
TABLE = "\\n".join(["| a | b | c |", "|---|---|---|"] + [f"| {i} | *{i * 2}* | \`{i * 3}\` |" for i in range(400)])


def render_docs():
    return markdown.markdown(TEXT, extensions=[f"markdown.extensions.{name}" for name in EXTENSIONS])


def render_table():
    return markdown.markdown(TABLE, extensions=["markdown.extensions.tables"])
`

function projects() {
  const list = [{ name: 'examples', dir: path.resolve('examples'), entries: [] }]
  if (markdown) {
    const dir = path.join(root, 'markdown')
    cpSync(markdown, dir, { recursive: true })
    writeFileSync(path.join(dir, 'bytescope_aa.py'), MARKDOWN_ENTRIES)
    list.push({
      name: 'Python-Markdown',
      dir,
      entries: ['--entry-points', 'render-docs=bytescope_aa:render_docs\nrender-table=bytescope_aa:render_table'],
    })
  }
  return list
}

function cli(project, extra) {
  const argv = [bundle, '--working-directory', project.dir, ...project.entries, ...extraFlags, ...extra]
  if (python) argv.push('--python', python)
  const child = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '' },
    maxBuffer: 64 * 1024 * 1024,
  })
  if (child.status === 2 || child.status === null) throw new Error(`bytescope failed: ${child.stderr.slice(-2000)}`)
  return child
}

function measure(project) {
  const out = mkdtempSync(path.join(root, `${project.name}-`))
  cli(project, ['--output-dir', out])
  return path.join(out, 'results.json')
}

// "CPU min 3.86 ms → 4.26 ms, +10.4% (95% CI +8.2% … +14.5%, p=0.0003): ..." in an entry's details.
const TIME_REASON =
  /\*\*time\*\*: \S+ \S+ .*?, ([+-]?[\d.]+%|±0%) \((.*?)CI ([+-]?[\d.]+%|±0%) … ([+-]?[\d.]+%|±0%), p=([\d.e+-]+)\)/
const number = (text) => (text === '±0%' ? 0 : Number.parseFloat(text) / 100)

function gatePair(project, base, head) {
  const out = mkdtempSync(path.join(root, 'gate-'))
  const child = cli(project, ['--results', head, '--baseline-path', base, '--output-dir', out])
  const report = readFileSync(path.join(out, 'report.md'), 'utf8')
  const verdicts = {}
  // Each entry's details start with a <summary> naming it; the time reason follows.
  for (const section of report.split('<details>').slice(1)) {
    const name = /<summary>.*?<code>(.*?)<\/code>/.exec(section)?.[1]
    const reason = TIME_REASON.exec(section)
    if (!name || !reason) continue
    verdicts[name] = {
      change: number(reason[1]),
      low: number(reason[3]),
      high: number(reason[4]),
      p: Number(reason[5]),
      failed: new RegExp(`^regression: ${name}: time`, 'm').test(child.stderr),
    }
  }
  return verdicts
}

const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
if (!existsSync(bundle)) throw new Error(`no bundle at ${bundle}: run npm run bundle`)
console.error(
  `bundle ${bundle}; scratch ${root}; ${pairs} pairs; load ${load()}; flags: ${extraFlags.join(' ') || '(defaults)'}`,
)
const rows = []
const started = Date.now()
for (const project of projects()) {
  const files = []
  for (let i = 0; i < 2 * pairs; i++) {
    files.push(measure(project))
    console.error(`${project.name}: run ${i + 1}/${2 * pairs} (load ${load()})`)
  }
  const tally = {}
  for (let k = 0; k < pairs; k++) {
    for (const [name, v] of Object.entries(gatePair(project, files[2 * k], files[2 * k + 1]))) {
      const t = (tally[name] ??= { pairs: 0, excludesZero: 0, significant: 0, failed: 0, changes: [] })
      t.pairs++
      if (v.low > 0 || v.high < 0) t.excludesZero++
      if (v.p < 0.05) t.significant++
      if (v.failed) t.failed++
      t.changes.push(v.change)
      console.error(
        `${project.name} pair ${k + 1} ${name}: ${pct(v.change)} CI ${pct(v.low)} … ${pct(v.high)} p=${v.p}`,
      )
    }
  }
  for (const [name, t] of Object.entries(tally)) rows.push({ project: project.name, name, ...t })
}

const sortedAbs = (xs) => xs.map(Math.abs).sort((a, b) => a - b)
console.log(
  `\nA/A in artifact mode: ${pairs} pairs per project, ${((Date.now() - started) / 60000).toFixed(1)} min, ` +
    `flags: ${extraFlags.join(' ') || '(defaults)'}, load average at the end: ${load()}`,
)
console.log(
  '| project | entry | pairs | CI excludes 0 | p < 0.05 | time failed | change between runs (lowest … highest) | largest absolute change |',
)
console.log('| :- | :- | -: | -: | -: | -: | :- | -: |')
for (const r of rows) {
  const abs = sortedAbs(r.changes)
  console.log(
    `| ${r.project} | ${r.name} | ${r.pairs} | ${r.excludesZero} | ${r.significant} | ${r.failed} | ` +
      `${pct(Math.min(...r.changes))} … ${pct(Math.max(...r.changes))} | ${pct(abs[abs.length - 1])} |`,
  )
}
const total = (key) => rows.reduce((sum, r) => sum + r[key], 0)
console.log(
  `\nIn all: ${total('excludesZero')} of ${total('pairs')} intervals of unchanged code exclude 0; ` +
    `${total('significant')} significant at p < 0.05; ${total('failed')} time failures.`,
)
