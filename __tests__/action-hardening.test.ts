// The bundled action against hostile input, run as GitHub runs it and judged as the runner would: which workflow
// commands in its output are live (./support/runner-commands.ts), what the measured code's environment holds, and
// how it gives up on a GitHub that never answers.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pullRequestEvent, runAction, type RunResult } from './support/action.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { replay, type WorkflowCommand } from './support/runner-commands.js'

const FIXTURE = path.resolve('__tests__/__fixtures__/action-project')
const COMMON = {
  'working-directory': 'project',
  'time-threshold': '500%',
  comment: 'never',
  'upload-baseline': 'false',
}
const BASE_SHA = 'b'.repeat(40)
const HEAD_SHA = 'c'.repeat(40)

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bytescope-hardening-'))
  cpSync(FIXTURE, path.join(dir, 'project'), { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'project', name), text)
  return dir
}

const servers: GitHubServer[] = []
async function server(): Promise<GitHubServer> {
  const gh = await startGitHubServer()
  servers.push(gh)
  return gh
}

let gh: GitHubServer
let baselinePath: string
let baselineText: string

beforeAll(async () => {
  gh = await server()
  const first = await runAction({ server: gh, workspace: workspace(), inputs: COMMON })
  baselinePath = first.outputs['results-path']!
  baselineText = readFileSync(baselinePath, 'utf8')
}, 120_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)))
})

/** A successful default-branch run at `sha` whose baseline artifact holds `results`. */
function addBaseline(local: GitHubServer, sha: string, results: string) {
  local.addArtifact(local.addRun({ head_sha: sha }), {
    name: 'bytescope-baseline',
    files: { 'bytescope-results.json': results },
  })
}

/** A pull request from HEAD_SHA onto BASE_SHA, against `local`. */
function pullRequest(local: GitHubServer, env: Record<string, string> = {}) {
  return runAction({
    server: local,
    event: 'pull_request',
    eventPayload: pullRequestEvent(local, { baseSha: BASE_SHA, headSha: HEAD_SHA }),
    workspace: workspace(),
    inputs: COMMON,
    env,
    timeoutMs: 90_000,
  })
}

const dump = (run: RunResult) => `exit ${run.code}\n${run.stdout}\n${run.stderr}`

/**
 * Live commands the user's code wrote. Its text may be the data of one of ours (an error annotation quoting the
 * exception message): that is shown, not obeyed.
 */
const fromUser = (live: WorkflowCommand[]) =>
  live.filter((c) => c.command === 'add-mask' || c.command === 'set-output' || /^(injected|pwned)/.test(c.message))

describe('workflow commands', () => {
  it("shows bytescope's own annotations live after the harness's output, and none of the user's", async () => {
    // A normal regression run: the harness's last progress line is the last untrusted text before the annotations.
    const loud = [
      'def shout():',
      '    print("::set-output name=result::pwned")',
      '    print("::error file=app/work.py,line=1::injected annotation")',
      '    print("text ##[warning]injected legacy command")',
      '    raise SystemExit("::add-mask::injected")',
      '',
      'def whisper():',
      '    print("::set-output name=result::pwned")',
      '    print("  ::notice::injected after spaces")',
      '',
    ].join('\n')
    const run = await runAction({
      server: gh,
      event: 'pull_request',
      eventPayload: pullRequestEvent(gh),
      workspace: workspace({ 'loud.py': loud }),
      inputs: {
        ...COMMON,
        'baseline-path': baselinePath,
        'entry-points': 'crunch=app.work:crunch\nwhisper=loud:whisper',
      },
      env: { FIXTURE_VARIANT: 'heavier' },
    })
    expect(run.code, dump(run)).toBe(1)
    const { live } = replay(run.stdout)
    const errors = live.filter((c) => c.command === 'error')
    // The diff-view annotation for the regression, and the step's failure.
    const annotation = errors.find((c) => c.properties.title === 'bytescope: crunch regressed')
    expect(annotation?.properties.file, run.stdout).toBe('project/app/work.py')
    expect(errors.filter((c) => !c.properties.title).map((c) => c.message)).toEqual([
      expect.stringMatching(/^bytescope: 1 performance regression /),
    ])
    expect(fromUser(live)).toEqual([])

    // A failing entry's output and message are shown as text too.
    const failing = await runAction({
      server: gh,
      workspace: workspace({ 'loud.py': loud }),
      inputs: { ...COMMON, 'baseline-path': baselinePath, 'entry-points': 'shout=loud:shout' },
    })
    const replayed = replay(failing.stdout)
    expect(replayed.live.filter((c) => c.command === 'error').map((c) => c.properties.title)).toContain(
      'bytescope: shout failed',
    )
    expect(fromUser(replayed.live)).toEqual([])
    expect(replayed.text).toEqual(expect.arrayContaining(['::set-output name=result::pwned']))
  }, 120_000)
})

