/** The machine-wide locks the suites, lab.sh and example.sh share, with the real flock(1). */
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { holdLock } from '../support/machine-lock.js'
import { tmpScratch } from '../support/scratch.js'

const lockFile = () => path.join(tmpScratch('lock-'), 'test.lock')
/** Whether flock(1) in another process can take the lock now. */
const free = (file: string, shared = false) =>
  spawnSync('flock', ['--nonblock', shared ? '--shared' : '--exclusive', file, 'true']).status === 0

describe('machine locks', () => {
  it('keeps everyone else out while held, and lets them in once released', async () => {
    const file = lockFile()
    const release = await holdLock(file, { holder: 'test' })
    expect(free(file)).toBe(false)
    expect(free(file, true)).toBe(false)
    await release()
    expect(free(file)).toBe(true)
  })

  it('shares a shared lock with readers, not with a writer', async () => {
    const file = lockFile()
    const release = await holdLock(file, { holder: 'reader', shared: true })
    expect(free(file, true)).toBe(true)
    expect(free(file)).toBe(false)
    await release()
  })

  it('waits for a holder, then takes the lock', async () => {
    const file = lockFile()
    const holder = spawn('flock', [file, 'sleep', '1'], { stdio: 'ignore' })
    await new Promise(resolve => setTimeout(resolve, 200))
    const started = Date.now()
    const release = await holdLock(file, { holder: 'waiter' })
    expect(Date.now() - started).toBeGreaterThan(500)
    expect(holder.exitCode).toBe(0)
    await release()
  })

  it('gives up after its timeout, naming the lock', async () => {
    const file = lockFile()
    const release = await holdLock(file, { holder: 'first' })
    await expect(holdLock(file, { holder: 'second', timeoutMs: 300 })).rejects.toThrow(
      `second: ${file} still held after 300 ms`
    )
    await release()
  })
})
