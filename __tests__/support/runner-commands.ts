// Replays a step's output the way the Actions runner reads it (actions/runner ActionCommandManager): a line is a
// command when, after leading whitespace, it is `::name props::data`, or when it holds `##[name props]data` anywhere,
// and `name` is a registered command (case-insensitive). `::stop-commands::TOKEN` turns every command off until a
// line that is the command TOKEN (`::TOKEN::`); nothing else is live in between.
//
//   const { live, text } = replay(run.stdout)
//   live: [{ command: 'error', properties: { title: '…' }, message: '…' }]   text: every other line

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

const REGISTERED = [
  'add-mask',
  'add-path',
  'set-env',
  'set-output',
  'save-state',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
]

const decode = (text: string) =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')

function parse(line: string, registered: Set<string>): WorkflowCommand | null {
  const found = (info: string, message: string): WorkflowCommand | null => {
    const space = info.indexOf(' ')
    const command = space < 0 ? info : info.slice(0, space)
    if (!registered.has(command.toLowerCase())) return null
    const properties = Object.fromEntries(
      (space < 0 ? '' : info.slice(space + 1))
        .split(',')
        .filter((p) => p.includes('='))
        .map((p) => [p.slice(0, p.indexOf('=')), decode(p.slice(p.indexOf('=') + 1))]),
    )
    return { command, properties, message: decode(message) }
  }
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    const command = end < 0 ? null : found(trimmed.slice(2, end), trimmed.slice(end + 2))
    if (command) return command
  }
  const prefix = line.indexOf('##[')
  const close = prefix < 0 ? -1 : line.indexOf(']', prefix)
  return close < 0 ? null : found(line.slice(prefix + 3, close), line.slice(close + 1))
}

export function replay(output: string): { live: WorkflowCommand[]; text: string[] } {
  const registered = new Set(REGISTERED)
  const live: WorkflowCommand[] = []
  const text: string[] = []
  let token: string | null = null
  for (const line of output.split('\n').map((l) => l.replace(/\r$/, ''))) {
    const command = parse(line, registered)
    if (token !== null) {
      if (command?.command.toLowerCase() === token) {
        registered.delete(token)
        token = null
      } else text.push(line)
    } else if (command?.command === 'stop-commands') {
      token = command.message.toLowerCase()
      registered.add(token)
    } else if (command) live.push(command)
    else text.push(line)
  }
  return { live, text }
}
