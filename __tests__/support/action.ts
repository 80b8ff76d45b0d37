// Runs the bundled action as GitHub runs it: `node <bundle>` with INPUT_* variables (defaults from action.yml, as
// the runner supplies them), GITHUB_* variables, an event payload file, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY
// files, against a local GitHub (./github-server.ts).
//
//   const result = await runAction({ server: gh, inputs: { 'entry-points': 'x.py' }, event: 'push', eventPayload: pushEvent(gh) })
//   result.code, result.stdout, result.stderr, result.outputs.result, result.summary
//
// The bundle is `process.env.BYTESCOPE_ACTION ?? 'dist/index.js'` (several people bundle at once; see BRIEF);
// BYTESCOPE_PYTHON_DIR is passed through. Event payloads are GitHub's real webhook examples
// (@octokit/webhooks-examples) with the repository, refs and SHAs swapped for the test's:
//
//   pullRequestEvent(gh, { action: 'synchronize', number: 7, baseSha, headSha, fork: 'evil/octo-repo' })
//   pushEvent(gh, { ref: 'refs/heads/main', before, after })
//   workflowRunEvent(gh, { headSha, pullRequests: [...] })
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import type { GitHubServer } from './github-server.js'
import { repositoryObject } from './github-server.js'

type Json = Record<string, unknown>

export interface RunOptions {
  server?: GitHubServer
  /** Action inputs by their action.yml names; unset ones get action.yml's default. */
  inputs?: Record<string, string>
  /** Extra environment (wins over everything else). */
  env?: Record<string, string>
  event?: string
  eventPayload?: Json
  /** GITHUB_WORKSPACE and the process's cwd; a fresh temporary directory by default. */
  workspace?: string
  /** CLI arguments after the bundle path (for local mode). */
  args?: string[]
  timeoutMs?: number
  /** Cancel the run as the runner does (SIGTERM) once its stdout matches this. */
  cancelWhen?: RegExp
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** The temporary directory holding the event, output and summary files. */
  dir: string
  workspace: string
}

export function actionBundle(): string {
  return resolve(process.env.BYTESCOPE_ACTION ?? 'dist/index.js')
}

/** Inputs and their defaults, read from action.yml (the runner sets every input, defaulted or not). */
export function actionDefaults(): Record<string, string> {
  const text = readFileSync(resolve('action.yml'), 'utf8')
  const inputs = text.slice(text.indexOf('\ninputs:'), text.indexOf('\noutputs:'))
  const defaults: Record<string, string> = {}
  let current: string | null = null
  for (const line of inputs.split('\n')) {
    const name = /^ {2}([\w-]+):\s*$/.exec(line)
    if (name) current = name[1]!
    const value = /^ {4}default:\s*(.*)$/.exec(line)
    if (current && value) defaults[current] = value[1]!.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1')
  }
  return defaults
}

export async function runAction(options: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bytescope-action-'))
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), 'bytescope-workspace-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const eventFile = join(dir, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, JSON.stringify(options.eventPayload ?? {}))

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_)/.test(k) && k !== 'CI'),
  ) as Record<string, string>
  const inputs: Record<string, string> = { ...actionDefaults(), ...options.inputs }
  const env: Record<string, string> = {
    ...inherited,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event ?? 'push',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    GITHUB_SHA: eventSha(options.eventPayload),
    GITHUB_REF: eventRef(options.event ?? 'push', options.eventPayload),
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'bytescope',
    GITHUB_ACTOR: 'octocat',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...options.server?.env,
  }
  // A `${{ ... }}` default is an expression the runner evaluates; the server's token stands in for github.token.
  if (!('github-token' in (options.inputs ?? {}))) inputs['github-token'] = options.server?.token ?? ''
  for (const [name, value] of Object.entries(inputs)) {
    // As @actions/core's getInput spells it: spaces become underscores, hyphens stay.
    if (!value.startsWith('${{')) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  if (process.env.BYTESCOPE_PYTHON_DIR) env.BYTESCOPE_PYTHON_DIR = process.env.BYTESCOPE_PYTHON_DIR
  Object.assign(env, options.env)

  const child = spawn(process.execPath, [actionBundle(), ...(options.args ?? [])], { cwd: workspace, env })
  let stdout = ''
  let stderr = ''
  let cancelled = false
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    if (!cancelled && options.cancelWhen?.test(stdout)) cancelled = child.kill('SIGTERM')
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 100_000)
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)))
  clearTimeout(timer)
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    dir,
    workspace,
  }
}

