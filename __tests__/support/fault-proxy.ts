/**
 * A registry proxy that misbehaves on purpose: for the first N requests of a kind it
 * answers 503 or 429, resets the connection, or stalls, then forwards faithfully.
 */
import type http from 'node:http'
import { forward } from './forward.js'
import { listen } from './listen.js'

export type RequestKind =
  | 'manifest-get'
  | 'manifest-head'
  | 'manifest-put'
  | 'blob-get'
  | 'blob-head'
  | 'upload-post'
  | 'upload-patch'
  | 'upload-put'
  | 'other'

/**
 * `503`/`429` answer at once (429 with Retry-After); `reset` sends a TCP RST; `stall`
 * never answers; `stall-body` forwards status and headers, then never the body;
 * `reset-midway` forwards half the request body, then resets; `pass` forwards faithfully
 * (to let some requests of a listed rule through).
 */
export type Fault = '503' | '429' | 'reset' | 'stall' | 'stall-body' | 'reset-midway' | 'pass'

export interface FaultRule {
  /** `any` applies to every kind, each counted on its own. */
  readonly kind: RequestKind | 'any'
  /** Requests 1..first of the kind get the fault. */
  readonly first: number
  /** A list is used in turn: request n gets fault[(n - 1) % length]. */
  readonly fault: Fault | readonly Fault[]
}

export interface FaultProxyOptions {
  /** `host:port` of a plain-HTTP registry. */
  readonly target: string
  readonly rules?: readonly FaultRule[]
  /** Retry-After of a 429, in seconds. Default 1. */
  readonly retryAfterSeconds?: number
  /** Forward cross-repository mounts as plain upload starts, so the registry answers 202. */
  readonly refuseMounts?: boolean
  /** Answer cross-repository mounts with this status (403 or 404, as registries that never mount do). */
  readonly refuseMountsWith?: number
  /** Serve blobs chunked, without Content-Length. */
  readonly hideBlobSizes?: boolean
  /** Answer blob GETs with a 307 to this `host:port` (another origin), same path. */
  readonly redirectBlobsTo?: string
  /** Hold every PUT of a manifest under this tag until `release()` names the answer. */
  readonly holdTagPut?: string
}

export interface ProxiedRequest {
  readonly kind: RequestKind
  readonly method: string
  readonly url: string
  /** 1 for the first request of its kind. */
  readonly number: number
  readonly fault: Fault | undefined
  readonly authorized: boolean
  /** Epoch ms when the request arrived. */
  readonly at: number
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`. */
  readonly address: string
  /** Requests seen per kind. */
  counts(): Partial<Record<RequestKind, number>>
  requests(): readonly ProxiedRequest[]
  /** Whether a PUT of the `holdTagPut` tag is waiting. */
  holding(): boolean
  /** Answer the held PUTs with `status` (a 4xx ends them for good), and forward later ones. */
  release(status: number): void
  close(): Promise<void>
}

/** The kind of a registry request, by method and path class. Pure. */
export function requestKind(method: string, url: string): RequestKind {
  const pathname = url.split('?')[0] ?? ''
  if (/^\/v2\/.+\/blobs\/uploads(\/.*)?$/.test(pathname)) {
    if (method === 'POST') return 'upload-post'
    if (method === 'PATCH') return 'upload-patch'
    if (method === 'PUT') return 'upload-put'
    return 'other'
  }
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(pathname)) {
    if (method === 'GET') return 'blob-get'
    if (method === 'HEAD') return 'blob-head'
    return 'other'
  }
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(pathname)) {
    if (method === 'GET') return 'manifest-get'
    if (method === 'HEAD') return 'manifest-head'
    if (method === 'PUT') return 'manifest-put'
  }
  return 'other'
}

/** The fault for request `number` (1-based) of `kind`, by the first rule that covers it. Pure. */
export function faultFor(
  rules: readonly FaultRule[],
  kind: RequestKind,
  number: number
): Fault | undefined {
  const rule = rules.find(
    candidate => (candidate.kind === 'any' || candidate.kind === kind) && number <= candidate.first
  )
  if (rule === undefined) return undefined
  if (typeof rule.fault === 'string') return rule.fault
  return rule.fault[(number - 1) % rule.fault.length]
}

function refuse(response: http.ServerResponse, status: number, extra: http.OutgoingHttpHeaders) {
  const body = JSON.stringify({
    errors: [{ code: status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'injected' }]
  })
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extra
  })
  response.end(body)
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const rules = options.rules ?? []
  const counts: Partial<Record<RequestKind, number>> = {}
  const seen: ProxiedRequest[] = []
  const held: http.ServerResponse[] = []
  let released = false
  const server = await listen((request, response) => {
    const method = request.method ?? 'GET'
    const url = request.url ?? '/'
    const kind = requestKind(method, url)
    const number = (counts[kind] ?? 0) + 1
    counts[kind] = number
    const fault = faultFor(rules, kind, number)
    seen.push({
      kind,
      method,
      url,
      number,
      fault,
      authorized: request.headers.authorization !== undefined,
      at: Date.now()
    })
    switch (fault) {
      case '503':
        request.resume()
        refuse(response, 503, {})
        return
      case '429':
        request.resume()
        refuse(response, 429, { 'retry-after': String(options.retryAfterSeconds ?? 1) })
        return
      case 'reset':
        request.socket.resetAndDestroy()
        return
      case 'stall':
        // Take the body so the client is not the one stuck, then never answer.
        request.resume()
        return
      case 'stall-body':
        forward(request, response, options.target, { stallBody: true })
        return
      case 'reset-midway':
        forward(request, response, options.target, {
          resetAfterBytes: Math.floor(Number(request.headers['content-length'] ?? 0) / 2)
        })
        return
      case 'pass':
      case undefined:
        break
    }
    if (
      kind === 'manifest-put' &&
      !released &&
      options.holdTagPut !== undefined &&
      url.split('?')[0]?.endsWith(`/manifests/${options.holdTagPut}`) === true
    ) {
      request.resume()
      held.push(response)
      return
    }
    if (kind === 'blob-get' && options.redirectBlobsTo !== undefined) {
      request.resume()
      response.writeHead(307, {
        location: `http://${options.redirectBlobsTo}${url}`,
        'content-length': 0
      })
      response.end()
      return
    }
    if (
      kind === 'upload-post' &&
      options.refuseMountsWith !== undefined &&
      url.includes('mount=')
    ) {
      request.resume()
      const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'mounts refused' }] })
      response.writeHead(options.refuseMountsWith, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body)
      })
      response.end(body)
      return
    }
    if (kind === 'upload-post' && options.refuseMounts === true && url.includes('mount=')) {
      forward(request, response, options.target, { path: url.split('?')[0] ?? url })
      return
    }
    forward(request, response, options.target, {
      dropContentLength: options.hideBlobSizes === true && kind === 'blob-get'
    })
  })
  return {
    address: server.address,
    counts: () => ({ ...counts }),
    requests: () => [...seen],
    holding: () => held.length > 0,
    release: status => {
      released = true
      for (const response of held.splice(0)) refuse(response, status, {})
    },
    close: () => server.close()
  }
}
