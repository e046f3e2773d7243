/**
 * Text the action does not control (a build's log, a child process's output, a string read
 * out of an image) reaches the log only inside a fence: the runner stops reading workflow
 * commands until a fresh random token that the text cannot know. Within the fence a line such
 * as `::save-state name=x::y`, `  ::add-mask::z` or `##[set-output name=a;]b` stays text.
 */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'

/** The token a fence ends with: 128 random bits, new for every block. */
function fenceToken(): string {
  return randomBytes(16).toString('hex')
}

/** Print `text` (one or more lines) inside a fence; nothing for an empty text. */
export function untrusted(text: string): void {
  if (text === '') return
  const token = fenceToken()
  core.info(`::stop-commands::${token}`)
  core.info(text.endsWith('\n') ? text.slice(0, -1) : text)
  core.info(`::${token}::`)
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
