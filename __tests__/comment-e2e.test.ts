// The pull-request comment end to end: the bundled action, run as GitHub runs it, measures a real project, compares
// it with a real baseline (measured once by the harness from the project's previous version), and comments through
// the local GitHub's issue-comment API (shapes checked against GitHub's OpenAPI description).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { beforeAll, describe, expect, test } from 'vitest'
import { pullRequestEvent, pushEvent, runAction, workflowRunEvent, type RunResult } from './support/action.js'
import { installComments, type Comments } from './support/github-comments.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

const PYTHON = '/root/.pyenv/versions/3.12.1/bin/python3'
const PYTHON_DIR = resolve(process.env.BYTESCOPE_PYTHON_DIR ?? 'python')
const HEAD_SHA = 'c0ffee'.padEnd(40, '0')
const BASE_SHA = 'ba5e'.padEnd(40, '0')
const MARKER = '<!-- bytescope-comment key= -->'

// The measured project: `total` gains two attribute loads and a multiplication in its loop (a real bytecode change
// and an exact instructions regression); `helper` is unchanged.
const BASE = `
class Item:
    def __init__(self, i):
        self.price = i
        self.qty = i % 3


def helper(n):
    return n + 1


def total(items):
    s = 0
    for item in items:
        s += item.price
    return s


def work():
    return helper(total([Item(i) for i in range(300)]))
`
const HEAD = BASE.replace('s += item.price\n', 's += item.price * item.qty\n')

const INPUTS = {
  'entry-points': 'work=bench.py:work',
  python: PYTHON,
  repeat: '3',
  warmup: '0',
  instructions: 'true',
  'fail-on-regression': 'false',
}

let baselinePath: string

function project(source: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bytescope-comment-'))
  writeFileSync(join(dir, 'bench.py'), source)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/** Real results of `source`, measured by the harness as a base-branch run would have. */
function measure(source: string, files: Record<string, string> = {}, entries = ['work=bench.py:work']): string {
  const dir = project(source, files)
  const out = join(dir, 'baseline.json')
  execFileSync(
    PYTHON,
    [
      '-m',
      'bytescope',
      'run',
      '--cwd',
      dir,
      ...entries.flatMap((e) => ['--entry', e]),
      '--repeat',
      '3',
      '--warmup',
      '0',
      '--instructions',
      '--out',
      out,
    ],
    { cwd: PYTHON_DIR, stdio: 'pipe' },
  )
  return out
}

beforeAll(() => {
  baselinePath = measure(BASE)
})

type OnFinished = (fn: () => Promise<void>) => void

/** A local GitHub with the comment endpoints, closed (and checked for contract violations) when the test ends. */
async function github(onTestFinished: OnFinished): Promise<{ gh: GitHubServer; comments: Comments }> {
  const gh = await startGitHubServer()
  onTestFinished(() => gh.close())
  return { gh, comments: installComments(gh) }
}

function failed(result: RunResult): string {
  return `exit ${result.code}\n${result.stdout}\n${result.stderr}`
}

interface PullRunOptions {
  inputs?: Record<string, string>
  number?: number
  fork?: string
  source?: string
  files?: Record<string, string>
}

function pullRequestRun(gh: GitHubServer, options: PullRunOptions = {}): Promise<RunResult> {
  return runAction({
    server: gh,
    inputs: { ...INPUTS, 'baseline-path': baselinePath, ...options.inputs },
    event: 'pull_request',
    eventPayload: pullRequestEvent(gh, {
      action: 'synchronize',
      number: options.number ?? 7,
      baseSha: BASE_SHA,
      headSha: HEAD_SHA,
      fork: options.fork,
    }),
    workspace: project(options.source ?? HEAD, options.files),
  })
}

const html = (markdown: string): string =>
  micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })

const writes = (gh: GitHubServer) =>
  gh.requests
    .filter((r) => r.template?.includes('/comments') && r.method !== 'GET')
    .map((r) => `${r.method} ${r.status}`)

