import { describe, expect, it } from 'vitest'
import { actionsLog } from '../src/log.js'

/** A stand-in for process.stdout that records what reaches it. */
function stream() {
  const sink = { out: '', write: (text: string | Uint8Array) => ((sink.out += String(text)), true) }
  return sink as typeof sink & Pick<NodeJS.WriteStream, 'write'>
}

describe('actionsLog', () => {
  it('wraps untrusted text in one stop-commands block per stretch, with a fresh random token each time', () => {
    const out = stream()
    const log = actionsLog(out)
    log.untrusted('::set-output name=x::y')
    log.untrusted('second line\n')
    log.close()
    log.untrusted('::error::again')
    log.close()
    log.close()
    const lines = out.out.trimEnd().split('\n')
    const first = /^::stop-commands::(bytescope-[0-9a-f-]{36})$/.exec(lines[0]!)![1]
    const second = /^::stop-commands::(bytescope-[0-9a-f-]{36})$/.exec(lines[4]!)![1]
    expect(lines).toEqual([
      `::stop-commands::${first}`,
      '::set-output name=x::y',
      'second line',
      `::${first}::`,
      `::stop-commands::${second}`,
      '::error::again',
      `::${second}::`,
    ])
    expect(second).not.toBe(first)
  })

  it('closes the block before anything else writes to its stream (an annotation from @actions/core)', () => {
    const out = stream()
    const log = actionsLog(out)
    log.untrusted('progress of the last entry')
    out.write('::error title=bytescope%3A crunch regressed::instructions: +10%\n')
    const lines = out.out.trimEnd().split('\n')
    const token = /^::stop-commands::(.+)$/.exec(lines[0]!)![1]
    expect(lines).toEqual([
      `::stop-commands::${token}`,
      'progress of the last entry',
      `::${token}::`,
      '::error title=bytescope%3A crunch regressed::instructions: +10%',
    ])
  })

  it('writes nothing for empty text', () => {
    const out = stream()
    const log = actionsLog(out)
    log.untrusted('')
    log.close()
    expect(out.out).toBe('')
  })
})
