import type { StepResult } from '../../harness/runner.mjs'

/**
 * Everything a person can read of a run: logs, outputs and summary, without the runner's
 * own `::add-mask::` commands (which carry the secrets on purpose, for the runner to mask).
 */
export function readableText(step: StepResult): string {
  return [
    step.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n'),
    step.stderr,
    JSON.stringify(step.outputs),
    step.summary
  ].join('\n')
}

/** The password itself and the base64 `user:password` of auth files: no log may show either. */
export function secretForms(credentials: { username: string; password: string }): string[] {
  return [
    credentials.password,
    Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  ]
}
