// The bytecode section on forged input: sizes and names no compiler makes must not stall or break the report.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { categorySentences, loopIndices, markdownNoun, MAX_LOOP_SCAN } from '../src/report/bytecode.js'
import type { DiffInstruction, DiffOp } from '../src/report/index.js'

// The registry's words, as a results file written by the harness carries them.
const head = JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', 'report', 'head.json'), 'utf8'))
const noun = markdownNoun(head.categories)

const instruction = (opname: string, argrepr: string, label: string | null = null): DiffInstruction =>
  ({ opname, argrepr, label, category: opname === 'JUMP_BACKWARD' ? 'control_flow' : 'attribute' }) as DiffInstruction

/** One function of `n` instructions in which every other instruction jumps back to the first: n/2 nested loops. */
function forgedLoops(n: number): DiffInstruction[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 1 ? instruction('JUMP_BACKWARD', 'to L1') : instruction('LOAD_ATTR', 'x', i === 0 ? 'L1' : null),
  )
}

describe('loop detection', () => {
  it('does not keep the action busy for a minute on a forged 40,000-instruction function', () => {
    const head = forgedLoops(40_000)
    const ops: DiffOp[] = [{ tag: 'insert', base: [], head }] as unknown as DiffOp[]
    const started = performance.now()
    const sentences = categorySentences({ attribute: 20_000, control_flow: 20_000 }, ops, noun)
    const seconds = (performance.now() - started) / 1000
    expect(sentences).toEqual(['+20000 attribute accesses inside a loop', '+20000 jumps and returns inside a loop'])
    // Quadratic marking took about a minute here; linear takes milliseconds. Generous, to stay clear of load.
    expect(seconds).toBeLessThan(10)
  }, 120_000)

  it('marks what lies between a label and a later jump back to it, and nothing after', () => {
    const code = [
      instruction('LOAD_FAST', 'a'),
      instruction('FOR_ITER', 'to L2', 'L1'),
      instruction('LOAD_ATTR', 'x'),
      instruction('JUMP_BACKWARD', 'to L1'),
      instruction('LOAD_CONST', 'None', 'L2'),
      instruction('RETURN_VALUE', ''),
    ]
    expect([...loopIndices(code)]).toEqual([1, 2, 3])
  })

  it('looks for no loops past its work cap', () => {
    expect(loopIndices(forgedLoops(MAX_LOOP_SCAN + 2)).size).toBe(0)
  })
})

describe('instruction categories', () => {
  it('names a category no visualizer makes as code, even one named after an object property', () => {
    expect(categorySentences({ toString: 2, constructor: -1, '<b>x</b>': 1 }, undefined, noun)).toEqual([
      '+2 <code>toString</code> instructions',
      '+1 <code>&#60;b&#62;x&#60;/b&#62;</code> instruction',
      '−1 <code>constructor</code> instruction',
    ])
  })
})
