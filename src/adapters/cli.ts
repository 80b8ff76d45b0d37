// The local CLI adapter: settings from flags (src/cli.ts), then the pipeline, then the report for a terminal on
// stdout and the result, file paths and failures on stderr. Exit code 0 (passed), 1 (regression), 2 (error).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { commandLine, helpText, parseArgs } from '../cli.js'
import { loadConfig } from '../config.js'
import { consoleLog } from '../log.js'
import { guarded, pipeline, type Done, type Outcome } from '../pipeline.js'
import { entryFailures } from '../report/reasons.js'
import { renderTerminal, useColor } from '../report/terminal.js'
import packageJson from '../../package.json' with { type: 'json' }

/** Runs the local CLI with `argv`; returns the process's exit code. */
export async function runLocal(argv: string[]): Promise<number> {
  const log = consoleLog()
  let outcome: Outcome<Done>
  try {
    const line = parseArgs(argv)
    if (line.help) {
      process.stdout.write(helpText())
      return 0
    }
    if (line.version) {
      process.stdout.write(`bytescope ${packageJson.version}\n`)
      return 0
    }
    outcome = await guarded(log, async () => {
      const config = loadConfig({
        settings: line.settings,
        label: (key) => `--${key}`,
        cwd: process.cwd(),
        defaultToken: process.env.GITHUB_TOKEN,
        measuring: line.resultsPath === null,
      })
      const outputDir = line.outputDir ? path.resolve(line.outputDir) : mkdtempSync(path.join(tmpdir(), 'bytescope-'))
      return pipeline({ config, explicit: line.settings, outputDir, log, context: null, measured: line.resultsPath })
    })
  } catch (error) {
    outcome = { ok: false, message: (error as Error).message }
  }
  if (!outcome.ok) {
    process.stderr.write(`bytescope: error: ${outcome.message}\n`)
    return 2
  }
  const { verdict, reportPath, resultsPath, config } = outcome.value
  // The same report for a terminal; it repeats this very command (the markdown one names the action's flags).
  const reproduceCommand = commandLine([
    'node',
    path.relative(process.cwd(), process.argv[1] ?? 'dist/index.js'),
    ...argv,
  ])
  const rendered = renderTerminal(
    verdict,
    outcome.value.baseline,
    { ...outcome.value.reportContext, reproduceCommand },
    { color: useColor(process.stdout, process.env) },
  )
  process.stdout.write(rendered)
  process.stderr.write(`\nresult: ${verdict.result}\nresults: ${resultsPath}\nreport: ${reportPath}\n`)
  for (const entry of verdict.entries) {
    // A failed entry's error is in the log and the report above; a regression is said here (scripts read these lines).
    if (entry.status === 'error') {
      const where = entry.head?.status === 'ok' ? ' on the base' : ''
      process.stderr.write(`error: ${entry.name} failed to run${where} (the report above says why)\n`)
    } else {
      for (const failure of entryFailures(entry))
        process.stderr.write(`${config.failOnRegression ? 'regression' : 'warning'}: ${failure}\n`)
    }
  }
  return verdict.result === 'fail' && config.failOnRegression ? 1 : 0
}
