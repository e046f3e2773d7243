/** One HTTP exchange with the limits a registry client needs: idle and total timeouts, streams. */
import http from 'node:http'
import https from 'node:https'
import type { Readable } from 'node:stream'

/** A socket-level failure of our own making (timeouts), coded like Node's own. */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'TransportError'
  }
}

export interface Exchange {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** A buffer is sent whole; a stream is piped and cannot be sent twice. */
  readonly body?: Buffer | Readable
  readonly agent: http.Agent
  /** Longest silence allowed while connecting, waiting for the answer or reading its body. */
  readonly idleTimeoutMs: number
  /** Epoch ms by which the whole exchange, body included, must be over. */
  readonly deadline?: number
  /** The limit behind the deadline, for the error: `timeoutMs (500 ms)`. */
  readonly deadlineName?: string
}

export interface Opened {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  /** Must be read or destroyed; it errors with a TransportError if it stalls. */
  readonly body: http.IncomingMessage
}

/** Send the request and resolve once the answer's headers are in. */
export function open(exchange: Exchange): Promise<Opened> {
  const transport = exchange.url.protocol === 'https:' ? https : http
  return new Promise<Opened>((resolve, reject) => {
    let response: http.IncomingMessage | undefined
    let deadlineTimer: NodeJS.Timeout | undefined
    const request = transport.request(exchange.url, {
      method: exchange.method,
      headers: { 'user-agent': 'multiarch-build-action', ...exchange.headers },
      agent: exchange.agent
    })
    const fail = (error: Error): void => {
      if (response === undefined) {
        request.destroy(error)
      } else {
        response.destroy(error)
        request.destroy()
      }
    }
    const clear = (): void => {
      if (deadlineTimer !== undefined) clearTimeout(deadlineTimer)
    }
    if (exchange.deadline !== undefined) {
      const total = Math.max(0, exchange.deadline - Date.now())
      deadlineTimer = setTimeout(() => {
        fail(
          new TransportError(
            'ETIMEDOUT',
            `not finished within ${exchange.deadlineName ?? `${total} ms`}`
          )
        )
      }, total)
    }
    request.setTimeout(exchange.idleTimeoutMs, () => {
      const what = response === undefined ? 'no answer' : 'the body stalled'
      fail(new TransportError('ETIMEDOUT', `${what} for ${exchange.idleTimeoutMs} ms`))
    })
    request.on('response', (incoming: http.IncomingMessage) => {
      response = incoming
      incoming.on('close', clear)
      // The server answered before taking the whole upload (an error): stop sending.
      incoming.on('end', () => {
        if (!request.writableFinished) request.destroy()
      })
      resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: incoming })
    })
    request.on('error', (error: Error) => {
      clear()
      reject(error)
    })
    const body = exchange.body
    if (body === undefined) {
      request.end()
    } else if (Buffer.isBuffer(body)) {
      request.end(body)
    } else {
      body.on('error', (error: Error) => request.destroy(error))
      request.on('close', () => {
        if (!body.readableEnded) body.destroy()
      })
      body.pipe(request)
    }
  })
}

/** The whole body, refusing more than `limit` bytes (manifests are small; blobs are streamed). */
export function readAll(body: Readable, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (body.destroyed) {
      reject(new TransportError('ECONNRESET', 'the connection closed before the body ended'))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    body.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) body.destroy(new Error(`answered more than ${limit} bytes`))
      else chunks.push(chunk)
    })
    body.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    body.on('error', reject)
    // Without an `error` listener in time, Node closes an aborted answer silently.
    body.on('close', () => {
      reject(new TransportError('ECONNRESET', 'the connection closed before the body ended'))
    })
  })
}

/** Throw away a body we do not need, so the socket can be reused. */
export function discard(body: Readable): void {
  body.on('error', () => undefined)
  body.resume()
}
