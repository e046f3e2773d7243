/**
 * A step's stdout read the way GitHub's runner reads it, to see which workflow commands it
 * would carry out: each line with its leading whitespace trimmed; `::name props::value` at the
 * start of that line, or a legacy `##[name props]value` anywhere in it; nothing but the
 * resume token while `::stop-commands::TOKEN` is in force. Only command names the runner
 * knows count, as on the runner.
 */
const KNOWN = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning'
])

export interface CarriedOut {
  readonly name: string
  readonly properties: string
  readonly value: string
  /** 1-based line number in stdout. */
  readonly line: number
}

function parse(line: string): Omit<CarriedOut, 'line'> | undefined {
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end !== -1) {
      const info = trimmed.slice(2, end)
      const space = info.indexOf(' ')
      return {
        name: space === -1 ? info : info.slice(0, space),
        properties: space === -1 ? '' : info.slice(space + 1),
        value: trimmed.slice(end + 2)
      }
    }
  }
  const start = line.indexOf('##[')
  if (start === -1) return undefined
  const close = line.indexOf(']', start)
  if (close === -1) return undefined
  const info = line.slice(start + 3, close)
  const space = info.indexOf(' ')
  return {
    name: space === -1 ? info : info.slice(0, space),
    properties: space === -1 ? '' : info.slice(space + 1),
    value: line.slice(close + 1)
  }
}

/** Every command the runner would carry out, in order; the fences' own lines included. */
export function carriedOut(stdout: string): CarriedOut[] {
  const commands: CarriedOut[] = []
  let stopToken: string | undefined
  for (const [index, line] of stdout.split(/\r\n|\r|\n/).entries()) {
    const command = parse(line)
    if (command === undefined) continue
    if (stopToken !== undefined) {
      if (command.name === stopToken) {
        stopToken = undefined
        commands.push({ ...command, line: index + 1 })
      }
      continue
    }
    if (command.name === 'stop-commands') {
      stopToken = command.value
      commands.push({ ...command, line: index + 1 })
      continue
    }
    if (KNOWN.has(command.name)) commands.push({ ...command, line: index + 1 })
  }
  return commands
}
