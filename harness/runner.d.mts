import type { WorkflowCommand } from './log.mjs'

export type { LogReader, WorkflowCommand } from './log.mjs'
export { RUNNER_COMMANDS, createLogReader, readLog } from './log.mjs'

export declare const ROOT: string

export interface ActionYaml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string }
}

export interface StepResult {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  /** Everything the step printed, byte for byte. */
  readonly stdout: string
  readonly stderr: string
  /**
   * stdout as the runner's log shows it: `add-mask` lines left out, masked values as `***`
   * in every line after their `add-mask`.
   */
  readonly log: string
  /** The workflow commands the runner would process, in order (see harness/log.mjs). */
  readonly commands: readonly WorkflowCommand[]
  readonly outputs: Record<string, string>
  readonly state: Record<string, string>
  readonly summary: string
  /** The GITHUB_STEP_SUMMARY file, kept until removeStepFolders(). */
  readonly summaryFile: string
  readonly runnerTemp: string
  /** Every `error` command the runner would process, as its log line (masked). */
  readonly errors: string[]
}

export interface StepOptions {
  readonly inputs?: Record<string, string>
  readonly env?: Record<string, string>
  /** Node binary; defaults to the one running the caller. */
  readonly node?: string
  readonly cwd?: string
  /** Run the step as this user id (and the same group id), as an unprivileged runner would. */
  readonly uid?: number
  readonly onSpawn?: (pid: number) => void
  /** Run the step inside this network namespace (`ip netns exec`), as root. */
  readonly netns?: string
  /** Raw stdout chunks as they arrive. */
  readonly onStdout?: (text: string) => void
  /** Each complete line as the runner's log shows it (masked, no `add-mask`), as it arrives. */
  readonly onLogLine?: (line: string) => void
}

export declare function actionYaml(): ActionYaml
export declare function parseCommandFile(text: string): Record<string, string>
export declare function inputEnv(overrides: Record<string, string>): Record<string, string>
export declare function runMain(options?: StepOptions): Promise<StepResult>
export declare function runPost(main: StepResult, options?: StepOptions): Promise<StepResult>
export declare function nodeBinaries(): string[]
/** Remove every folder the steps of this process made (runner files, RUNNER_TEMP). */
export declare function removeStepFolders(): void
