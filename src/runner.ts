/**
 * The runner's protocol, and only the part this action uses: inputs from INPUT_* variables,
 * workflow commands on stdout, and the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
 * files. It stands in for @actions/core, whose HTTP client alone made every run load a
 * megabyte of code before its first line (see the cold-start bench).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { EOL } from 'node:os'

function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** An input's value, trimmed; empty when the workflow did not set it. */
export function getInput(name: string): string {
  return (process.env[inputVariable(name)] ?? '').trim()
}

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/** A YAML 1.2 core-schema boolean, as the runner documents inputs; anything else throws. */
export function getBooleanInput(name: string): boolean {
  const value = getInput(name)
  if (TRUE.includes(value)) return true
  if (FALSE.includes(value)) return false
  throw new TypeError(`input ${name} is \`${value}\`, not a boolean`)
}

/** Escapes that keep a message on one command line. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(name: string, message: string, properties: Record<string, string> = {}): void {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  process.stdout.write(`::${name}${props === '' ? '' : ` ${props}`}::${escapeData(message)}${EOL}`)
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`)
}

/** A line the runner shows only with step debug logging on: the reasons behind a decision. */
export function debug(message: string): void {
  command('debug', message)
}

/**
 * Print text that the action does not control (a build's log, a child process's output, a
 * string read out of an image) so that no line of it can act as a workflow command: the
 * runner stops reading commands until a fresh random token that the text cannot know.
 */
export function untrusted(text: string): void {
  if (text === '') return
  const token = randomBytes(16).toString('hex')
  const body = text.endsWith('\n') ? text : `${text}\n`
  process.stdout.write(`::stop-commands::${token}${EOL}${body}::${token}::${EOL}`)
}

/**
 * A line-by-line printer of untrusted text that fences the lines arriving in one turn of the
 * event loop together (one chunk of a child's output), so a long log is not three lines per line.
 */
export function untrustedLines(): (line: string) => void {
  let pending: string[] = []
  return line => {
    if (pending.length === 0) {
      queueMicrotask(() => {
        const lines = pending
        pending = []
        untrusted(`${lines.join('\n')}\n`)
      })
    }
    pending.push(line)
  }
}

export function notice(message: string): void {
  command('notice', message)
}

/** A warning annotation; `title` heads it in the run's summary of annotations. */
export function warning(message: string, properties: { readonly title?: string } = {}): void {
  command('warning', message, properties.title === undefined ? {} : { title: properties.title })
}

export function error(message: string): void {
  command('error', message)
}

/** Fail the step: an error annotation and exit code 1 once the event loop drains. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** From here on the runner masks `secret` in every log line. */
export function setSecret(secret: string): void {
  command('add-mask', secret)
}

export function startGroup(name: string): void {
  command('group', name)
}

export function endGroup(): void {
  command('endgroup', '')
}

/** `work` inside one collapsible log section. */
export async function group<T>(name: string, work: () => Promise<T>): Promise<T> {
  startGroup(name)
  try {
    return await work()
  } finally {
    endGroup()
  }
}

/** `name<<delimiter` lines: a value may span lines, and no value can end the record early. */
function fileRecord(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`${name}: the value holds its own delimiter`)
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

function writeRecord(variable: 'GITHUB_OUTPUT' | 'GITHUB_STATE', name: string, value: string) {
  const file = process.env[variable] ?? ''
  if (file === '') {
    throw new Error(`${variable} is not set: this does not run as a step of a GitHub runner`)
  }
  appendFileSync(file, fileRecord(name, value), 'utf8')
}

export function setOutput(name: string, value: string): void {
  writeRecord('GITHUB_OUTPUT', name, value)
}

/** A value for the post step (read back with getState). */
export function saveState(name: string, value: string): void {
  writeRecord('GITHUB_STATE', name, value)
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

/**
 * Append Markdown (with inline HTML) and a line break to the job summary, so that what the
 * next step appends starts a block of its own; a no-op off a runner.
 */
export async function appendSummary(markdown: string): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY ?? ''
  if (file === '') return
  await appendFile(file, `${markdown}${EOL}`, 'utf8')
}
