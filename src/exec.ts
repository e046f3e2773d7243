import * as actionsExec from '@actions/exec'

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
