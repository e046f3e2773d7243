import * as actionsExec from '@actions/exec'
import { spawn } from 'node:child_process'
import { constants as osConstants } from 'node:os'
import { untrusted } from './untrusted.js'

export interface ExecResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

export interface ExecOptions {
  /** Bytes for the child's standard input (how passwords reach a CLI: never through argv). */
  readonly input?: Buffer
  /** Keep the child's output out of the log (for commands whose output is data). */
  readonly silent?: boolean
  /** Return a failing result instead of throwing. */
  readonly allowFailure?: boolean
  readonly env?: Readonly<Record<string, string>>
}

export class ExecError extends Error {
  constructor(
    readonly command: string,
    readonly result: ExecResult
  ) {
    super(`\`${command}\` exited with code ${result.exitCode}${tail(result.stderr)}`)
    this.name = 'ExecError'
  }
}

function tail(stderr: string): string {
  const lines = stderr.trim().split('\n').slice(-8).join('\n')
  return lines === '' ? '' : `:\n${lines}`
}

/** The whole command as one line, each argument that needs it quoted, for errors and the log. */
export function commandLine(program: string, args: readonly string[]): string {
  return [program, ...args]
    .map(word => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}

/** Complete lines out of one stream's chunks; `rest` hands over an unfinished last line once. */
function lineReader(): {
  readonly lines: (chunk: Buffer) => string[]
  readonly rest: () => string
} {
  let pending = ''
  return {
    lines: chunk => {
      const lines = (pending + chunk.toString('utf8')).split('\n')
      pending = lines.pop() ?? ''
      return lines
    },
    rest: () => {
      const last = pending
      pending = ''
      return last
    }
  }
}

/**
 * Each stream's complete lines, chunk by chunk, through the fence: what a child prints is
 * never read by the runner as a workflow command.
 */
function fencedStreams(): {
  readonly listeners: { stdout: (data: Buffer) => void; stderr: (data: Buffer) => void }
  readonly flush: () => void
} {
  const readers = { stdout: lineReader(), stderr: lineReader() }
  const listener =
    (name: keyof typeof readers) =>
    (data: Buffer): void => {
      const lines = readers[name].lines(data)
      if (lines.length > 0) untrusted(`${lines.join('\n')}\n`)
    }
  return {
    listeners: { stdout: listener('stdout'), stderr: listener('stderr') },
    flush: () => {
      untrusted(
        [readers.stdout.rest(), readers.stderr.rest()].filter(text => text !== '').join('\n')
      )
    }
  }
}

/**
 * Run a program with an argv array (never a shell string) and capture its output; unless
 * silent, the command and its output go to the log inside the untrusted-text fence.
 */
export async function exec(
  program: string,
  args: readonly string[],
  options: ExecOptions = {}
): Promise<ExecResult> {
  const shown = options.silent !== true
  if (shown) untrusted(`[command]${commandLine(program, args)}`)
  const fenced = shown ? fencedStreams() : undefined
  const result = await actionsExec.getExecOutput(program, [...args], {
    ignoreReturnCode: true,
    // @actions/exec would copy the output to stdout as it is; the listeners fence it instead.
    silent: true,
    ...(fenced === undefined ? {} : { listeners: fenced.listeners }),
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.env === undefined
      ? {}
      : { env: { ...(process.env as Record<string, string>), ...options.env } })
  })
  fenced?.flush()
  if (result.exitCode !== 0 && options.allowFailure !== true) {
    throw new ExecError(commandLine(program, args), result)
  }
  return result
}

export interface StreamOptions {
  /** Each line of stdout and stderr as it arrives, without its line break. */
  readonly onLine: (line: string) => void
  /** Aborting sends SIGTERM; the result still comes once the child has exited. */
  readonly signal?: AbortSignal
  readonly env?: Readonly<Record<string, string>>
}

/**
 * Run a program and hand over its output line by line (for logs that are kept whole or
 * filtered); the result carries the exit code and both streams, as `exec` does.
 */
export function execStreaming(
  program: string,
  args: readonly string[],
  options: StreamOptions
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env === undefined ? process.env : { ...process.env, ...options.env }
    })
    const streams = { stdout: [] as Buffer[], stderr: [] as Buffer[] }
    for (const name of ['stdout', 'stderr'] as const) {
      const reader = lineReader()
      child[name].on('data', (chunk: Buffer) => {
        streams[name].push(chunk)
        for (const line of reader.lines(chunk)) options.onLine(line)
      })
      child[name].on('end', () => {
        const last = reader.rest()
        if (last !== '') options.onLine(last)
      })
    }
    const stop = (): void => {
      child.kill('SIGTERM')
    }
    if (options.signal?.aborted === true) stop()
    options.signal?.addEventListener('abort', stop, { once: true })
    child.on('error', error => {
      options.signal?.removeEventListener('abort', stop)
      reject(error)
    })
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', stop)
      resolve({
        exitCode: code ?? (signal === null ? 1 : 128 + osConstants.signals[signal]),
        stdout: Buffer.concat(streams.stdout).toString('utf8'),
        stderr: Buffer.concat(streams.stderr).toString('utf8')
      })
    })
  })
}
