/** Requests to one registry at once: enough to hide round trips, few enough for any registry's limits. */
export const REGISTRY_CONCURRENCY = 8

/** `work` over every item, at most `limit` at a time, results in item order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export type Settled<R> =
  | { readonly status: 'done'; readonly value: R }
  | { readonly status: 'failed'; readonly error: unknown }
  /** Ended after another item failed (stopped by the signal, or failing on its way out). */
  | { readonly status: 'stopped'; readonly error: unknown }
  | { readonly status: 'not-started' }

/**
 * `work` over every item, at most `limit` at a time, until one fails: then the signal every
 * running item was given aborts, no item starts, and this waits for the running ones to end.
 * Outcomes come back in item order; the first failure is the one marked `failed`.
 */
export async function settleBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, signal: AbortSignal, index: number) => Promise<R>
): Promise<Settled<R>[]> {
  const outcomes: Settled<R>[] = items.map(() => ({ status: 'not-started' }))
  const controller = new AbortController()
  const aborted = (): boolean => controller.signal.aborted
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && !aborted()) {
      const index = next++
      try {
        outcomes[index] = {
          status: 'done',
          value: await work(items[index] as T, controller.signal, index)
        }
      } catch (error) {
        outcomes[index] = { status: aborted() ? 'stopped' : 'failed', error }
        controller.abort()
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return outcomes
}

/**
 * `work` over every item, at most `limit` at a time, results in item order; on the first
 * failure no item starts, the running ones end, and that failure is thrown.
 */
export async function allBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const outcomes = await settleBounded(items, limit, item => work(item))
  const values: R[] = []
  for (const outcome of outcomes) {
    if (outcome.status === 'failed') throw outcome.error
    if (outcome.status === 'done') values.push(outcome.value)
  }
  return values
}

/** A gate that lets at most `limit` tasks run at once, in the order they were handed in. */
export function limiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0
  const waiting: (() => void)[] = []
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (running >= limit) await new Promise<void>(resolve => waiting.push(resolve))
    running++
    try {
      return await task()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}
