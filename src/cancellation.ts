// Cancellation. GitHub cancels a job with SIGINT, then SIGTERM, then kills what is left; a terminal sends SIGINT on
// Ctrl-C. On the first of them the running children (the harness, git) get the signal too, in their own process
// groups: the harness then kills its workers and whatever the entries started. After a short wait the rest is
// killed, the cleanups run (the base worktree is removed) and the process exits non-zero with one line. Until then no
// child's result is delivered, so the pipeline never goes on to the next round with a half-stopped harness.
import type { ChildProcess } from 'node:child_process'
import { constants } from 'node:os'

/** How long the children have to stop after the signal before they are killed. */
export const GRACE_MS = 5_000
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** Running children and what each is ("the harness"), for the last line. */
const children = new Map<ChildProcess, string>()
/** Cleanups and what each did, for the last line. */
const cleanups = new Map<() => void, string>()
let cancelledBy: NodeJS.Signals | null = null

/** The signal the process is being cancelled by, or null. */
export function cancelled(): NodeJS.Signals | null {
  return cancelledBy
}

/** Options for `spawn`: the child leads its own process group (POSIX), so a signal reaches all it starts. */
export const OWN_GROUP = { detached: process.platform !== 'win32' } as const

/** Stops `child` (spawned with OWN_GROUP; `what` it is) on cancellation; call the result once it has exited. */
export function track(child: ChildProcess, what: string): () => void {
  children.set(child, what)
  listen()
  return () => {
    children.delete(child)
    listen()
  }
}

/**
 * Runs `cleanup` (synchronous, must not throw) on cancellation, after the children stopped; `done` says what it did
 * ("removed the base checkout"). Call the result when it is no longer needed.
 */
export function onCancel(cleanup: () => void, done: string): () => void {
  cleanups.set(cleanup, done)
  listen()
  return () => {
    cleanups.delete(cleanup)
    listen()
  }
}

/** Sends `signal` to the child's process group (its own process elsewhere); never throws. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (OWN_GROUP.detached && child.pid !== undefined) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    // already gone
  }
}

/** SIGTERM to the child's group, SIGKILL after GRACE_MS if it is still running. */
export function stop(child: ChildProcess): void {
  signalGroup(child, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), GRACE_MS)
  timer.unref()
  child.once('exit', () => clearTimeout(timer))
}

// The handlers are installed only while there is something to stop or clean up: otherwise a signal ends the
// process as it would without bytescope.
let listening = false
function listen(): void {
  const wanted = children.size > 0 || cleanups.size > 0 || cancelledBy !== null
  if (wanted === listening) return
  listening = wanted
  for (const signal of SIGNALS) {
    if (wanted) process.on(signal, cancel)
    else process.off(signal, cancel)
  }
}

function cancel(signal: NodeJS.Signals): void {
  // GitHub's SIGTERM after its SIGINT: the first one is being handled.
  if (cancelledBy !== null) return
  cancelledBy = signal
  listen()
  // Said at once: stopping may take the whole grace period, and a terminal user should not press Ctrl-C again.
  process.stderr.write(`bytescope: ${signal} received; stopping (up to ${GRACE_MS / 1000} s)\n`)
  const tracked = [...children].filter(([child]) => child.exitCode === null && child.signalCode === null)
  const running = tracked.map(([child]) => child)
  const exited = running.map((child) => new Promise((done) => child.once('exit', done)))
  for (const child of running) signalGroup(child, signal)
  const timer = setTimeout(() => running.forEach((child) => signalGroup(child, 'SIGKILL')), GRACE_MS)
  void Promise.all(exited).then(() => {
    clearTimeout(timer)
    const done = [...new Set(tracked.map(([, what]) => `stopped ${what}`))]
    for (const [cleanup, what] of [...cleanups].reverse()) {
      cleanup()
      done.push(what)
    }
    process.stderr.write(`bytescope: cancelled by ${signal}${done.length ? `: ${done.join(', ')}` : ''}\n`)
    process.exit(128 + constants.signals[signal])
  })
}
