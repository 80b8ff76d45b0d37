import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { DEFAULTS, SETTINGS, thresholdText } from '../src/config.js'
import { actionDefaults } from './support/action.js'
import { error, load, project } from './support/config.js'

describe('config from action inputs', () => {
  it('parses every input, with action.yml defaults giving the documented defaults', () => {
    const cwd = project()
    const config = load({ ...actionDefaults(), 'entry-points': 'pkg.mod:main' }, cwd)
    expect(config).toMatchObject({
      entryPoints: [{ name: 'pkg.mod:main', target: 'pkg.mod:main' }],
      python: null,
      workingDirectory: cwd,
      repeat: DEFAULTS.repeat,
      warmup: DEFAULTS.warmup,
      timeout: DEFAULTS.timeout,
      timeThreshold: DEFAULTS.timeThreshold,
      memoryThreshold: DEFAULTS.memoryThreshold,
      maxPeakMemory: null,
      memory: true,
      instructions: true,
      significance: DEFAULTS.significance,
      baselinePath: null,
      baselineArtifact: 'bytescope-baseline',
      uploadBaseline: 'auto',
      retentionDays: null,
      comment: 'auto',
      commentKey: '',
      failOnRegression: true,
      configFile: null,
    })
  })

  it('parses typed values', () => {
    const config = load(
      {
        'entry-points': '# what to measure\nfast = pkg.mod:main   # the hot path\n\nscripts/report.py:run\nrun.py',
        python: '/usr/bin/python3.12',
        repeat: '50',
        warmup: '0',
        timeout: '12.5',
        'time-threshold': '7.5%',
        'memory-threshold': '0%',
        'max-peak-memory': '256MiB',
        memory: 'False',
        instructions: 'TRUE',
        'instructions-threshold': '.5%',
        significance: '0.05',
        'baseline-path': 'base/results.json',
        'upload-baseline': 'true',
        'retention-days': '30',
        comment: 'never',
        'comment-key': 'py3.12',
        'fail-on-regression': 'false',
      },
      project({ 'base/results.json': '{}' }),
    )
    expect(config.entryPoints).toEqual([
      { name: 'fast', target: 'pkg.mod:main' },
      { name: 'scripts/report.py:run', target: 'scripts/report.py:run' },
      { name: 'run.py', target: 'run.py' },
    ])
    expect(config).toMatchObject({
      python: '/usr/bin/python3.12',
      repeat: 50,
      warmup: 0,
      timeout: 12.5,
      timeThreshold: 0.075,
      memoryThreshold: 0,
      maxPeakMemory: 256 * 1024 * 1024,
      memory: false,
      instructions: true,
      instructionsThreshold: 0.005,
      significance: 0.05,
      uploadBaseline: 'true',
      retentionDays: 30,
      comment: 'never',
      commentKey: 'py3.12',
      failOnRegression: false,
    })
    expect(path.isAbsolute(config.baselinePath!)).toBe(true)
  })

  it.each([
    ['time-threshold', 'ten', 'input time-threshold: "ten" is not valid; expected a percentage such as "10%"'],
    ['time-threshold', '10', 'input time-threshold: "10" is not valid; expected a percentage such as "10%"'],
    ['memory-threshold', '-2%', 'input memory-threshold: "-2%" is not valid; expected a percentage such as "10%"'],
    ['repeat', '0', 'input repeat: "0" is not valid; expected a whole number from 1 to 100000'],
    ['repeat', '2.5', 'input repeat: "2.5" is not valid; expected a whole number from 1 to 100000'],
    ['warmup', 'lots', 'input warmup: "lots" is not valid; expected a whole number from 0 to 100000'],
    [
      'timeout',
      '0',
      'input timeout: "0" is not valid; expected a positive number of seconds up to 86400 (a day), e.g. 300',
    ],
    [
      'max-peak-memory',
      '256 potatoes',
      'input max-peak-memory: "256 potatoes" is not valid; expected a size such as "256MiB", "512KiB", "1GB" or a number of bytes',
    ],
    ['instructions', 'yes', 'input instructions: "yes" is not valid; expected true or false'],
    ['comment', 'sometimes', 'input comment: "sometimes" is not valid; expected one of auto, always, never'],
    ['upload-baseline', 'maybe', 'input upload-baseline: "maybe" is not valid; expected one of auto, true, false'],
    ['retention-days', '91', 'input retention-days: "91" is not valid; expected a whole number from 1 to 90'],
    [
      'significance',
      '0.9',
      'input significance: "0.9" is not valid; expected a p-value above 0 and at most 0.5, e.g. 0.01',
    ],
    [
      'baseline-artifact',
      'a/b',
      'input baseline-artifact: "a/b" is not valid; expected an artifact name without " : < > | * ? \\ / or newlines',
    ],
  ])('rejects %s: %j in one line', (key, value, message) => {
    expect(error({ 'entry-points': 'pkg.mod:main', [key]: value })).toBe(message)
  })

  it('rejects bad entry lines, naming the line', () => {
    expect(error({ 'entry-points': 'ok=pkg:main\nnot a target' })).toBe(
      'input entry-points line 2: "not a target" is not valid; expected package.module:callable, path/to/script.py or path/to/script.py:callable',
    )
    expect(error({ 'entry-points': 'a=pkg:main\na=pkg:other' })).toMatch(/the name "a" is used twice/)
    expect(error({ 'entry-points': '# only a comment' })).toMatch(/expected at least one \[NAME=\]TARGET line/)
  })

  it('needs entry points from somewhere', () => {
    expect(error({})).toMatch(/^no entry points: set the entry-points input/)
  })

  it('rejects a working directory that does not exist', () => {
    expect(error({ 'working-directory': 'nope', 'entry-points': 'a:b' })).toBe(
      'input working-directory: "nope" is not a directory',
    )
  })

  it('accepts non-ASCII identifiers in targets', () => {
    expect(load({ 'entry-points': 'café.módulo:función' }).entryPoints[0]!.target).toBe('café.módulo:función')
  })
})

