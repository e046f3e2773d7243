/**
 * An error the user can fix: it names what was wrong and what would be valid.
 * `main` turns it into one `::error::` line and exit code 1.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly fix?: string
  ) {
    super(fix ? `${message}. ${fix}` : message)
    this.name = 'ActionError'
  }
}

/** A bad value in one input; the message always starts with the input's name. */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    problem: string,
    fix?: string
  ) {
    super(`input \`${input}\`: ${problem}`, fix)
    this.name = 'InputError'
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
