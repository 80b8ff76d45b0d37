// The report's "Reproduce locally" command: it repeats the comparison the run made, not just its settings.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { reproduceCommand } from '../src/reproduce.js'
import type { RawSettings } from '../src/config.js'
import type { BaselineInfo } from '../src/verdict.js'
import { load, project } from './support/config.js'

const BASE = 'b'.repeat(40)
const SAME_RUNNER: BaselineInfo = { source: 'same-runner', location: BASE, commit: BASE, rounds: 4 }

function command(explicit: RawSettings, baseline: BaselineInfo | null, local = false, pythonVersion = '3.12.1') {
  const workspace = project({ 'project/src/.keep': '' })
  mkdirSync(path.join(workspace, 'project', 'src'), { recursive: true })
  const config = load(explicit, workspace)
  return reproduceCommand({ config, explicit, baseline, workspace, pythonVersion, local })
}

describe('reproduce command', () => {
  it('repeats a same-runner comparison: the base commit, the python-path lines, the Python release', () => {
    const explicit = {
      'entry-points': 'work=mypkg.core:work',
      'working-directory': 'project',
      'python-path': 'src\n.',
      python: '/opt/hostedtoolcache/Python/3.12.1/x64/bin/python',
      clock: 'wall',
      'time-statistic': 'median',
      comment: 'always',
      'github-token': 'secret',
    }
    expect(command(explicit, SAME_RUNNER)).toBe(
      `node path/to/bytescope/dist/index.js --working-directory project --python python3.12 --entry-points work=mypkg.core:work --time-statistic median --clock wall --python-path src --python-path . --compare same-runner --base-ref ${BASE}`,
    )
  })

  it("keeps a local run's own interpreter, and names none when none was given", () => {
    const explicit = { 'entry-points': 'm:f', python: '/home/me/.venv/bin/python', 'base-ref': 'main' }
    expect(command(explicit, SAME_RUNNER, true)).toBe(
      `node path/to/bytescope/dist/index.js --python /home/me/.venv/bin/python --entry-points m:f --compare same-runner --base-ref ${BASE}`,
    )
    expect(command({ 'entry-points': 'm:f' }, null, true)).toBe(
      'node path/to/bytescope/dist/index.js --entry-points m:f',
    )
  })

  it('downloads an artifact baseline with gh, and does not ask for same-runner after a fallback to it', () => {
    const artifact: BaselineInfo = {
      source: 'artifact',
      location: 'bytescope results',
      commit: 'c'.repeat(40),
      runId: 42,
      fallback: 'same-runner comparison not possible (the base commit is unknown)',
    }
    expect(command({ 'entry-points': 'm:f', compare: 'auto' }, artifact, false, '3.10.13')).toBe(
      "gh run download 42 -n 'bytescope results' -D bytescope-baseline && node path/to/bytescope/dist/index.js --python python3.10 --entry-points m:f --baseline-path bytescope-baseline/bytescope-results.json",
    )
  })
})