it('refuses a baseline-path that is not a file before anything is measured', () => {
  const cwd = project({ 'results.json': '{}' })
  expect(error({ 'entry-points': 'pkg.mod:main', 'baseline-path': 'nope.json' }, cwd)).toBe(
    `input baseline-path: "nope.json" is not valid; expected an existing results file (${path.join(cwd, 'nope.json')} is not one)`,
  )
  expect(load({ 'entry-points': 'pkg.mod:main', 'baseline-path': 'results.json' }, cwd).baselinePath).toBe(
    path.join(cwd, 'results.json'),
  )
})

const PYPROJECT = `
[project]
name = "demo"

[tool.bytescope]
repeat = 40
time-threshold = "8%"
max-peak-memory = "64MiB"
instructions = true
baseline-path = "bench/baseline.json"

[[tool.bytescope.entry]]
name = "fast"
target = "pkg.mod:fast"
time-threshold = "20%"

[[tool.bytescope.entry]]
target = "scripts/slow.py"
max-peak-memory = 1048576
`

describe('config from pyproject.toml', () => {
  it('reads [tool.bytescope] and per-entry overrides from the working directory', () => {
    const cwd = project({ 'app/pyproject.toml': PYPROJECT, 'app/bench/baseline.json': '{}' })
    const config = load({ 'working-directory': 'app', repeat: '' }, cwd)
    expect(config.configFile).toBe(path.join(cwd, 'app', 'pyproject.toml'))
    expect(config.repeat).toBe(40)
    expect(config.timeThreshold).toBe(0.08)
    expect(config.maxPeakMemory).toBe(64 * 1024 * 1024)
    expect(config.instructions).toBe(true)
    expect(config.baselinePath).toBe(path.join(cwd, 'app', 'bench', 'baseline.json'))
    expect(config.entryPoints).toEqual([
      { name: 'fast', target: 'pkg.mod:fast', timeThreshold: 0.2 },
      { name: 'scripts/slow.py', target: 'scripts/slow.py', maxPeakMemory: 1048576 },
    ])
  })

  it('lets inputs override the file, keeping per-entry overrides for entries of the same name', () => {
    const cwd = project({ 'pyproject.toml': PYPROJECT, 'bench/baseline.json': '{}' })
    const config = load(
      { repeat: '10', instructions: 'false', 'entry-points': 'fast=pkg.mod:faster\nother=pkg:other' },
      cwd,
    )
    expect(config.repeat).toBe(10)
    expect(config.instructions).toBe(false)
    expect(config.timeThreshold).toBe(0.08)
    expect(config.entryPoints).toEqual([
      { name: 'fast', target: 'pkg.mod:faster', timeThreshold: 0.2 },
      { name: 'other', target: 'pkg:other' },
    ])
  })

  it('reads a dedicated file named by the config input, at its top level or under [tool.bytescope]', () => {
    const cwd = project({ 'ci/bytescope.toml': 'repeat = 7\nentry-points = ["a=pkg:a", "pkg:b"]\n' })
    const config = load({ config: 'ci/bytescope.toml' }, cwd)
    expect(config.repeat).toBe(7)
    expect(config.entryPoints.map((e) => e.name)).toEqual(['a', 'pkg:b'])
  })

  it('ignores a pyproject.toml without [tool.bytescope] unless it was asked for', () => {
    const cwd = project({ 'pyproject.toml': '[project]\nname = "x"\n' })
    expect(load({ 'entry-points': 'a:b' }, cwd).configFile).toBeNull()
    expect(error({ 'entry-points': 'a:b', config: 'pyproject.toml' }, cwd)).toBe(
      'input config: pyproject.toml has no [tool.bytescope] table',
    )
    expect(error({ 'entry-points': 'a:b', config: 'missing.toml' }, cwd)).toMatch(
      /^input config: "missing.toml" does not exist in /,
    )
  })

  it.each([
    [
      'time-threshold = "ten"',
      'time-threshold in pyproject.toml [tool.bytescope]: "ten" is not valid; expected a percentage such as "10%"',
    ],
    [
      'time-threshold = 0.1',
      'time-threshold in pyproject.toml [tool.bytescope]: 0.1 is not valid; expected a percentage such as "10%"',
    ],
    [
      'repeat = "many"',
      'repeat in pyproject.toml [tool.bytescope]: "many" is not valid; expected a whole number from 1 to 100000',
    ],
    [
      'instructions = "yes"',
      'instructions in pyproject.toml [tool.bytescope]: "yes" is not valid; expected true or false',
    ],
    [
      'time_threshold = "5%"',
      'pyproject.toml [tool.bytescope]: unknown key "time_threshold"; did you mean time-threshold?',
    ],
    [
      'github-token = "x"',
      'pyproject.toml [tool.bytescope]: unknown key "github-token" (set it as an action input or CLI flag, not in the file)',
    ],
    [
      'entry = { target = "a:b" }',
      'pyproject.toml: entry must be an array of tables ([[tool.bytescope.entry]]), not a table',
    ],
  ])('rejects %s in one line', (line, message) => {
    const cwd = project({
      'pyproject.toml': `[tool.bytescope]\n${line}\n[[tool.bytescope.entry]]\ntarget = "a:b"\n`.replace(
        /\[\[tool.bytescope.entry\]\]\ntarget = "a:b"\n$/,
        line.startsWith('entry') ? '' : '[[tool.bytescope.entry]]\ntarget = "a:b"\n',
      ),
    })
    expect(error({}, cwd)).toBe(message)
  })

  it('names the entry table and key of a bad per-entry value', () => {
    const cwd = project({
      'pyproject.toml':
        '[tool.bytescope]\n[[tool.bytescope.entry]]\ntarget = "a:b"\n[[tool.bytescope.entry]]\nname = "x"\ntarget = "c:d"\nmemory-threshold = "lots"\n',
    })
    expect(error({}, cwd)).toBe(
      'memory-threshold of [[tool.bytescope.entry]] #2 in pyproject.toml: "lots" is not valid; expected a percentage such as "10%"',
    )
    const noTarget = project({ 'pyproject.toml': '[[tool.bytescope.entry]]\nname = "x"\n' })
    expect(error({}, noTarget)).toBe(
      '[[tool.bytescope.entry]] #1 in pyproject.toml: missing target (package.module:callable or path/to/script.py)',
    )
    const unknown = project({ 'pyproject.toml': '[[tool.bytescope.entry]]\ntarget = "a:b"\nrepeats = 3\n' })
    expect(error({}, unknown)).toMatch(
      /^\[\[tool.bytescope.entry\]\] #1 in pyproject.toml: unknown key "repeats"; allowed: name, target/,
    )
  })

  it('reports TOML syntax errors with file, line and column', () => {
    const cwd = project({ 'pyproject.toml': '[tool.bytescope]\nrepeat = = 3\n' })
    expect(error({}, cwd)).toMatch(/^pyproject\.toml:2:\d+: invalid TOML: /)
    expect(error({}, cwd)).not.toContain('\n')
  })
})