/** Parses a GITHUB_OUTPUT file: `name<<DELIMITER` heredocs (what @actions/core writes) and `name=value` lines. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1)
      if (end < 0) throw new Error(`GITHUB_OUTPUT: unterminated value for ${heredoc[1]}`)
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

function eventSha(payload: Json | undefined): string {
  const pr = payload?.pull_request as { head?: { sha?: string } } | undefined
  const run = payload?.workflow_run as { head_sha?: string } | undefined
  return pr?.head?.sha ?? (payload?.after as string | undefined) ?? run?.head_sha ?? '0'.repeat(40)
}

function eventRef(event: string, payload: Json | undefined): string {
  if (event.startsWith('pull_request') && payload?.number) return `refs/pull/${String(payload.number)}/merge`
  return (payload?.ref as string | undefined) ?? 'refs/heads/main'
}

const require = createRequire(import.meta.url)
let webhookExamples: { name: string; examples: Json[] }[] | undefined

function webhookExample(event: string, matches: (example: Json) => boolean): Json {
  webhookExamples ??= require('@octokit/webhooks-examples') as { name: string; examples: Json[] }[]
  const found = webhookExamples.find((e) => e.name === event)?.examples.find(matches)
  if (!found) throw new Error(`no matching webhook example for ${event}`)
  return structuredClone(found)
}

/** The webhook `repository` object, pointed at the server's repository. */
function webhookRepository(gh: GitHubServer, example: Json, repo = gh.state.repo): Json {
  const fullName = `${repo.owner}/${repo.name}`
  return {
    ...example,
    id: repo.id,
    name: repo.name,
    full_name: fullName,
    default_branch: gh.state.repo.defaultBranch,
    owner: { ...(example.owner as Json), login: repo.owner },
    url: gh.api(`/repos/${fullName}`),
    html_url: `https://github.com/${fullName}`,
    fork: repo !== gh.state.repo,
  }
}

export interface PullRequestEventOptions {
  action?: 'opened' | 'synchronize' | 'reopened'
  number?: number
  baseRef?: string
  baseSha?: string
  headRef?: string
  headSha?: string
  /** `owner/name` of a fork the pull request comes from; the same repository by default. */
  fork?: string
}

export function pullRequestEvent(gh: GitHubServer, options: PullRequestEventOptions = {}): Json {
  const payload = webhookExample('pull_request', (e) => e.action === (options.action ?? 'opened'))
  const number = options.number ?? 7
  const pr = payload.pull_request as Json & { base: Json; head: Json }
  const repository = webhookRepository(gh, payload.repository as Json)
  const [forkOwner, forkName] = options.fork?.split('/') ?? []
  const headRepo = options.fork
    ? webhookRepository(gh, payload.repository as Json, {
        id: gh.state.repo.id + 1,
        owner: forkOwner!,
        name: forkName!,
        defaultBranch: 'main',
      })
    : repository
  Object.assign(pr, {
    number,
    url: gh.api(`/repos/${repository.full_name as string}/pulls/${number}`),
    html_url: `https://github.com/${repository.full_name as string}/pull/${number}`,
    base: {
      ...pr.base,
      ref: options.baseRef ?? gh.state.repo.defaultBranch,
      sha: options.baseSha ?? pr.base.sha,
      repo: repository,
      label: `${gh.state.repo.owner}:${options.baseRef ?? gh.state.repo.defaultBranch}`,
    },
    head: {
      ...pr.head,
      ref: options.headRef ?? 'feature',
      sha: options.headSha ?? pr.head.sha,
      repo: headRepo,
      label: `${String((headRepo.owner as Json).login)}:${options.headRef ?? 'feature'}`,
    },
  })
  return { ...payload, number, repository }
}

export function pushEvent(gh: GitHubServer, options: { ref?: string; before?: string; after?: string } = {}): Json {
  const base = webhookExample('push', (e) => String(e.ref).startsWith('refs/heads/'))
  const after = options.after ?? (base.after as string)
  return {
    ...base,
    ref: options.ref ?? `refs/heads/${gh.state.repo.defaultBranch}`,
    before: options.before ?? (base.before as string),
    after,
    head_commit: { ...(base.head_commit as Json), id: after },
    repository: webhookRepository(gh, base.repository as Json),
  }
}

export function workflowRunEvent(
  gh: GitHubServer,
  options: {
    runId?: number
    headSha?: string
    headBranch?: string
    event?: string
    pullRequests?: Json[]
    fork?: string
  } = {},
): Json {
  const payload = webhookExample('workflow_run', (e) => e.action === 'completed')
  const run = payload.workflow_run as Json
  const repository = webhookRepository(gh, payload.repository as Json)
  const [forkOwner, forkName] = options.fork?.split('/') ?? []
  const headRepo = options.fork
    ? { id: gh.state.repo.id + 1, owner: forkOwner!, name: forkName!, defaultBranch: 'main' }
    : gh.state.repo
  Object.assign(run, {
    id: options.runId ?? 800001,
    head_sha: options.headSha ?? run.head_sha,
    head_branch: options.headBranch ?? 'feature',
    event: options.event ?? 'pull_request',
    status: 'completed',
    conclusion: 'success',
    pull_requests: options.pullRequests ?? [],
    repository: repositoryObject(gh, gh.state.repo),
    head_repository: repositoryObject(gh, headRepo),
  })
  return { ...payload, repository }
}
