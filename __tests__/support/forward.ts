/** Plain-HTTP forwarding of one request to a registry, for the test proxies. */
import http from 'node:http'

// Per-connection headers (RFC 9110 §7.6.1); each hop sets its own.
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']

export interface ForwardOptions {
  /** Path and query to ask the target for; the client's by default. */
  readonly path?: string
  /** Send the answer's status and headers, then nothing more: a stalled body. */
  readonly stallBody?: boolean
  /** Answer chunked, so the client cannot know the size in advance. */
  readonly dropContentLength?: boolean
  /** Pass this many bytes of the request body on, then reset both connections. */
  readonly resetAfterBytes?: number
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const kept: http.OutgoingHttpHeaders = { ...headers }
  for (const name of HOP_BY_HOP) Reflect.deleteProperty(kept, name)
  return kept
}

/**
 * Forward to `target` (`host:port`) keeping the Host header, so the registry builds its
 * upload Locations with the proxy's address and the client keeps talking through us.
 */
export function forward(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  target: string,
  options: ForwardOptions = {}
): void {
  const colon = target.lastIndexOf(':')
  const upstream = http.request(
    {
      host: target.slice(0, colon),
      port: Number(target.slice(colon + 1)),
      method: request.method,
      path: options.path ?? request.url,
      headers: withoutHopByHop(request.headers),
      agent: false
    },
    answer => {
      const headers = withoutHopByHop(answer.headers)
      if (options.dropContentLength === true && request.method !== 'HEAD') {
        Reflect.deleteProperty(headers, 'content-length')
      }
      response.writeHead(answer.statusCode ?? 502, headers)
      if (options.stallBody === true) {
        response.flushHeaders()
        answer.resume()
        return
      }
      answer.pipe(response)
    }
  )
  upstream.on('error', () => response.destroy())
  response.on('close', () => upstream.destroy())
  const limit = options.resetAfterBytes
  if (limit === undefined) {
    request.pipe(upstream)
    return
  }
  let passed = 0
  request.on('data', (chunk: Buffer) => {
    if (passed >= limit) return
    const part = chunk.subarray(0, limit - passed)
    passed += part.length
    upstream.write(part)
    if (passed < limit) return
    // Let the registry take what it got, as when a runner's connection drops mid-upload.
    upstream.end()
    request.socket.resetAndDestroy()
  })
}