describe('settings table', () => {
  it('has one setting per action.yml input and nothing else', () => {
    expect(SETTINGS.map((s) => s.key).sort()).toEqual(Object.keys(actionDefaults()).sort())
  })

  it('leaves action.yml defaults empty for every setting the config file can carry, so the file is not overridden', () => {
    const defaults = actionDefaults()
    for (const setting of SETTINGS.filter((s) => s.inFile))
      expect([setting.key, defaults[setting.key]]).toEqual([setting.key, ''])
  })

  it("states each default in action.yml's description, as the code applies it", () => {
    const yml = readFileSync('action.yml', 'utf8').replace(/\n\s+/g, ' ')
    const documented: Record<string, string> = {
      repeat: String(DEFAULTS.repeat),
      warmup: String(DEFAULTS.warmup),
      timeout: String(DEFAULTS.timeout),
      'time-threshold': thresholdText(DEFAULTS.timeThreshold),
      significance: String(DEFAULTS.significance),
      clock: DEFAULTS.clock,
      'time-statistic': DEFAULTS.timeStatistic,
      'time-confirmations': String(DEFAULTS.timeConfirmations),
      'memory-threshold': thresholdText(DEFAULTS.memoryThreshold),
      'instructions-threshold': thresholdText(DEFAULTS.instructionsThreshold),
      memory: String(DEFAULTS.memory),
      instructions: String(DEFAULTS.instructions),
      'baseline-artifact': DEFAULTS.baselineArtifact,
      'upload-baseline': DEFAULTS.uploadBaseline,
      comment: DEFAULTS.comment,
      'fail-on-regression': String(DEFAULTS.failOnRegression),
    }
    for (const [key, value] of Object.entries(documented)) {
      const description = new RegExp(` ${key}: description: (?:>- )?(.*?) required:`).exec(yml)?.[1] ?? ''
      expect([key, description]).toEqual([key, expect.stringContaining(`Default \`${value}\`.`)])
    }
  })
})
