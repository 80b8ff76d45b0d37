// `npm start`: what a pull request gets from bytescope, on any machine. A scratch git repository holds examples/ as
// committed (the base) and, as the next commit, with examples/baseline.patch applied (the head, which slows two
// functions down); the bundled CLI measures both side by side on this machine (same-runner mode), so the verdict does
// not depend on which machine runs it. Extra arguments go to the CLI (e.g. `npm start -- --clock wall`).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const examples = path.join(root, 'examples')
const scratch = mkdtempSync(path.join(tmpdir(), 'bytescope-demo-'))
const identity = { GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@example.com' }
const env = { ...process.env, ...identity, GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@example.com' }

function git(...args) {
  const done = spawnSync('git', args, { cwd: scratch, env, encoding: 'utf8' })
  if (done.status !== 0) throw new Error(`git ${args.join(' ')}: ${done.stderr || done.error}`)
}

let status
try {
  const project = path.join(scratch, 'examples')
  cpSync(examples, project, { recursive: true, filter: (src) => !src.includes('__pycache__') })
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-q', '-m', 'base: examples as committed')
  git('apply', '-p1', '--directory=examples', path.join(examples, 'baseline.patch'))
  git('commit', '-q', '-a', '-m', 'head: examples/baseline.patch applied')
  console.error(
    'bytescope demo: base = examples/ as committed, head = examples/baseline.patch applied (a scratch repository)',
  )
  const cli = [path.join(root, 'dist/index.js'), '--working-directory', project, '--compare', 'same-runner']
  const run = spawnSync(process.execPath, [...cli, '--base-ref', 'HEAD~1', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  })
  status = run.status ?? 2
  // 1 is the verdict the demo is about (the head regressed), not a failure of the demo.
  if (status === 1) console.error('\nbytescope demo: exit status 1 in CI: this pull request would fail its check.')
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
process.exitCode = status === 1 ? 0 : (status ?? 2)
