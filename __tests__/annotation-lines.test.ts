// The instructions metric's annotation goes on the source line whose executed instructions grew most (issue 16):
// measured by the real harness, per instruction, and joined through its aligned diff when the function changed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { annotations } from '../src/annotations.js'
import { gate } from '../src/gate.js'
import { joinPairs } from '../src/pairing.js'
import type { BytecodeDiffReport } from '../src/report/context.js'
import { parseResults, type Results } from '../src/results.js'
import { GATE_SETTINGS } from './support/results.js'

const PYTHON = '/root/.pyenv/versions/3.12.1/bin/python3'
const env = { ...process.env, PYTHONPATH: join(import.meta.dirname, '..', 'python') }

const BASE = `N = 100


def total(items):
    s = 0
    for x in items:
        s += len(x)
    return s


def run():
    return total(["Alpha", "beta"] * N)
`

let dir: string

function measure(name: string, source: string): { results: Results; path: string } {
  const cwd = join(dir, name)
  mkdirSync(cwd)
  writeFileSync(join(cwd, 'work.py'), source)
  const out = join(dir, `${name}.json`)
  const args = ['-m', 'bytescope', 'run', '--cwd', cwd, '--out', out, '--entry', 'work=work:run']
  execFileSync(PYTHON, [...args, '--repeat', '3', '--warmup', '0', '--no-memory', '--instructions'], {
    env,
    stdio: 'pipe',
  })
  return { results: parseResults(readFileSync(out, 'utf8'), out), path: out }
}

/** The annotation for head measured against base, with the harness's diff as evidence. */
function annotate(base: ReturnType<typeof measure>, head: ReturnType<typeof measure>) {
  const diffArgs = ['-m', 'bytescope', 'diff', base.path, head.path, '--json']
  const diff = JSON.parse(execFileSync(PYTHON, diffArgs, { env, encoding: 'utf8' })) as BytecodeDiffReport
  const verdict = joinPairs(gate(head.results, base.results, GATE_SETTINGS), diff)
  expect(verdict.entries[0]!.metrics.find((m) => m.metric === 'instructions')?.status).toBe('regression')
  return annotations(verdict, '.', '.', { bytecodeDiff: diff })[0]!
}

let base: ReturnType<typeof measure>

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bytescope-lines-'))
  base = measure('base', BASE)
}, 60_000)

describe('the instructions annotation', () => {
  it('goes on the changed line, on head, when lines above it moved', () => {
    // One line more above the function, and a call more in its loop: 2 instructions x 200 iterations.
    const head = measure('changed', `"""Counts lower-case letters."""\n${BASE.replace('len(x)', 'len(x.lower())')}`)
    const annotation = annotate(base, head)
    expect(annotation).toMatchObject({ file: 'work.py', startLine: 8 })
    expect(annotation.message).toContain('Regressed most: total (+400 executed instructions on line 8).')
  })

  it('goes on the loop body whose bytecode is unchanged but ran more often', () => {
    const head = measure('more', BASE.replace('N = 100', 'N = 300'))
    const annotation = annotate(base, head)
    expect(annotation).toMatchObject({ file: 'work.py', startLine: 7 })
    expect(annotation.message).toMatch(/Regressed most: total \(\+[\d,]+ executed instructions on line 7\)\./)
  })
})
