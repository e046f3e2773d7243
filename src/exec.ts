import * as actionsExec from '@actions/exec'
import { spawn } from 'node:child_process'
import { constants as osConstants } from 'node:os'

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

/** Run a program with an argv array (never a shell string) and capture its output. */
export async function exec(
  program: string,
  args: readonly string[],
  options: ExecOptions = {}
): Promise<ExecResult> {
  const result = await actionsExec.getExecOutput(program, [...args], {
    ignoreReturnCode: true,
    silent: options.silent ?? false,
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.env === undefined
      ? {}
      : { env: { ...(process.env as Record<string, string>), ...options.env } })
  })
  if (result.exitCode !== 0 && options.allowFailure !== true) {
    throw new ExecError([program, ...args.slice(0, 3)].join(' '), result)
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
      let pending = ''
      child[name].on('data', (chunk: Buffer) => {
        streams[name].push(chunk)
        const text = pending + chunk.toString('utf8')
        const lines = text.split('\n')
        pending = lines.pop() ?? ''
        for (const line of lines) options.onLine(line)
      })
      child[name].on('end', () => {
        if (pending !== '') options.onLine(pending)
        pending = ''
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
