/**
 * Reads a step's stdout the way the GitHub runner does, so tests see what a workflow run
 * would act on:
 * - each line is looked at on its own, leading whitespace trimmed; `::name props::value` is a
 *   command only at the start of the (trimmed) line, the legacy `##[name props]value`
 *   anywhere in it; only names the runner knows are commands, in any letter case;
 * - `::stop-commands::TOKEN` stops all command processing until a line `::TOKEN::` (or
 *   `##[TOKEN]`); the lines between are text;
 * - `::add-mask::VALUE` hides VALUE as `***` in every later line, and the command itself is
 *   not printed (the runner echoes nothing for it).
 * Every command processed is recorded with its line number, so a test can tell which came
 * from the action and that none came from a build's output.
 */

/** The commands the runner registers (ActionCommandManager and its extensions). */
export const RUNNER_COMMANDS = Object.freeze([
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

// Escapes, undone in this order: the runner's own tables for each part of a command.
const DATA_ESCAPES = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY_ESCAPES = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]
const LEGACY_ESCAPES = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
]

function unescape(text, table) {
  let result = text
  for (const [escaped, plain] of table) result = result.split(escaped).join(plain)
  return result
}

function splitName(info) {
  const space = info.indexOf(' ')
  return space < 0 ? [info, ''] : [info.slice(0, space), info.slice(space + 1)]
}

function properties(text, separator, table) {
  const result = {}
  for (const item of text.split(separator)) {
    if (item === '') continue
    const equals = item.indexOf('=')
    // The runner drops a pair whose name or value is empty.
    if (equals <= 0 || equals === item.length - 1) continue
    result[item.slice(0, equals)] = unescape(item.slice(equals + 1), table)
  }
  return result
}

/** `::name props::value` at the start of the trimmed line. */
function parseCurrent(line, known) {
  const text = line.trimStart()
  if (!text.startsWith('::')) return undefined
  const end = text.indexOf('::', 2)
  if (end < 0) return undefined
  const [name, rest] = splitName(text.slice(2, end))
  if (!known.has(name.toLowerCase())) return undefined
  return {
    command: name.toLowerCase(),
    properties: rest === '' ? {} : properties(rest.trim(), ',', PROPERTY_ESCAPES),
    value: unescape(text.slice(end + 2), DATA_ESCAPES),
    form: '::'
  }
}

/** `##[name props]value` anywhere in the line. */
function parseLegacy(line, known) {
  const start = line.indexOf('##[')
  if (start < 0) return undefined
  const close = line.indexOf(']', start)
  if (close < 0) return undefined
  const [name, rest] = splitName(line.slice(start + 3, close))
  if (!known.has(name.toLowerCase())) return undefined
  return {
    command: name.toLowerCase(),
    properties: rest === '' ? {} : properties(rest, ';', LEGACY_ESCAPES),
    value: unescape(line.slice(close + 1), LEGACY_ESCAPES),
    form: '##['
  }
}

function mask(line, secrets) {
  let result = line
  for (const secret of secrets) result = result.split(secret).join('***')
  return result
}

/**
 * A reader fed the stdout as it arrives. `write` returns the lines a log shows (masked,
 * without `add-mask`), `end` flushes a last line without a newline; `commands` and `masks`
 * grow as lines are read. `knownMasks`: values masked before this step (the runner keeps
 * masks for the whole job, so a post step's log hides what the main step masked).
 */
export function createLogReader(knownMasks = []) {
  const commands = []
  const masks = [...new Set(knownMasks)].filter(value => value.trim() !== '')
  masks.sort((a, b) => b.length - a.length)
  let pending = ''
  let lineNumber = 0
  let stopToken

  function readLine(raw) {
    lineNumber += 1
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const known = new Set(RUNNER_COMMANDS)
    if (stopToken !== undefined) known.add(stopToken.toLowerCase())
    const parsed = parseCurrent(line, known) ?? parseLegacy(line, known)
    if (parsed === undefined) return [mask(line, masks)]
    if (stopToken !== undefined) {
      // Stopped: only the token resumes; everything else is text.
      if (stopToken === '' || parsed.command !== stopToken.toLowerCase()) return [mask(line, masks)]
      stopToken = undefined
      const text = mask(line, masks)
      commands.push({ ...parsed, resumes: true, line: lineNumber, text: text.trimStart() })
      // The runner carries the fence's lines out; its log does not show them.
      return []
    }
    if (parsed.command === 'add-mask') {
      if (parsed.value.trim() !== '' && !masks.includes(parsed.value)) {
        masks.push(parsed.value)
        // Longest first, so a secret that contains another is hidden whole.
        masks.sort((a, b) => b.length - a.length)
      }
      commands.push({ ...parsed, line: lineNumber, text: '::add-mask::***' })
      return []
    }
    const text = mask(line, masks)
    commands.push({ ...parsed, line: lineNumber, text: text.trimStart() })
    if (parsed.command === 'stop-commands') {
      stopToken = parsed.value
      return []
    }
    return [text]
  }

  return {
    commands,
    masks,
    write(text) {
      pending += text
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      return parts.flatMap(readLine)
    },
    end() {
      if (pending === '') return []
      const last = pending
      pending = ''
      return readLine(last)
    }
  }
}

/** The whole of a step's stdout read at once. */
export function readLog(stdout) {
  const reader = createLogReader()
  const lines = [...reader.write(stdout), ...reader.end()]
  return { lines, commands: reader.commands, masks: reader.masks }
}
