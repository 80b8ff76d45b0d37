// The local command line: the action's settings as flags (`--time-threshold 5%`), parsed into the same raw settings
// the action reads from its inputs, so both run one pipeline.
import { ConfigError, SETTINGS } from './config.js'

export interface CommandLine {
  settings: Record<string, string>
  /** Where results and the report go; null for a fresh temporary directory. */
  outputDir: string | null
  /** A results file to gate instead of measuring; null to run the harness. */
  resultsPath: string | null
  help: boolean
  version: boolean
}

/** CLI-only flags: they say where this process writes, which the action decides itself. */
const LOCAL_FLAGS: Record<string, [string, string]> = {
  'output-dir': ['DIR', 'directory for results.json and report.md (default: a new temporary one)'],
  results: ['FILE', 'gate this results file (e.g. a downloaded artifact) instead of measuring'],
}

export function parseArgs(argv: readonly string[]): CommandLine {
  const settings: Record<string, string> = {}
  const line: CommandLine = { settings, outputDir: null, resultsPath: null, help: false, version: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h' || arg === '--help') {
      line.help = true
      continue
    }
    if (arg === '-V' || arg === '--version') {
      line.version = true
      continue
    }
    const flag = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    if (!flag)
      throw new ConfigError(
        `unexpected argument ${JSON.stringify(arg)}; settings are flags such as --entry-points pkg.mod:main (see --help)`,
      )
    const [, name, inline] = flag as unknown as [string, string, string | undefined]
    const negated = name.startsWith('no-')
      ? SETTINGS.find((s) => s.key === name.slice(3) && s.kind === 'bool')
      : undefined
    if (negated) {
      settings[negated.key] = 'false'
      continue
    }
    const setting = SETTINGS.find((s) => s.key === name)
    if (!setting && !(name in LOCAL_FLAGS))
      throw new ConfigError(`unknown flag --${name} (see --help for the settings)`)
    let value = inline
    if (value === undefined) {
      const next = argv[i + 1]
      // A boolean flag alone means true (`--instructions`); everything else takes the next argument.
      if (setting?.kind === 'bool' && (next === undefined || next.startsWith('--'))) value = 'true'
      else if (next === undefined) throw new ConfigError(`--${name} needs a value`)
      else value = argv[++i]!
    }
    if (name === 'output-dir') line.outputDir = value
    else if (name === 'results') line.resultsPath = value
    // Entry points may be given one flag each; they add up like lines of the input.
    else if ((name === 'entry-points' || name === 'python-path') && settings[name] !== undefined)
      settings[name] += `\n${value}`
    else settings[name] = value
  }
  return line
}

export function helpText(): string {
  const rows: [string, string][] = [
    ...SETTINGS.map((s): [string, string] => [
      `--${s.key}${s.kind === 'bool' ? '[=true|false]' : ` ${s.choices?.join('|') ?? metavar(s.kind)}`}`,
      s.help,
    ]),
    ...Object.entries(LOCAL_FLAGS).map(([key, [value, help]]): [string, string] => [`--${key} ${value}`, help]),
    ['-h, --help', 'this help'],
    ['-V, --version', 'the version'],
  ]
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2
  return `usage: node dist/index.js [--SETTING VALUE ...]

Runs bytescope's pipeline locally: measures the entry points with the harness, compares them with a baseline
results file (--baseline-path), decides pass/fail like the action, and prints the markdown report.
Settings are the action's inputs as flags; pyproject.toml's [tool.bytescope] in --working-directory is read first
and flags override it. Boolean settings also take --no-SETTING. --entry-points may be repeated.

${rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`).join('\n')}

exit status: 0 pass (or no baseline), 1 regression, 2 error (bad settings, harness failure)
`
}

function metavar(kind: string): string {
  return (
    {
      entries: '[NAME=]TARGET',
      path: 'PATH',
      paths: 'DIR',
      int: 'N',
      seconds: 'SECONDS',
      percent: 'PCT%',
      probability: 'P',
      size: 'SIZE',
      string: 'TEXT',
    }[kind] ?? 'VALUE'
  )
}

/** A command as a POSIX shell reads it back: words with anything unusual single-quoted. */
export function commandLine(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ')
}
