export declare const ROOT: string

export interface ActionYaml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string }
}

export interface StepResult {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly outputs: Record<string, string>
  readonly state: Record<string, string>
  readonly summary: string
  readonly runnerTemp: string
  /** Every `::error::` line the step printed. */
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
  readonly onStdout?: (text: string) => void
}

export declare function actionYaml(): ActionYaml
export declare function parseCommandFile(text: string): Record<string, string>
export declare function inputEnv(overrides: Record<string, string>): Record<string, string>
export declare function runMain(options?: StepOptions): Promise<StepResult>
export declare function runPost(main: StepResult, options?: StepOptions): Promise<StepResult>
export declare function nodeBinaries(): string[]
