// The harness runner's limits: its guard timer, and what the started processes inherit.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { childEnvironment } from '../src/child-environment.js'
import { loadConfig } from '../src/config.js'
import { HarnessError, runHarness } from '../src/harness.js'
import { consoleLog } from '../src/log.js'

/** An executable standing in for Python: runs `body` as a shell script. */
function fakePython(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-fake-python-'))
  const file = path.join(dir, 'python')
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

describe('the harness guard timer', () => {
  it('does not kill the harness at once when 25 entries x a timeout of a day overflow the timer', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'bytescope-timer-'))
    const entryPoints = Array.from({ length: 25 }, (_, i) => `e${i}=pkg.mod:f${i}`).join('\n')
    const config = loadConfig({ settings: { 'entry-points': entryPoints, timeout: '86400' }, label: (k) => k, cwd })
    const executable = fakePython('sleep 0.5; echo "settings: refused on purpose" >&2; exit 2')
    const interpreter = { command: executable, executable, version: '3.12.1', implementation: 'CPython' }
    const error = await runHarness(
      config,
      interpreter,
      path.join(cwd, 'out'),
      consoleLog(() => undefined),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HarnessError)
    // The harness answered (after half a second) instead of being stopped by a timer that fired after 1 ms.
    expect((error as Error).message).toBe('the harness rejected its settings: settings: refused on purpose')
  })
})

describe('the environment of started processes', () => {
  it("leaks no runner credential, action input or step command file to the harness's environment", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'bytescope-env-'))
    const dump = path.join(cwd, 'env.txt')
    const secrets = {
      'INPUT_GITHUB-TOKEN': 'ghs_input',
      INPUT_ENTRY_POINTS: 'x.py',
      ACTIONS_RUNTIME_TOKEN: 'runtime',
      ACTIONS_RUNTIME_URL: 'https://runtime',
      ACTIONS_RESULTS_URL: 'https://results',
      ACTIONS_CACHE_URL: 'https://cache',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      GITHUB_TOKEN: 'ghs_env',
      GITHUB_OUTPUT: '/tmp/output',
      GITHUB_ENV: '/tmp/env',
      GITHUB_PATH: '/tmp/path',
      GITHUB_STATE: '/tmp/state',
      GITHUB_STEP_SUMMARY: '/tmp/summary',
    }
    const kept = { GITHUB_SHA: 'abc', GITHUB_WORKSPACE: cwd, RUNNER_TEMP: cwd, FIXTURE_VARIANT: 'heavier' }
    const saved = { ...process.env }
    Object.assign(process.env, secrets, kept)
    try {
      const config = loadConfig({ settings: { 'entry-points': 'x=pkg.mod:f' }, label: (k) => k, cwd })
      const executable = fakePython(`env > '${dump}'; exit 2`)
      const interpreter = { command: executable, executable, version: '3.12.1', implementation: 'CPython' }
      await runHarness(
        config,
        interpreter,
        path.join(cwd, 'out'),
        consoleLog(() => undefined),
      ).catch(() => undefined)
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
      Object.assign(process.env, saved)
    }
    const names = readFileSync(dump, 'utf8')
      .split('\n')
      .map((line) => line.slice(0, line.indexOf('=')))
    for (const name of Object.keys(secrets)) expect(names).not.toContain(name)
    for (const name of Object.keys(kept)) expect(names).toContain(name)
    expect(childEnvironment({ input_lowercase: 'x', PATH: '/bin' })).toEqual({ PATH: '/bin' })
  })
})
