/**
 * The buildx download against a loopback HTTP server: what cannot recover fails at once,
 * a reset connection or a 5xx is tried again within seconds.
 */
import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { download } from '../../src/engines/buildx/install.js'

const BODY = Buffer.from('#!/bin/sh\necho buildx\n')
/** What the server does for each request to a path, in order; the last one repeats. */
const scripts = new Map<string, ('404' | '503' | 'reset' | 'ok')[]>()
const hits = new Map<string, number>()
let server: Server
let base = ''

function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? ''
  const count = hits.get(url) ?? 0
  hits.set(url, count + 1)
  const script = scripts.get(url) ?? ['404']
  const action = script[Math.min(count, script.length - 1)]
  if (action === 'reset') {
    request.socket.destroy()
  } else if (action === 'ok') {
    response.writeHead(200, { 'content-length': BODY.length }).end(BODY)
  } else {
    response.writeHead(Number(action)).end()
  }
}

beforeAll(async () => {
  server = createServer(answer)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  base = `http://127.0.0.1:${address.port}`
})

afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now()
  const value = await work()
  return { value, seconds: (performance.now() - started) / 1000 }
}

describe('buildx download', () => {
  it('fails at once on a 404, naming the URL and the fix', async () => {
    scripts.set('/v0.99.0/buildx', ['404'])
    const { value, seconds } = await timed(() =>
      download(`${base}/v0.99.0/buildx`).then(
        () => undefined,
        (error: unknown) => error
      )
    )
    expect(String(value)).toMatch(
      /could not download http:\/\/127\.0\.0\.1:\d+\/v0\.99\.0\/buildx: HTTP 404 Not Found\. No such release asset: pin a `buildx-version` that exists/
    )
    expect(hits.get('/v0.99.0/buildx')).toBe(1)
    expect(seconds).toBeLessThan(1)
  })

  it('tries a 5xx and a reset connection again, within seconds', async () => {
    scripts.set('/flaky/buildx', ['503', 'reset', 'ok'])
    const { value: file, seconds } = await timed(() => download(`${base}/flaky/buildx`))
    expect(hits.get('/flaky/buildx')).toBe(3)
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(
      createHash('sha256').update(BODY).digest('hex')
    )
    rmSync(path.dirname(file), { recursive: true, force: true })
    expect(seconds).toBeLessThan(5)
  })

  it('gives up after three attempts on a server that keeps failing', async () => {
    scripts.set('/down/buildx', ['503'])
    const { value, seconds } = await timed(() =>
      download(`${base}/down/buildx`).then(
        () => undefined,
        (error: unknown) => error
      )
    )
    expect(String(value)).toMatch(/HTTP 503 Service Unavailable \(after 3 attempts\)/)
    expect(hits.get('/down/buildx')).toBe(3)
    expect(seconds).toBeLessThan(5)
  })

  it('fails at once when the host name does not resolve', async () => {
    const { value, seconds } = await timed(() =>
      download('http://buildx-release.invalid/buildx').then(
        () => undefined,
        (error: unknown) => error
      )
    )
    expect(String(value)).toMatch(
      /could not download http:\/\/buildx-release\.invalid\/buildx: .*ENOTFOUND/
    )
    expect(String(value)).not.toContain('attempts')
    expect(seconds).toBeLessThan(5)
  })
})