describe('baseline candidates', () => {
  it('prints a skip reason holding an artifact key with a newline and ::add-mask:: as text', async () => {
    const forged = JSON.parse(baselineText) as { entries: { functions: unknown[] }[] }
    forged.entries[0]!.functions = [
      {
        qualname: 'f',
        filename: 'app/work.py',
        firstlineno: 1,
        lastlineno: 2,
        hash: 'h',
        instructions: [],
        category_counts: { 'x\n::add-mask::leaked-secret': -1 },
      },
    ]
    const local = await server()
    addBaseline(local, 'a'.repeat(40), baselineText)
    addBaseline(local, BASE_SHA, JSON.stringify(forged))
    const run = await pullRequest(local)
    expect(run.code, dump(run)).toBe(0)
    expect(run.outputs.result).toBe('pass')
    const { live, text } = replay(run.stdout)
    expect(text.join('\n')).toMatch(/skipped baseline candidate: .*category_counts\/x\n::add-mask::leaked-secret/)
    expect(live.filter((c) => c.command === 'add-mask')).toEqual([])
  }, 120_000)
})

describe('a GitHub that never answers', () => {
  const stalled = async (stall: (gh: GitHubServer) => void) => {
    const local = await server()
    addBaseline(local, BASE_SHA, baselineText)
    stall(local)
    const started = Date.now()
    const run = await pullRequest(local, { BYTESCOPE_REQUEST_TIMEOUT_MS: '1000' })
    return { run, seconds: (Date.now() - started) / 1000 }
  }

  it('gives up on an API request that never answers, with a clear message, instead of hanging the job', async () => {
    const { run, seconds } = await stalled((local) => local.stallNext('GET', '/repos/{owner}/{repo}/actions/artifacts'))
    expect(run.code, dump(run)).toBe(1)
    const failure = replay(run.stdout).live.find((c) => c.command === 'error' && !c.properties.title)!
    expect(failure.message).toBe(
      'bytescope: cannot list the workflow artifacts that hold baselines: GitHub did not answer within 1 s',
    )
    // Four attempts of a second each, with 1 + 2 + 4 s between them, and the measuring.
    expect(seconds).toBeLessThan(80)
  }, 120_000)

  it('gives up on an artifact download that never answers', async () => {
    const { run } = await stalled((local) => local.stallNext('GET', 'blob'))
    expect(run.code, dump(run)).toBe(1)
    const failure = replay(run.stdout).live.find((c) => c.command === 'error' && !c.properties.title)!
    expect(failure.message).toMatch(
      /^bytescope: cannot download baseline artifact \d+: artifact storage did not answer within 1 s$/,
    )
  }, 120_000)
})

describe('the measured code', () => {
  it('sees no runner credential, action input or step command file in its environment', async () => {
    const dumpFile = path.join(mkdtempSync(path.join(tmpdir(), 'bytescope-env-')), 'env.json')
    const run = await runAction({
      server: gh,
      workspace: workspace({
        'dumpenv.py':
          'import json, os\n\ndef dump():\n    open(os.environ["DUMP_TO"], "w").write(json.dumps(dict(os.environ)))\n',
      }),
      inputs: { ...COMMON, 'entry-points': 'dump=dumpenv:dump', repeat: '1', warmup: '0' },
      env: {
        DUMP_TO: dumpFile,
        GITHUB_TOKEN: 'ghs_from_env',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
        ACTIONS_CACHE_URL: 'https://cache.example',
        ACTIONS_RUNTIME_URL: 'https://runtime.example',
      },
    })
    expect(run.code, dump(run)).toBe(0)
    const seen = JSON.parse(readFileSync(dumpFile, 'utf8')) as Record<string, string>
    const leaked = Object.keys(seen).filter((name) =>
      /^(INPUT_|ACTIONS_RUNTIME_|ACTIONS_RESULTS_URL$|ACTIONS_CACHE_URL$|ACTIONS_ID_TOKEN_REQUEST_|GITHUB_TOKEN$|GITHUB_(OUTPUT|ENV|PATH|STATE|STEP_SUMMARY)$)/.test(
        name,
      ),
    )
    expect(leaked).toEqual([])
    expect(Object.values(seen).join('\n')).not.toContain(gh.token)
    expect(seen.GITHUB_WORKSPACE).toBe(run.workspace)
  }, 120_000)
})
