// The action's log, where text that came from the user's code or an artifact (entry names, progress, exception
// messages, captured output, skip reasons) is echoed with workflow commands switched off, so a `::set-output` or
// `::add-mask` in it is shown, never obeyed. The log owns stdout: every other write to it (our info lines, and
// @actions/core's annotations, warnings, notices, groups and setFailed, wherever in the code they are called) first
// closes an open stop-commands block, so our own commands are always live.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'

export interface Log {
  /** Our own line: may hold workflow commands. */
  info(line: string): void
  /** Text from the user's code or an artifact: shown verbatim, never interpreted. */
  untrusted(text: string): void
  startGroup(title: string): void
  endGroup(): void
  /** Everything echoed so far is out; workflow commands are on again. */
  close(): void
}

/** Where the log writes: process.stdout, or a stand-in with the same `write`. */
type Stream = Pick<NodeJS.WriteStream, 'write'>

/**
 * A log for GitHub Actions: untrusted text goes between `::stop-commands::TOKEN` and `::TOKEN::`. It takes over
 * `stream.write` so that nothing else can write inside the block.
 */
export function actionsLog(stream: Stream = process.stdout): Log {
  const write = stream.write.bind(stream) as (text: string) => boolean
  let token: string | null = null
  const resume = () => {
    if (token === null) return
    write(`::${token}::\n`)
    token = null
  }
  stream.write = ((...args: Parameters<Stream['write']>) => {
    resume()
    return (write as (...a: Parameters<Stream['write']>) => boolean)(...args)
  }) as Stream['write']
  return {
    info: (line) => core.info(line),
    untrusted(text) {
      if (text === '') return
      if (token === null) {
        token = `bytescope-${randomUUID()}`
        write(`::stop-commands::${token}\n`)
      }
      write(text.endsWith('\n') ? text : `${text}\n`)
    },
    startGroup: (title) => core.startGroup(title),
    endGroup: () => core.endGroup(),
    close: resume,
  }
}

/** A log for a terminal: nothing to protect, groups become headings. */
export function consoleLog(write: (text: string) => void = (text) => process.stderr.write(text)): Log {
  const line = (text: string) => write(text.endsWith('\n') ? text : `${text}\n`)
  return {
    info: line,
    untrusted: (text) => text !== '' && line(text),
    startGroup: (title) => line(title),
    endGroup: () => undefined,
    close: () => undefined,
  }
}
