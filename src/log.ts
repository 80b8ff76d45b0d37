// The action's log, where text that came from the user's code (entry names, progress, exception messages, captured
// output) is echoed with workflow commands switched off, so a `::set-output` or `::add-mask` printed by the code under
// test is shown, never obeyed. Our own commands (groups, annotations) switch them back on first.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'

export interface Log {
  /** Our own line: may hold workflow commands. */
  info(line: string): void
  /** Text from the user's code: shown verbatim, never interpreted. */
  untrusted(text: string): void
  startGroup(title: string): void
  endGroup(): void
  /** Everything echoed so far is out; workflow commands are on again. */
  close(): void
}

/** A log for GitHub Actions: untrusted text goes between `::stop-commands::TOKEN` and `::TOKEN::`. */
export function actionsLog(write: (text: string) => void = (text) => process.stdout.write(text)): Log {
  let token: string | null = null
  const resume = () => {
    if (token === null) return
    write(`::${token}::\n`)
    token = null
  }
  return {
    info(line) {
      resume()
      core.info(line)
    },
    untrusted(text) {
      if (text === '') return
      if (token === null) {
        token = `bytescope-${randomUUID()}`
        write(`::stop-commands::${token}\n`)
      }
      write(text.endsWith('\n') ? text : `${text}\n`)
    },
    startGroup(title) {
      resume()
      core.startGroup(title)
    },
    endGroup() {
      resume()
      core.endGroup()
    },
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
