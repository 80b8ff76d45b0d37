import { describe, expect, it } from 'vitest'
import { actionsLog } from '../src/log.js'

describe('actionsLog', () => {
  it('wraps untrusted text in one stop-commands block per stretch, with a fresh random token each time', () => {
    let out = ''
    const log = actionsLog((text) => (out += text))
    log.untrusted('::set-output name=x::y')
    log.untrusted('second line\n')
    log.close()
    log.untrusted('::error::again')
    log.close()
    log.close()
    const lines = out.trimEnd().split('\n')
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

  it('writes nothing for empty text', () => {
    let out = ''
    const log = actionsLog((text) => (out += text))
    log.untrusted('')
    log.close()
    expect(out).toBe('')
  })
})
