// Loading settings as the action does, for config tests: a project directory with the given files, and the one-line
// error a bad setting gives.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { ConfigError, loadConfig, type RawSettings } from '../../src/config.js'

export function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-config-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

/** The settings as action inputs (`input time-threshold` in errors). */
export function load(settings: RawSettings, cwd = project()) {
  return loadConfig({ settings, label: (key) => `input ${key}`, cwd })
}

/** The ConfigError's message for these settings; fails the test when they load. */
export function error(settings: RawSettings, cwd?: string): string {
  try {
    load(settings, cwd)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('expected a ConfigError')
}
