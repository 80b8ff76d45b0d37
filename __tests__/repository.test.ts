// The repository's own contracts: the committed bundle is fresh, the README documents action.yml exactly, and the
// action and the Python package agree on metadata.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
// @ts-expect-error -- plain ESM script without types
import { renderTables, updateReadme } from '../scripts/action-docs.mjs'

const root = path.resolve(import.meta.dirname, '..')
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort()
}

describe('dist/', () => {
  // ncc takes 10 s on an idle machine and over 2 minutes on a loaded one.
  it('is the bundle of the current src/', { timeout: 600_000 }, () => {
    const out = mkdtempSync(path.join(tmpdir(), 'bytescope-dist-'))
    try {
      execFileSync(
        process.execPath,
        [
          path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
          'build',
          'src/index.ts',
          '-o',
          out,
          '--source-map',
          '--license',
          'licenses.txt',
          '--quiet',
        ],
        { cwd: root, stdio: 'pipe' },
      )
      const committed = path.join(root, 'dist')
      expect(listFiles(committed)).toEqual(listFiles(out))
      for (const file of listFiles(out)) {
        const fresh = readFileSync(path.join(out, file), 'utf8').replaceAll(out, '<out>')
        const stale = readFileSync(path.join(committed, file), 'utf8').replaceAll(committed, '<out>')
        expect(stale === fresh, `dist/${file} is stale: run \`npm run bundle\` and commit dist/`).toBe(true)
      }
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})

describe('action.yml', () => {
  const action = parse(read('action.yml'))

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.name && action.description && action.author && action.branding).toBeTruthy()
  })

  it('documents every input with a description and a default, and every output with a description', () => {
    for (const [name, spec] of Object.entries<Record<string, unknown>>(action.inputs)) {
      expect(typeof spec.description, `input ${name}`).toBe('string')
      expect(spec.default, `input ${name} default`).not.toBeUndefined()
    }
    for (const [name, spec] of Object.entries<Record<string, unknown>>(action.outputs)) {
      expect(typeof spec.description, `output ${name}`).toBe('string')
    }
  })

  it('matches the inputs and outputs tables of README.md', () => {
    const readme = read('README.md')
    expect(updateReadme(readme, renderTables(read('action.yml'))) === readme, 'run `npm run docs`').toBe(true)
  })

  it('detects a README that drifted from action.yml', () => {
    // Change one input's description, as an edit of action.yml would, and the tables must no longer match.
    const drifted = parse(read('action.yml'))
    const first = Object.keys(drifted.inputs)[0]!
    drifted.inputs[first].description += ' (changed)'
    expect(updateReadme(read('README.md'), renderTables(stringify(drifted)))).not.toBe(read('README.md'))
  })
})

describe('versions', () => {
  it('package.json and the Python package carry the same version', () => {
    const npmVersion = JSON.parse(read('package.json')).version
    const pyVersion = /__version__ = "([^"]+)"/.exec(read('python/bytescope/__init__.py'))?.[1]
    expect(pyVersion).toBe(npmVersion)
  })
})
