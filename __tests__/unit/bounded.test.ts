import { describe, expect, it } from 'vitest'
import { allBounded, limiter, settleBounded } from '../../src/bounded.js'

const tick = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('settleBounded', () => {
  it('runs at most `limit` at a time and returns outcomes in item order', async () => {
    let running = 0
    let most = 0
    const outcomes = await settleBounded([30, 10, 20, 5], 2, async ms => {
      running++
      most = Math.max(most, running)
      await tick(ms)
      running--
      return ms * 2
    })
    expect(most).toBe(2)
    expect(outcomes).toEqual([30, 10, 20, 5].map(ms => ({ status: 'done', value: ms * 2 })))
  })

  it('on the first failure aborts the running items, starts no more, and waits for them', async () => {
    const ended: string[] = []
    const outcomes = await settleBounded(['slow', 'fails', 'waiting'], 2, async (item, signal) => {
      if (item === 'fails') {
        await tick(5)
        throw new Error('broken')
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 5_000)
        signal.addEventListener('abort', () => {
          clearTimeout(timer)
          // Like a child process: it takes a moment to exit after the signal.
          setTimeout(() => {
            reject(new Error('terminated'))
          }, 20)
        })
      })
      ended.push(item)
    })
    expect(outcomes.map(outcome => outcome.status)).toEqual(['stopped', 'failed', 'not-started'])
    const failed = outcomes[1]
    expect(failed?.status === 'failed' ? (failed.error as Error).message : '').toBe('broken')
    expect(ended).toEqual([])
  })

  it('with a limit of one, never starts a second item after a failure', async () => {
    const started: number[] = []
    const outcomes = await settleBounded([1, 2, 3], 1, item => {
      started.push(item)
      return item === 1 ? Promise.reject(new Error('first')) : Promise.resolve(item)
    })
    expect(started).toEqual([1])
    expect(outcomes.map(outcome => outcome.status)).toEqual([
      'failed',
      'not-started',
      'not-started'
    ])
  })
})

describe('allBounded', () => {
  it('returns the values in item order, at most `limit` running at once', async () => {
    let running = 0
    let most = 0
    const values = await allBounded([30, 10, 20, 5, 1], 3, async ms => {
      running++
      most = Math.max(most, running)
      await tick(ms)
      running--
      return `${ms} ms`
    })
    expect(most).toBe(3)
    expect(values).toEqual(['30 ms', '10 ms', '20 ms', '5 ms', '1 ms'])
  })

  it('throws the first failure once the running items ended, starting none after it', async () => {
    const started: string[] = []
    const ended: string[] = []
    const work = allBounded(['slow', 'fails', 'after', 'last'], 2, async item => {
      started.push(item)
      if (item === 'fails') {
        await tick(5)
        throw new Error(`${item}: refused`)
      }
      await tick(item === 'slow' ? 40 : 1)
      ended.push(item)
      return item
    })
    await expect(work).rejects.toThrow('fails: refused')
    // The item already running finished before the failure was thrown; none started after it.
    expect(ended).toEqual(['slow'])
    expect(started).toEqual(['slow', 'fails'])
  })
})

describe('limiter', () => {
  it('runs at most `limit` tasks at once, starting them in the order given', async () => {
    const gate = limiter(2)
    const started: number[] = []
    let running = 0
    let most = 0
    const results = await Promise.all(
      [40, 10, 30, 5, 1].map((ms, index) =>
        gate(async () => {
          started.push(index)
          running++
          most = Math.max(most, running)
          await tick(ms)
          running--
          return index
        })
      )
    )
    expect(most).toBe(2)
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect(results).toEqual([0, 1, 2, 3, 4])
  })

  it('frees its place when a task fails', async () => {
    const gate = limiter(1)
    await expect(gate(() => Promise.reject(new Error('no')))).rejects.toThrow('no')
    await expect(gate(() => Promise.resolve('yes'))).resolves.toBe('yes')
  })
})