// Each test has its own server and workspace, so they run side by side (most of their time is the harness).
describe.concurrent('the sticky comment', () => {
  test('the first run creates the comment; ten more runs leave exactly one, updated in place', async ({
    onTestFinished,
  }) => {
    const { gh, comments } = await github(onTestFinished)
    const first = await pullRequestRun(gh)
    expect(first.code, failed(first)).toBe(0)
    const [created, ...others] = comments.on(7)
    expect(others).toHaveLength(0)
    expect(created!.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    expect(first.outputs['comment-url']).toBe(created!.html_url)
    const body = String(created!.body)
    expect(body.split('\n')[0]).toBe(MARKER)
    expect(body.length).toBeLessThanOrEqual(65_536)
    // The report: verdict, table, and the bytecode diff of `total` with its loop change in words.
    expect(body).toMatch(/^## 🔴 bytescope: 1 performance regression$/m)
    expect(body).toContain('| <code>work</code> |')
    expect(body).toContain('### Bytecode changes')
    expect(body).toContain('<summary><code>total</code>')
    expect(body).toContain(
      '+1 arithmetic operation inside a loop, +1 attribute access inside a loop, +1 load inside a loop',
    )
    expect(body).toMatch(/^\+\s+LOAD_ATTR\s+qty\s+[\d,]+×$/m)
    expect(body).toContain(`/blob/${HEAD_SHA}/bench.py#L`)
    // GET /user is 403 for the app token, so the identity came from GraphQL's viewer.
    expect(gh.requests.some((r) => r.path === '/graphql')).toBe(true)

    // Two at a time, as pushes in quick succession run: both find the comment and edit it.
    for (let batch = 0; batch < 5; batch++) {
      for (const again of await Promise.all([pullRequestRun(gh), pullRequestRun(gh)])) {
        expect(again.code, failed(again)).toBe(0)
        expect(again.outputs['comment-url']).toBe(created!.html_url)
      }
    }
    const [only, ...extra] = comments.on(7)
    expect(extra).toHaveLength(0)
    expect(only!.id).toBe(created!.id)
    expect(String(only!.body).split('\n')[0]).toBe(MARKER)
    // Timings differ run to run, so the body changed and was edited in place: never a second POST.
    expect(writes(gh).filter((w) => w.startsWith('POST'))).toEqual(['POST 201'])
    expect(writes(gh).filter((w) => w.startsWith('PATCH')).length).toBeGreaterThan(0)
    expect(only!.updated_at).not.toBe(created!.updated_at)
    // Eleven real runs: about 40 s on a quiet 2-core machine, several times that when it is shared.
  }, 360_000)

  test('a marker pasted by someone else is left alone', async ({ onTestFinished }) => {
    const { gh, comments } = await github(onTestFinished)
    const pasted = comments.add(7, { login: 'mallory', body: `${MARKER}\nI copied your marker` })
    const quoted = comments.add(7, { login: 'alice', body: `> ${MARKER}\nquoting the bot` })
    const result = await pullRequestRun(gh)
    expect(result.code, failed(result)).toBe(0)
    const list = comments.on(7)
    expect(list).toHaveLength(3)
    expect(list[0]).toEqual(pasted)
    expect(list[1]).toEqual(quoted)
    expect(list[2]!.user).toMatchObject({ login: 'github-actions[bot]' })
    expect(writes(gh)).toEqual(['POST 201'])
    expect(result.stdout).toContain(`leaving alone comment ${String(pasted.id)} by mallory`)
  })

  test('more than 100 comments are paged through to find the sticky one', async ({ onTestFinished }) => {
    const { gh, comments } = await github(onTestFinished)
    for (let i = 0; i < 130; i++) comments.add(7, { login: `user${i % 7}`, body: `comment ${i}` })
    const first = await pullRequestRun(gh)
    expect(first.code, failed(first)).toBe(0)
    for (let i = 0; i < 120; i++) comments.add(7, { login: `user${i % 7}`, body: `later ${i}` })
    const second = await pullRequestRun(gh)
    expect(second.code, failed(second)).toBe(0)
    const ours = comments.on(7).filter((c) => String(c.body).startsWith(MARKER))
    expect(ours).toHaveLength(1)
    expect(comments.on(7).indexOf(ours[0]!)).toBe(130)
    const pages = gh.requests
      .filter((r) => r.method === 'GET' && r.template?.endsWith('/comments'))
      .map((r) => r.query.get('page') ?? '1')
    expect(pages).toEqual(['1', '2', '1', '2', '3'])
    expect(writes(gh)).toEqual(['POST 201', 'PATCH 200'])
  })

  test('two comment keys keep two comments', async ({ onTestFinished }) => {
    const { gh, comments } = await github(onTestFinished)
    for (const key of ['py3.12', 'py3.13 & free-threaded', 'py3.12']) {
      const result = await pullRequestRun(gh, { inputs: { 'comment-key': key } })
      expect(result.code, failed(result)).toBe(0)
    }
    const list = comments.on(7)
    expect(list.map((c) => String(c.body).split('\n')[0])).toEqual([
      '<!-- bytescope-comment key=py3.12 -->',
      '<!-- bytescope-comment key=py3.13%20%26%20free-threaded -->',
    ])
    expect(writes(gh).filter((w) => w.startsWith('POST'))).toHaveLength(2)
    expect(String(list[1]!.body)).toContain('bytescope (<code>py3.13 &#38; free-threaded</code>)')
  })

  test('a read-only token (a fork pull request) warns once, keeps the report, and does not fail the job', async ({
    onTestFinished,
  }) => {
    const { gh, comments } = await github(onTestFinished)
    comments.readOnly.add(gh.token)
    const result = await pullRequestRun(gh, { fork: 'contributor/octo-repo' })
    expect(result.code, failed(result)).toBe(0)
    expect(result.outputs.result).toBe('fail')
    expect(comments.on(7)).toHaveLength(0)
    expect(writes(gh)).toEqual(['POST 403'])
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('::warning') && l.includes('comment'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('HTTP 403')
    expect(warnings[0]).toContain('docs/workflows/')
    expect(result.outputs['comment-url']).toBeUndefined()
    expect(result.summary).toContain('### Bytecode changes')
    expect(result.summary).toContain('<summary><code>total</code>')
  })

  test('the identity of a personal token comes from GET /user, and only its own comments are edited', async ({
    onTestFinished,
  }) => {
    const { gh, comments } = await github(onTestFinished)
    comments.addUser('ghp_alice', 'alice')
    comments.add(7, { login: 'github-actions[bot]', type: 'Bot', body: `${MARKER}\nold, from the workflow token` })
    const result = await pullRequestRun(gh, { inputs: { 'github-token': 'ghp_alice' } })
    expect(result.code, failed(result)).toBe(0)
    const list = comments.on(7)
    expect(list).toHaveLength(2)
    expect(String(list[0]!.body)).toContain('old, from the workflow token')
    expect(list[1]!.user).toMatchObject({ login: 'alice' })
    expect(gh.requests.some((r) => r.path === '/graphql')).toBe(false)
  })

  test('without GraphQL, the workflow token is taken to be github-actions[bot]', async ({ onTestFinished }) => {
    const { gh, comments } = await github(onTestFinished)
    comments.graphql = false
    const existing = comments.add(7, { login: 'github-actions[bot]', type: 'Bot', body: `${MARKER}\nprevious run` })
    const result = await pullRequestRun(gh)
    expect(result.code, failed(result)).toBe(0)
    expect(comments.on(7)).toHaveLength(1)
    expect(comments.on(7)[0]!.id).toBe(existing.id)
    expect(String(comments.on(7)[0]!.body)).toContain('### Bytecode changes')
  })
})

describe.concurrent('comment modes', () => {
  test('never writes only the job summary', async ({ onTestFinished }) => {
    const { gh } = await github(onTestFinished)
    const result = await pullRequestRun(gh, { inputs: { comment: 'never' } })
    expect(result.code, failed(result)).toBe(0)
    expect(gh.requests.filter((r) => r.template?.includes('comments') || r.path === '/user')).toEqual([])
    expect(result.summary).toContain('### Bytecode changes')
  })

  test('auto does not comment outside pull requests; always comments on the regression of a commit in a pull request', async ({
    onTestFinished,
  }) => {
    const { gh, comments } = await github(onTestFinished)
    comments.addPull({ number: 12, headSha: HEAD_SHA })
    const push = (comment: string) =>
      runAction({
        server: gh,
        inputs: { ...INPUTS, 'baseline-path': baselinePath, comment, 'upload-baseline': 'false' },
        event: 'push',
        eventPayload: pushEvent(gh, { ref: 'refs/heads/feature', after: HEAD_SHA }),
        workspace: project(HEAD),
      })
    const auto = await push('auto')
    expect(auto.code, failed(auto)).toBe(0)
    expect(gh.requests.filter((r) => r.template?.includes('pulls') || r.template?.includes('comments'))).toEqual([])
    const always = await push('always')
    expect(always.code, failed(always)).toBe(0)
    expect(always.outputs.result).toBe('fail')
    expect(comments.on(12)).toHaveLength(1)
    expect(always.outputs['comment-url']).toBe(comments.on(12)[0]!.html_url)
  })
})

describe.concurrent('hostile names and sizes', () => {
  test('hostile entry names, file names and function names render as text', async ({ onTestFinished }) => {
    const { gh, comments } = await github(onTestFinished)
    const hostileScript = 'we|rd `x` <img src=x onerror=alert(1)> @org-team 名前.py'
    const hostileQualname = '<!-- x --> </details> `|` @org/team <script>alert(1)</script> ' + 'ü'.repeat(300)
    const rename = (source: string) =>
      `${source}\ntotal.__code__ = total.__code__.replace(co_qualname=${JSON.stringify(hostileQualname)})\n`
    const script = (source: string) => `${rename(source)}\nwork()\n`
    const entry = `@org/team | \`x\` <!-- <b>名前</b>=${hostileScript}`
    const base = measure(rename(BASE), { [hostileScript]: script(BASE) }, [entry])
    const result = await pullRequestRun(gh, {
      inputs: { 'entry-points': entry, 'baseline-path': base },
      source: rename(HEAD),
      files: { [hostileScript]: script(HEAD) },
    })
    expect(result.code, failed(result)).toBe(0)
    const [comment] = comments.on(7)
    const body = String(comment!.body)
    expect(body.split('\n')[0]).toBe(MARKER)
    const rendered = html(body)
    // The only HTML comment is the marker: hostile text shows in code, escaped or fenced.
    expect(rendered.match(/<!--/g)).toHaveLength(1)
    expect(rendered).not.toMatch(/<img|<script|<b>/)
    const outsideCode = rendered.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '')
    expect(outsideCode).not.toMatch(/@org/)
    expect((rendered.match(/<details>/g) ?? []).length).toBe((rendered.match(/<\/details>/g) ?? []).length)
    for (const table of rendered.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
      const widths = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => (r[1]!.match(/<t[hd][ >]/g) ?? []).length)
      expect(new Set(widths).size).toBe(1)
    }
    expect(rendered).toContain('名前')
    // Shown as text in the functions table: the qualname (shortened) and the script's path.
    expect(rendered).toContain('<td align="left"><code>&lt;!-- x --&gt; &lt;/details&gt; `|` @…üüü')
    expect(rendered).toContain('<code>we|rd `x` &lt;img src=x onerror=alert(1)&gt; @org-team 名前.py:12</code></a>')
  })

  test('a huge bytecode diff keeps the comment under 65,536 characters and says where the rest is', async ({
    onTestFinished,
  }) => {
    const { gh, comments } = await github(onTestFinished)
    // 80 functions with half of their 20 statements changed: over 100 kB of diff. (Many small changes, not one
    // long run of replacements, which difflib aligns in quadratic time.)
    const functions = (scale: number) =>
      Array.from(
        { length: 80 },
        (_, f) =>
          `def f${f}(x):\n` +
          Array.from({ length: 20 }, (_, i) => `    x = x * ${i < 10 ? scale : 2} + ${i}\n`).join('') +
          '    return x\n',
      ).join('\n')
    const source = (scale: number) =>
      `${functions(scale)}\n\ndef work():\n    return [globals()[f"f{i}"](1) for i in range(80)]\n`
    const base = measure(source(2))
    const result = await pullRequestRun(gh, { source: source(3), inputs: { 'baseline-path': base } })
    expect(result.code, failed(result)).toBe(0)
    const body = String(comments.on(7)[0]!.body)
    expect(body.length).toBeLessThanOrEqual(65_536)
    expect(body.length).toBeGreaterThan(30_000)
    expect(body).toContain('characters, this report leaves out:')
    expect(body).toMatch(/bytecode diffs of <code>f\d+<\/code>, .* and \d+ more/)
    expect(body).toContain('The full report is in the [job summary](')
    // The job summary has room for all of it.
    expect(result.summary.length).toBeGreaterThan(body.length * 3)
    expect(result.summary).not.toContain('this report leaves out')
    const fences = body.split('\n').filter((l) => /^`{3,}/.test(l))
    expect(fences.length % 2).toBe(0)
  })
})

describe.concurrent('the workflow_run mode for fork pull requests', () => {
  const FORK = 'contributor/octo-repo'

  /** A fork's pull request run that uploaded its results, a baseline on main, and the pull request itself. */
  async function forkSetup(onTestFinished: OnFinished, resultsFile: Record<string, string>) {
    const { gh, comments } = await github(onTestFinished)
    comments.addPull({ number: 9, headSha: HEAD_SHA, baseSha: BASE_SHA, fork: FORK, associated: false })
    // Another fork's pull request at the same commit: the run's head owner and branch (from GitHub's event) pick #9.
    comments.addPull({ number: 10, headSha: HEAD_SHA, baseSha: BASE_SHA, fork: 'someone/octo-repo', associated: false })
    const prRun = gh.addRun({
      head_sha: HEAD_SHA,
      event: 'pull_request',
      head_branch: 'feature',
      head_repository: { id: 99, owner: 'contributor', name: 'octo-repo' },
    })
    gh.addArtifact(prRun, { name: 'bytescope-results', files: resultsFile })
    const mainRun = gh.addRun({ head_sha: BASE_SHA })
    gh.addArtifact(mainRun, {
      name: 'bytescope-baseline',
      files: { 'bytescope-results.json': readFileSync(baselinePath, 'utf8') },
    })
    const run = (inputs: Record<string, string> = {}) =>
      runAction({
        server: gh,
        // The trusted workflow checks out the default branch: the base version of the code, never the fork's.
        inputs: { ...INPUTS, ...inputs },
        event: 'workflow_run',
        eventPayload: workflowRunEvent(gh, {
          runId: Number(prRun.id),
          headSha: HEAD_SHA,
          headBranch: 'feature',
          event: 'pull_request',
          fork: FORK,
        }),
        workspace: project(BASE),
      })
    return { gh, comments, run }
  }

  test('finds the pull request by head commit, compares the uploaded results and comments', async ({
    onTestFinished,
  }) => {
    const headResults = readFileSync(measure(HEAD), 'utf8')
    const { gh, comments, run } = await forkSetup(onTestFinished, { 'results.json': headResults })
    const result = await run()
    expect(result.code, failed(result)).toBe(0)
    // Nothing of the fork ran here: the harness did not run, and the comparison is the fork's code against main's.
    expect(result.stdout + result.stderr).not.toContain('bytescope run:')
    const [comment] = comments.on(9)
    expect(comment, failed(result)).toBeDefined()
    const body = String(comment!.body)
    expect(body.split('\n')[0]).toBe(MARKER)
    expect(body).toContain('<summary><code>total</code>')
    expect(body).toMatch(/^\+\s+LOAD_ATTR\s+qty\s+[\d,]+×$/m)
    expect(body).toContain(`/blob/${HEAD_SHA}/bench.py#L`)
    expect(result.outputs['comment-url']).toBe(comment!.html_url)
    // Found through the pulls API (the commit look-up knows nothing of fork heads), by the run's head commit.
    const looked = gh.requests
      .filter((r) => r.template?.includes('/pulls'))
      .map((r) => `${r.template} ${r.query.get('head') ?? ''}`.trim())
    expect(looked).toEqual([
      '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      '/repos/{owner}/{repo}/pulls contributor:feature',
      '/repos/{owner}/{repo}/pulls/{pull_number}',
    ])
    // A second completed run updates the same comment.
    const again = await run()
    expect(again.code, failed(again)).toBe(0)
    expect(comments.on(9)).toHaveLength(1)
    expect(comments.on(10)).toHaveLength(0)
  })

  test('an artifact that is not a results file is an error of one line, and nothing is posted', async ({
    onTestFinished,
  }) => {
    const { comments, run } = await forkSetup(onTestFinished, {
      'results.json': '{"schema_version": 1, "entries": "<img src=x>"}',
    })
    const result = await run()
    expect(result.code).toBe(1)
    expect(result.outputs.result).toBe('error')
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('artifact bytescope-results of run')
    expect(errors[0]).toContain('is not a bytescope results file')
    expect(comments.on(9)).toHaveLength(0)
  })
})
