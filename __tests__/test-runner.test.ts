// `npm test`'s Python half: every interpreter is named with its result, and a failure on any one fails the run.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const runner = path.join(root, 'scripts/test.mjs')
const scratch = mkdtempSync(path.join(tmpdir(), 'bytescope-runner-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A scratch unittest suite `name` holding one file of `lines`; its directory. */
function suiteOf(name: string, file: string, lines: string[]): string {
  const suite = path.join(scratch, name)
  mkdirSync(suite, { recursive: true })
  writeFileSync(path.join(suite, file), [...lines, ''].join('\n'))
  return suite
}

function runPythonHalf(env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, [runner, 'python'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  })
}

describe('scripts/test.mjs', () => {
  it('fails with one line naming every interpreter tried when there is no CPython 3.10+', () => {
    const result = runPythonHalf({ PATH: path.join(scratch, 'empty-bin'), PYENV_ROOT: scratch })
    expect(result.status).toBe(1)
    const line = result.stderr.split('\n').find((l) => l.includes('no CPython 3.10+ found'))
    expect(line).toContain('tried: python3.10, python3.11, python3.12, python3.13, python3.14')
  })

  it('names the interpreter a test fails on and fails the run', () => {
    const suite = suiteOf('suite', 'test_probe.py', [
      'import sys, unittest',
      'class Probe(unittest.TestCase):',
      '    def test_runs(self):',
      '        self.assertTrue(True)',
      '    def test_only_on_oldest(self):',
      '        # Fails everywhere but 3.10, so exactly the newer interpreters must be named as failing.',
      '        self.assertEqual(sys.version_info[:2], (3, 10))',
    ])
    const result = runPythonHalf({ BYTESCOPE_PYTHON_TESTS: suite })
    const lines = result.stdout.split('\n').filter((l) => /^python 3\.\d+: /.test(l))
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      if (line.startsWith('python 3.10:')) expect(line).toMatch(/: ok: 2 passed, 0 failed/)
      else expect(line).toMatch(/: FAILED: 1 passed, 1 failed/)
    }
    // CPython 3.14 under Pyodide runs the same suite in its own line, and fails it like any interpreter but 3.10.
    expect(result.stdout).toMatch(/^python 3\.14 \(pyodide\): FAILED: 1 passed, 1 failed, 0 skipped in /m)
    expect(result.stdout).toContain('AssertionError: Tuples differ: (3, 14) != (3, 10)')
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/^\d+ passed, \d+ failed, \d+ skipped$/m)
  })

  it('gives the suites one temporary directory and removes it, with what they left there, after a passing run', () => {
    const seen = path.join(scratch, 'tempdirs')
    const suite = suiteOf('temporary', 'test_temporary.py', [
      'import sys, tempfile, unittest',
      'class Temporary(unittest.TestCase):',
      '    def test_leaves_a_directory(self):',
      '        if sys.platform == "emscripten":',
      '            self.skipTest("Pyodide has a file system of its own")',
      '        left = tempfile.mkdtemp(prefix="left-behind-")',
      `        with open(${JSON.stringify(seen)}, "a") as f:`,
      '            f.write(left + "\\n")',
    ])
    const result = runPythonHalf({ BYTESCOPE_PYTHON_TESTS: suite })
    expect(result.status, result.stdout + result.stderr).toBe(0)
    const left = readFileSync(seen, 'utf8').trim().split('\n')
    expect(left.length).toBeGreaterThan(0)
    for (const dir of left) {
      expect(path.basename(path.dirname(dir))).toMatch(/^tests-scratch-/)
      expect(existsSync(path.dirname(dir))).toBe(false)
    }
  })

  it('reports a test that ends the Pyodide runtime in one line, with its exit status', () => {
    const suite = suiteOf('dies', 'test_dies.py', [
      'import os, unittest',
      'class Dies(unittest.TestCase):',
      '    def test_exit(self):',
      '        os._exit(7)',
    ])
    const result = spawnSync(process.execPath, [path.join(root, 'scripts/pyodide-tests.mjs'), suite, suite], {
      cwd: root,
      encoding: 'utf8',
    })
    expect(result.status).toBe(7)
    expect(result.stderr).toContain('pyodide runtime ended: Program terminated with exit(7)')
    expect(result.stderr.length).toBeLessThan(2000) // not Node's print of the minified runtime
  })
})
