// The local command that repeats a run's comparison, for the report's "Reproduce locally": the settings given besides
// the config file (which the checkout has) as flags, the same Python release, and what head was compared with: the
// base commit side by side (same-runner), the artifact downloaded with `gh`, or the same file.
import path from 'node:path'
import { RESULTS_FILE } from './baseline/index.js'
import { commandLine } from './cli.js'
import { SETTINGS, type Config, type RawSettings } from './config.js'
import type { BaselineInfo } from './verdict.js'

export interface Reproduced {
  config: Config
  /** The settings as given (action inputs, CLI flags); the config file's are read again locally. */
  explicit: RawSettings
  baseline: BaselineInfo | null
  /** Paths in the command are relative to it: GITHUB_WORKSPACE, or the CLI's working directory. */
  workspace: string
  /** The measured interpreter's version ("3.12.1"). */
  pythonVersion: string
  /** The local CLI made this run: its paths mean the same on the developer's machine. */
  local: boolean
}

/** Settings about where a run's GitHub things go, or written below from what the run did, not as given. */
const NOT_REPEATED = new Set([
  'github-token',
  'comment',
  'comment-key',
  'upload-baseline',
  'retention-days',
  'baseline-artifact',
  'baseline-path',
  'working-directory',
  'python',
  'compare',
  'base-ref',
])

/** Settings given one value per line, repeated as one flag each. */
const LINES = new Set(['entries', 'paths'])

export function reproduceCommand(run: Reproduced): string {
  const { config, explicit, baseline } = run
  const args = ['node', 'path/to/bytescope/dist/index.js']
  const relative = (p: string) => path.relative(run.workspace, p).split(path.sep).join('/') || '.'
  if (config.workingDirectory !== run.workspace) args.push('--working-directory', relative(config.workingDirectory))
  // The action's interpreter is a path on the runner: locally, the same release is what matters.
  const python = run.local ? explicit.python?.trim() : `python${run.pythonVersion.split('.').slice(0, 2).join('.')}`
  if (python) args.push('--python', python)
  for (const setting of SETTINGS.filter((s) => !NOT_REPEATED.has(s.key))) {
    const value = explicit[setting.key]?.trim()
    if (!value) continue
    if (LINES.has(setting.kind)) {
      for (const line of value
        .split(/\r?\n/)
        .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
        .filter(Boolean))
        args.push(`--${setting.key}`, line)
    } else args.push(`--${setting.key}`, value)
  }
  let download: string | null = null
  if (baseline?.source === 'same-runner' && baseline.commit) {
    // The commit itself, not a branch that moves on: the CLI fetches it from origin when the clone lacks it.
    args.push('--compare', 'same-runner', '--base-ref', baseline.commit)
  } else if (baseline?.source === 'path') args.push('--baseline-path', relative(baseline.location))
  else if (baseline?.runId) {
    download = `gh run download ${baseline.runId} -n ${commandLine([baseline.location])} -D bytescope-baseline`
    args.push('--baseline-path', `bytescope-baseline/${RESULTS_FILE}`)
  }
  const command = commandLine(args)
  return download ? `${download} && ${command}` : command
}
