import { describe, expect, it } from 'vitest'
import { helpText, parseArgs } from '../src/cli.js'
import { ConfigError, SETTINGS } from '../src/config.js'

describe('parseArgs', () => {
  it('reads settings as flags, with values inline or next, booleans bare or negated', () => {
    const line = parseArgs([
      '--entry-points',
      'a=pkg:a',
      '--entry-points=pkg:b',
      '--time-threshold',
      '7%',
      '--instructions',
      '--no-memory',
      '--fail-on-regression=false',
      '--output-dir',
      'out',
      '--results',
      'head.json',
    ])
    expect(line).toEqual({
      settings: {
        'entry-points': 'a=pkg:a\npkg:b',
        'time-threshold': '7%',
        instructions: 'true',
        memory: 'false',
        'fail-on-regression': 'false',
      },
      outputDir: 'out',
      resultsPath: 'head.json',
      help: false,
      version: false,
    })
  })

  it('takes the next argument as a boolean value unless it is a flag', () => {
    expect(parseArgs(['--instructions', 'false', '--memory', '--repeat', '3']).settings).toEqual({
      instructions: 'false',
      memory: 'true',
      repeat: '3',
    })
  })

  it.each([
    [['--speed', 'fast'], 'unknown flag --speed (see --help for the settings)'],
    [['--repeat'], '--repeat needs a value'],
    [
      ['examples'],
      'unexpected argument "examples"; settings are flags such as --entry-points pkg.mod:main (see --help)',
    ],
    [['--no-repeat'], 'unknown flag --no-repeat (see --help for the settings)'],
  ])('rejects %j in one line', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new ConfigError(message))
  })

  it('recognises help and version', () => {
    expect(parseArgs(['-h']).help).toBe(true)
    expect(parseArgs(['--version']).version).toBe(true)
  })
})

describe('helpText', () => {
  it('lists every setting as a flag', () => {
    const help = helpText()
    for (const setting of SETTINGS) expect(help).toContain(`--${setting.key}`)
    expect(help).toContain('--comment auto|always|never')
    expect(help).toContain('--instructions[=true|false]')
  })
})
