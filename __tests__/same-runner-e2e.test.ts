// Same-runner mode end to end: the bundled action on a pull_request event, in a shallow clone of a real "origin"
// repository (as actions/checkout leaves it), against the local GitHub. The base is fetched, checked out as a
// worktree, measured side by side with head, and the worktree is gone afterwards whatever happened.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { Results } from '../src/results.js'
import { pullRequestEvent, runAction, type RunOptions, type RunResult } from './support/action.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

const INPUTS = { 'entry-points': 'work=mypkg.core:work', repeat: '8', warmup: '1', comment: 'never' }
const PACKAGE = (loops: number) => ({
  'src/mypkg/__init__.py': '',
  'src/mypkg/core.py': `def work():\n    total = 0\n    for i in range(${loops}):\n        total += i * i\n    return total\n`,
})

const servers: GitHubServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).trim()
}

function commit(repo: string, files: Record<string, string>, message: string): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, name)), { recursive: true })
    writeFileSync(join(repo, name), text)
  }
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '--allow-empty', '-m', message)
  return git(repo, 'rev-parse', 'HEAD')
}

/** An "origin" with base and head commits, and a depth-1 clone of head as the workspace. */
function repositories(base: Record<string, string>, head: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'bytescope-same-runner-'))
  const source = join(root, 'source')
  mkdirSync(source)
  git(source, 'init', '-q', '-b', 'main')
  const baseSha = commit(source, base, 'base')
  const headSha = commit(source, head, 'head')
  git(root, 'clone', '-q', '--bare', source, join(root, 'origin.git'))
  const workspace = join(root, 'workspace')
  git(root, 'clone', '-q', '--depth=1', `file://${join(root, 'origin.git')}`, workspace)
  return { baseSha, headSha, workspace }
}

async function pullRequest(
  repos: ReturnType<typeof repositories>,
  inputs: Record<string, string> = {},
  options: Partial<RunOptions> = {},
  baseSha = repos.baseSha,
): Promise<{ result: RunResult; gh: GitHubServer }> {
  const gh = await startGitHubServer()
  servers.push(gh)
  gh.state.comparisons[`${baseSha}...${repos.headSha}`] = { ahead_by: 1, behind_by: 0, merge_base_sha: baseSha }
  const result = await runAction({
    server: gh,
    inputs: { ...INPUTS, ...inputs },
    event: 'pull_request',
    eventPayload: pullRequestEvent(gh, { baseSha, headSha: repos.headSha }),
    workspace: repos.workspace,
    timeoutMs: 240_000,
    ...options,
  })
  return { result, gh }
}

/** No worktree left registered in the workspace, and no base checkout left in RUNNER_TEMP. */
function expectCleanedUp(result: RunResult): void {
  expect(git(result.workspace, 'worktree', 'list').split('\n')).toHaveLength(1)
  expect(readdirSync(result.dir).filter((name) => name.startsWith('bytescope-base-'))).toEqual([])
}

const failed = (result: RunResult) => `exit ${result.code}\n${result.stdout}\n${result.stderr}`

