// Records examples/baseline.json: the results of the examples' previous version (examples/baseline.patch applied
// to a scratch copy), measured through the bundled action's local CLI exactly as `npm start` measures today's code.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const examples = path.join(root, 'examples')
const scratch = mkdtempSync(path.join(tmpdir(), 'bytescope-example-'))
const project = path.join(scratch, 'examples')
try {
  cpSync(examples, project, { recursive: true, filter: (src) => !src.includes('__pycache__') })
  // git apply works outside a repository, and everywhere git does (no `patch` on Windows).
  execFileSync('git', ['apply', '-p1', path.join(examples, 'baseline.patch')], { cwd: project, stdio: 'inherit' })
  const out = path.join(scratch, 'out')
  const args = ['--working-directory', project, '--output-dir', out, '--baseline-path', '', '--comment', 'never']
  try {
    execFileSync(process.execPath, [path.join(root, 'dist/index.js'), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  } catch (error) {
    // Without a baseline the CLI exits 0; anything else is a real failure.
    if (error.status !== 0) throw error
  }
  copyFileSync(path.join(out, 'results.json'), path.join(examples, 'baseline.json'))
  console.log(`wrote ${path.relative(root, path.join(examples, 'baseline.json'))}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
