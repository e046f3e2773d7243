/** A workflow command the runner would process, where it stood in the step's stdout. */
export interface WorkflowCommand {
  /** Lower case, as the runner matches it: `set-output`, `add-mask`, `error`, ... */
  readonly command: string
  readonly properties: Record<string, string>
  readonly value: string
  /** `::` at the start of a line, or the legacy `##[` anywhere in it. */
  readonly form: '::' | '##['
  /** 1-based line number in stdout. */
  readonly line: number
  /** The line as a log shows it: leading whitespace trimmed, masked values as `***`. */
  readonly text: string
  /** The `::TOKEN::` line that ended a `stop-commands` block. */
  readonly resumes?: true
}

export interface LogReader {
  readonly commands: readonly WorkflowCommand[]
  /** Values registered by `add-mask`, longest first. */
  readonly masks: readonly string[]
  /** Feed stdout as it arrives; returns the complete lines a log shows. */
  write(text: string): string[]
  /** The last line, if stdout did not end with a newline. */
  end(): string[]
}

export declare const RUNNER_COMMANDS: readonly string[]
export declare function createLogReader(knownMasks?: readonly string[]): LogReader
export declare function readLog(stdout: string): {
  lines: string[]
  commands: WorkflowCommand[]
  masks: string[]
}
