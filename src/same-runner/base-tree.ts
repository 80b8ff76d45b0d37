// The base side of a same-runner comparison: the base commit checked out as a detached `git worktree` beside the
// workspace. actions/checkout fetches one commit by default, so a missing base is fetched (depth 1, with the
// credentials checkout left in the repository's git config). The worktree is removed when the comparison ends,
// also when it fails or the job is cancelled (SIGINT/SIGTERM, after what runs in it has stopped).
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'
import { onCancel, OWN_GROUP, track } from '../cancellation.js'

/** Why the base tree cannot be had, in one line (the caller falls back to the artifact, or fails when asked to). */
export class BaseTreeError extends Error {
  override name = 'BaseTreeError'
}

export interface BaseTree {
  /** The base commit's full SHA. */
  commit: string
  /** The worktree's root (the base's counterpart of the repository root). */
  root: string
  /** The repository root of the workspace (head). */
  headRoot: string
  remove(): void
}

const FULL_SHA = /^[0-9a-f]{40}$/i

/** The root of the git checkout holding `projectDir` (head's tree). */
export async function repositoryRoot(projectDir: string): Promise<string> {
  const top = await git(['rev-parse', '--show-toplevel'], projectDir)
  if (top.code !== 0) throw new BaseTreeError(`${projectDir} is not in a git checkout (${top.error})`)
  return top.stdout.trim()
}

/** Checks out `ref` (a SHA or a ref git knows) of the repository at `headRoot` under `tempRoot`. */
export async function checkoutBase(headRoot: string, ref: string, tempRoot: string): Promise<BaseTree> {
  let commit = await resolveCommit(headRoot, ref)
  if (commit === null) {
    if (!FULL_SHA.test(ref)) throw new BaseTreeError(`${JSON.stringify(ref)} is not a commit of this repository`)
    const fetched = await git(['fetch', '--no-tags', '--depth=1', 'origin', ref], headRoot, 300_000)
    if (fetched.code !== 0)
      throw new BaseTreeError(`could not fetch the base commit ${ref} from origin: ${fetched.error}`)
    commit = await resolveCommit(headRoot, ref)
    if (commit === null) throw new BaseTreeError(`the base commit ${ref} is still missing after fetching it`)
  }
  let root: string
  try {
    root = mkdtempSync(path.join(tempRoot, 'bytescope-base-'))
  } catch (error) {
    throw new BaseTreeError(`could not make a directory for the base checkout in ${tempRoot}: ${errorText(error)}`)
  }
  // On cancellation the harness measuring in the worktree is stopped first (src/cancellation.ts).
  const forget = onCancel(() => removeWorktree(headRoot, root), 'removed the base checkout')
  const remove = () => {
    forget()
    removeWorktree(headRoot, root)
  }
  const added = await git(['worktree', 'add', '--detach', '--force', root, commit], headRoot, 300_000)
  if (added.code !== 0) {
    remove()
    throw new BaseTreeError(`could not check out the base commit ${commit.slice(0, 12)} as a worktree: ${added.error}`)
  }
  return { commit, root, headRoot, remove }
}

async function resolveCommit(repo: string, ref: string): Promise<string | null> {
  const found = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], repo)
  return found.code === 0 ? found.stdout.trim() : null
}

/** Synchronous, so it also runs from a signal handler; never throws (a leftover is reported by `git worktree`). */
function removeWorktree(repo: string, root: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', '--force', root], { cwd: repo, stdio: 'ignore' })
  rmSync(root, { recursive: true, force: true })
  spawnSync('git', ['worktree', 'prune'], { cwd: repo, stdio: 'ignore' })
}

interface GitResult {
  code: number | null
  stdout: string
  /** The last line git wrote to stderr, or why it did not run. */
  error: string
}

/** `git ARGS` in `cwd`, never prompting for credentials (a prompt would hang the job). */
export function git(args: string[], cwd: string, timeoutMs = 60_000): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' },
      timeout: timeoutMs,
      ...OWN_GROUP,
    })
    const untrack = track(child, 'git')
    child.on('exit', untrack)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-10_000)))
    child.on('error', (error) => resolve({ code: null, stdout, error: `git did not run: ${error.message}` }))
    child.on('close', (code, signal) => {
      const last = stderr.trim().split(/\r?\n/).pop()?.trim()
      resolve({ code, stdout, error: last || (signal ? `git was stopped (${signal})` : `git exited ${code}`) })
    })
  })
}

function errorText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message
}
