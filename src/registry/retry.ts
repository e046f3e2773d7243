/** When and how long to wait before trying a registry request again. Pure; table-tested. */

export interface RetryPolicy {
  /** Ceiling of the first retry's wait; doubles with every further retry. */
  readonly baseMs: number
  /** Largest ceiling the doubling reaches. */
  readonly capMs: number
  /** Longest `Retry-After` we wait out; a registry asking for more is waited on for this long. */
  readonly maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 200,
  capMs: 5_000,
  maxRetryAfterMs: 60_000
}

/**
 * `Retry-After` in milliseconds from `now`: delta-seconds or an HTTP date (a date in the
 * past means now). Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Only an IMF-fixdate or its obsolete forms count: `Date.parse('5')` would be a year.
  if (!/[a-z]{3}/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * Milliseconds to wait before retry number `attempt` (0 for the first retry): what the
 * registry's `Retry-After` asks for, else "full jitter" — uniform in
 * [0, min(cap, base * 2^attempt)) — so that many clients failing together spread out.
 */
export function retryDelay(
  attempt: number,
  retryAfterHeader: string | undefined,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  now: number = Date.now()
): number {
  const retryAfter = parseRetryAfter(retryAfterHeader, now)
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs)
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt))
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling)
}

/** 408, 429 and 5xx are worth another try; 501 and 505 say the server never will. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 ||
    status === 429 ||
    (status >= 500 && status <= 599 && ![501, 505].includes(status))
  )
}

/** Whether a `Retry-After` on this status means "wait this long" (RFC 9110 §10.2.3). */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH'
])

/** The `code` of a Node system error; a failed happy-eyeballs connect nests them. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return code
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const innerCode = errorCode(inner)
      if (innerCode !== undefined) return innerCode
    }
  }
  return undefined
}

/** Connection failures a second attempt can cure: resets, refusals, timeouts, hang-ups. */
export function isRetryableError(error: unknown): boolean {
  const code = errorCode(error)
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true
  return error instanceof Error && /socket hang up/i.test(error.message)
}

/**
 * What shows that a TLS handshake failed because the server answered in plain HTTP (its
 * `HTTP/1.1 400` parses as a bogus TLS record), e.g. `wrong version number`; undefined for
 * a bad certificate or a refused connection, which must never downgrade to http.
 */
export function plainHttpSign(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  const sign =
    /wrong version number|packet length too long|http request|WRONG_VERSION_NUMBER/i.exec(
      `${errorCode(error) ?? ''} ${error.message}`
    )
  return sign?.[0]
}
