// A failing entry's error message is said once in each place it belongs: the log (the entry's progress line), the
// report (terminal or markdown), and in the action one annotation; not again by the step's failure, a log group or a
// traceback printed twice. The bundled CLI and action, as processes, on an entry that raises.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { actionBundle, runAction } from './support/action.js'
import { startGitHubServer } from './support/github-server.js'
import { replay } from './support/runner-commands.js'

const MESSAGE = 'the widget count must be positive, got -3'
const CODE = [
  'def ok():',
  '    return sum(range(1000))',
  '',
  'def boom():',
  '    print("preparing widgets")',
  '    count = -3',
  '    raise ValueError(f"the widget count must be positive, got {count}")',
  '',
  'def hang():',
  '    import time',
  '    time.sleep(60)',
  '',
].join('\n')

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bytescope-error-once-'))
  writeFileSync(join(dir, 'mod.py'), CODE)
  return dir
}

const times = (text: string, what: string) => text.split(what).length - 1

describe('a failing entry', () => {
  it('the CLI: once in the log, once in the report, and the last lines name it without repeating it', () => {
    const dir = project()
    const out = join(dir, 'out')
    const args = ['--entry-points', 'mod:ok', '--entry-points', 'mod:boom', '--repeat', '3', '--output-dir', out]
    let stdout = ''
    let stderr = ''
    try {
      execFileSync(process.execPath, [actionBundle(), ...args], { cwd: dir, encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string }
      expect(failed.status).toBe(1)
      ;({ stdout, stderr } = failed)
    }
    expect(times(stderr, MESSAGE), stderr).toBe(1)
    expect(stderr).toContain(`[2/2] mod:boom: error: ValueError: ${MESSAGE}`)
    expect(stderr).toMatch(/^error: mod:boom failed to run \(the report above says why\)$/m)
    // What the entry printed is in the log only.
    expect(stderr).toContain('preparing widgets')
    expect(times(stdout, MESSAGE), stdout).toBe(1)
    expect(stdout).toContain('  error during warmup: ValueError\n')
    expect(stdout).toContain(`    ValueError: ${MESSAGE}`)
    expect(times(readFileSync(join(out, 'report.md'), 'utf8'), MESSAGE)).toBe(1)
  })

  it('the action: the progress line and one annotation in the log, once in the job summary', async () => {
    const server = await startGitHubServer()
    const inputs = { 'entry-points': 'mod:ok\nmod:boom', repeat: '3', comment: 'never' }
    const run = await runAction({ server, workspace: project(), inputs }).finally(() => server.close())
    expect(run.code).toBe(1)
    expect(times(run.stdout, MESSAGE), run.stdout).toBe(2)
    const errors = replay(run.stdout).live.filter((c) => c.command === 'error')
    expect(errors.map((c) => [c.properties.title, c.message])).toEqual([
      ['bytescope: mod:boom failed', `mod:boom: failed during warmup: ValueError: ${MESSAGE}`],
      [undefined, 'bytescope: 1 entry failed to run (the annotations and the job summary say where and why)'],
    ])
    expect(times(run.summary, MESSAGE)).toBe(1)
  })

  it("a timeout's message, which its stack dump does not hold, is in the report once too", () => {
    const dir = project()
    const out = join(dir, 'out')
    const args = ['--entry-points', 'mod:hang', '--timeout', '2', '--output-dir', out]
    let stdout = ''
    try {
      execFileSync(process.execPath, [actionBundle(), ...args], { cwd: dir, encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      stdout = (error as { stdout: string }).stdout
    }
    const said = 'the entry did not finish within 2 s (stopped during warmup)'
    expect(times(stdout, said), stdout).toBe(1)
    expect(times(readFileSync(join(out, 'report.md'), 'utf8'), said)).toBe(1)
  })
})
