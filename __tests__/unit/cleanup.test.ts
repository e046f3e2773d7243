import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanUp } from '../../src/cancel.js'
import { RegistryPool } from '../../src/registry/pool.js'

function captureStdout(): { readonly text: () => string; readonly restore: () => void } {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  return {
    text: () => written.join(''),
    restore: () => {
      spy.mockRestore()
    }
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('cleanup never hides the cause', () => {
  it('runs every step after one fails, and says the failure as a warning', async () => {
    const ran: string[] = []
    const out = captureStdout()
    try {
      await cleanUp([
        [
          'closing registry connections',
          () => {
            ran.push('close')
            throw new Error('socket hang up')
          }
        ],
        [
          'the engine',
          async () => {
            ran.push('dispose')
            await Promise.reject(new Error('rmi failed'))
          }
        ],
        [
          'the layout',
          () => {
            ran.push('rm')
          }
        ]
      ])
    } finally {
      out.restore()
    }
    expect(ran).toEqual(['close', 'dispose', 'rm'])
    expect(out.text()).toContain('::warning::cleanup: closing registry connections: socket hang up')
    expect(out.text()).toContain('::warning::cleanup: the engine: rmi failed')
  })

  it('keeps the error that failed the build when closing the registry clients throws', async () => {
    // A registry whose credentials could not be found: the pool holds a rejected client.
    const pool = new RegistryPool(() => Promise.reject(new Error('credential helper missing')))
    await expect(pool.get('registry.example')).rejects.toThrow('credential helper missing')
    await expect(pool.close()).resolves.toBeUndefined()

    const out = captureStdout()
    const build = async (): Promise<void> => {
      try {
        throw new Error('build of linux/arm64 failed')
      } finally {
        await cleanUp([
          ['closing registry connections', () => Promise.reject(new Error('close failed'))]
        ])
      }
    }
    try {
      await expect(build()).rejects.toThrow('build of linux/arm64 failed')
    } finally {
      out.restore()
    }
  })
})