describe('same-runner mode on a pull request', () => {
  test('fetches the base into a shallow clone, measures both sides in rounds and catches a 4x slower head', async () => {
    const repos = repositories(PACKAGE(20_000), PACKAGE(80_000))
    const { result } = await pullRequest(repos, { 'python-path': 'src' })
    expect(result.outputs.comparison, failed(result)).toBe('same-runner')
    expect(result.outputs.result).toBe('fail')
    expect(result.stdout).toMatch(
      /::error title=bytescope%3A work regressed[^:]*::time: CPU min .* \d+ \+ \d+ rounds\)/,
    )
    expect(result.stdout).toContain('round 1: base')
    // The rounds provide the memory processes: each of a side's first three rounds' workers measures one peak (after
    // its warm-up, before timing), and no process starts only for memory.
    expect(result.stdout.match(/work: memory 1 call, process 1 of 1/g)).toHaveLength(6)
    expect(result.stdout).not.toMatch(/work: memory 1 call, process 2 of/)
    const head = JSON.parse(readFileSync(result.outputs['results-path']!, 'utf8')) as Results
    expect(head.entries[0]!.memory!.peaks_bytes).toHaveLength(3)
    expect(head.entries[0]!.memory!.failed_processes).toEqual([])
    expect(result.summary).toContain(
      `compared with the base <code>${repos.baseSha.slice(0, 7)}</code>, measured on this runner`,
    )
    expect(result.summary).toContain('measured side by side with head on this runner in this job')
    // Reproduce locally: the same comparison, with the Python release the runner used.
    expect(result.summary).toMatch(
      new RegExp(
        `node path/to/bytescope/dist/index.js --python python3\\.\\d+ --entry-points work=mypkg.core:work .*--python-path src --compare same-runner --base-ref ${repos.baseSha}\n`,
      ),
    )
    expectCleanedUp(result)
  }, 300_000)

  test('an editable install of head makes the base entry an error naming the module, its origin and the fix', async () => {
    const repos = repositories(PACKAGE(20_000), PACKAGE(20_000))
    // What `pip install -e .` of a src layout does: head's src on every interpreter's sys.path.
    const env = { PYTHONPATH: join(repos.workspace, 'src') }
    const { result } = await pullRequest(repos, {}, { env })
    expect(result.outputs.comparison, failed(result)).toBe('same-runner')
    expect(result.outputs.result).toBe('fail')
    expect(result.stdout).toContain(
      `work: base failed during import: OutsideTree: module 'mypkg.core' was imported from ${join(repos.workspace, 'src', 'mypkg', 'core.py')}, outside the checkout being measured`,
    )
    expect(result.summary).toContain('python-path')
    expectCleanedUp(result)
    // The fix: python-path puts each checkout's own src first.
    const fixed = (await pullRequest(repos, { 'python-path': 'src' }, { env })).result
    expect(fixed.outputs.result, failed(fixed)).toBe('pass')
    expect(fixed.outputs.comparison).toBe('same-runner')
  }, 300_000)

  test('falls back to the artifact with a notice when the base cannot be fetched, keeping head; same-runner makes it an error', async () => {
    const repos = repositories(PACKAGE(20_000), PACKAGE(20_000))
    const missing = 'a'.repeat(40)
    const { result } = await pullRequest(repos, { 'python-path': 'src' }, {}, missing)
    expect(result.code, failed(result)).toBe(0)
    expect(result.outputs.comparison).toBe('none')
    expect(result.outputs.result).toBe('no-baseline')
    expect(result.stdout).toMatch(
      new RegExp(
        `::notice title=bytescope%3A not compared on this runner::bytescope: same-runner comparison not possible \\(could not fetch the base commit ${missing} from origin: .+\\); compared with the baseline artifact instead`,
      ),
    )
    expect(existsSync(result.outputs['results-path']!)).toBe(true)
    expectCleanedUp(result)

    const strict = (await pullRequest(repos, { 'python-path': 'src', compare: 'same-runner' }, {}, missing)).result
    expect(strict.code).toBe(1)
    expect(strict.outputs.result).toBe('error')
    expect(strict.stdout).toMatch(
      /::error::bytescope: compare: same-runner: could not fetch the base commit a{40} from origin/,
    )
  }, 300_000)

  test('base code that does not import leaves head measured and the entry new; a cancelled run removes the worktree', async () => {
    const broken = { ...PACKAGE(20_000), 'src/mypkg/core.py': 'raise ImportError("half-finished refactoring")\n' }
    const repos = repositories(broken, PACKAGE(20_000))
    const { result } = await pullRequest(repos, { 'python-path': 'src' })
    expect(result.outputs.comparison, failed(result)).toBe('same-runner')
    expect(result.outputs.result).toBe('pass')
    expect(result.summary).toMatch(/ImportError/)
    expectCleanedUp(result)

    const slow = repositories(PACKAGE(20_000), {
      'src/mypkg/core.py': 'import time\n\ndef work():\n    time.sleep(5)\n',
    })
    const cancelled = (await pullRequest(slow, { 'python-path': 'src' }, { cancelWhen: /round 2: head/ })).result
    expect(cancelled.code).not.toBe(0)
    expectCleanedUp(cancelled)
  }, 300_000)
})
