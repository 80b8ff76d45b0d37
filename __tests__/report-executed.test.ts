// The execution-weighted bytecode diff in the report: how often each instruction ran, and the sentence that says
// where a function's executed-instruction delta comes from (data from `python -m bytescope diff --json`).
import { describe, expect, it } from 'vitest'
import { executedSentence, textRuns } from '../src/report/bytecode.js'
import type { DiffInstruction, ExecutedBreakdown } from '../src/report/context.js'

const instr = (opname: string, argrepr: string, executed?: number | null): DiffInstruction => ({
  opname,
  argrepr,
  category: 'load',
  label: null,
  ...(executed === undefined ? {} : { executed }),
})

describe('execution counts in the aligned diff', () => {
  it('shows how often each instruction ran, cold ones as cold, uncounted ones without a count', () => {
    const [equal, inserted] = textRuns([
      { tag: 'equal', base: [instr('RESUME', '', null)], head: [instr('RESUME', '', null)] },
      { tag: 'insert', base: [], head: [instr('LOAD_ATTR', 'lower', 2420), instr('POP_JUMP_IF_FALSE', 'to L2', 0)] },
    ])
    expect(equal!.lines).toEqual(['       RESUME'])
    expect(inserted!.lines).toEqual([
      '+      LOAD_ATTR              lower  2,420×',
      '+      POP_JUMP_IF_FALSE      to L2  cold',
    ])
  })

  it('adds nothing when the instruction pass did not count', () => {
    const [run] = textRuns([{ tag: 'insert', base: [], head: [instr('CALL', '')] }])
    expect(run!.lines).toEqual(['+      CALL'])
  })
})

describe('the executed sentence', () => {
  const breakdown = (over: Partial<ExecutedBreakdown> = {}): ExecutedBreakdown => ({
    changes: [
      { count: 1, opname: 'LOAD_ATTR', argrepr: 'lower', executed: 2420 },
      { count: 1, opname: 'CALL', argrepr: '', executed: 2420 },
    ],
    omitted: 0,
    delta: 4840,
    entry_delta: 4840,
    ...over,
  })

  it("says what was added, how often it ran and its share of the entry's delta", () => {
    expect(executedSentence(breakdown())).toBe(
      '+1 <code>LOAD&#95;ATTR lower</code>, +1 <code>CALL</code> — each ran 2,420× per call: +4,840 of this ' +
        "entry's +4,840 executed instructions",
    )
  })

  it('gives each change its own count when they differ, cold ones as cold', () => {
    const mixed = breakdown({
      changes: [
        { count: 2, opname: 'LOAD_FAST', argrepr: 'x', executed: 10 },
        { count: -1, opname: 'CALL', argrepr: '', executed: 0 },
      ],
      omitted: 3,
      delta: 20,
      entry_delta: null,
    })
    expect(executedSentence(mixed)).toBe(
      '+2 <code>LOAD&#95;FAST x</code> (10×), −1 <code>CALL</code> (cold) and 3 more — per call: +20 executed instructions',
    )
  })

  it('renders names from measured code as text and ignores what is not shaped like a breakdown', () => {
    const hostile = breakdown({
      changes: [{ count: 1, opname: 'LOAD_CONST', argrepr: "'<img src=x onerror=alert(1)>`", executed: 1 }],
    })
    const sentence = executedSentence(hostile)!
    expect(sentence).not.toContain('<img')
    expect(sentence).toContain('&#60;img')
    expect(executedSentence(null)).toBeNull()
    expect(executedSentence({ changes: 'x' } as unknown as ExecutedBreakdown)).toBeNull()
  })
})
