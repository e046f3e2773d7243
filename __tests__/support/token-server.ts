/**
 * The bearer-token flow of the distribution auth spec, for a registry that has none: a
 * token server that wants basic credentials, and a proxy that answers 401 with a Bearer
 * challenge unless the request carries a token granting the scopes it needs.
 */
import { randomBytes } from 'node:crypto'
import { forward } from './forward.js'
import { listen } from './listen.js'

export interface TokenRequest {
  readonly scopes: readonly string[]
  readonly service: string | undefined
  readonly account: string | undefined
  /** Whether it carried the right basic credentials (else it was refused). */
  readonly authorized: boolean
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token`. */
  readonly realm: string
  readonly service: string
  requests(): readonly TokenRequest[]
  /** The scopes a token was issued for; undefined for a token we never issued. */
  grants(token: string): readonly string[] | undefined
  close(): Promise<void>
}

export interface BearerProxy {
  /** `127.0.0.1:PORT`. */
  readonly address: string
  /** How many requests were answered with a 401 challenge. */
  challenges(): number
  close(): Promise<void>
}

/** Scopes a registry request needs: pull to read, pull,push to write, pull on a mount's source. */
export function requiredScopes(method: string, url: string): string[] {
  const parsed = new URL(url, 'http://registry.invalid')
  const match = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(parsed.pathname)
  if (match?.[1] === undefined) return []
  const reading = method === 'GET' || method === 'HEAD'
  const scopes = [`repository:${match[1]}:${reading ? 'pull' : 'pull,push'}`]
  const from = parsed.searchParams.get('from')
  if (parsed.searchParams.has('mount') && from !== null) scopes.push(`repository:${from}:pull`)
  return scopes
}

/** Whether `granted` scopes allow every action of every `required` scope. */
export function covers(granted: readonly string[], required: readonly string[]): boolean {
  const allowed = new Map<string, Set<string>>()
  for (const scope of granted) {
    const [type, name, actions] = scope.split(':')
    if (type !== 'repository' || name === undefined || actions === undefined) continue
    const set = allowed.get(name) ?? new Set<string>()
    for (const action of actions.split(',')) set.add(action)
    allowed.set(name, set)
  }
  return required.every(scope => {
    const [, name = '', actions = ''] = scope.split(':')
    return actions.split(',').every(action => allowed.get(name)?.has(action) === true)
  })
}

export async function startTokenServer(credentials: {
  readonly username: string
  readonly password: string
  readonly service?: string
}): Promise<TokenServer> {
  const service = credentials.service ?? 'lab'
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
  const issued = new Map<string, readonly string[]>()
  const requests: TokenRequest[] = []
  const server = await listen((request, response) => {
    const url = new URL(request.url ?? '/', 'http://registry.invalid')
    const authorized = request.headers.authorization === expected
    const scopes = url.searchParams.getAll('scope').flatMap(scope => scope.split(' '))
    requests.push({
      scopes,
      service: url.searchParams.get('service') ?? undefined,
      account: url.searchParams.get('account') ?? undefined,
      authorized
    })
    if (url.pathname !== '/token') {
      response.writeHead(404).end()
      return
    }
    if (!authorized) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="lab-token"' }).end()
      return
    }
    const token = randomBytes(16).toString('hex')
    issued.set(token, scopes)
    const body = JSON.stringify({
      token,
      access_token: token,
      expires_in: 300,
      issued_at: new Date().toISOString()
    })
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  return {
    realm: `http://${server.address}/token`,
    service,
    requests: () => [...requests],
    grants: token => issued.get(token),
    close: () => server.close()
  }
}

export async function startBearerProxy(options: {
  /** `host:port` of a plain-HTTP registry (or another proxy). */
  readonly target: string
  readonly tokens: TokenServer
}): Promise<BearerProxy> {
  let challenges = 0
  const server = await listen((request, response) => {
    const method = request.method ?? 'GET'
    const url = request.url ?? '/'
    const required = requiredScopes(method, url)
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
    const granted = token === undefined ? undefined : options.tokens.grants(token)
    if (granted !== undefined && covers(granted, required)) {
      forward(request, response, options.target)
      return
    }
    challenges++
    request.resume()
    const parameters = [
      `realm="${options.tokens.realm}"`,
      `service="${options.tokens.service}"`,
      ...(required.length > 0 ? [`scope="${required.join(' ')}"`] : []),
      ...(granted === undefined ? [] : ['error="insufficient_scope"'])
    ]
    const body = JSON.stringify({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }]
    })
    response
      .writeHead(401, {
        'www-authenticate': `Bearer ${parameters.join(',')}`,
        'content-type': 'application/json'
      })
      .end(body)
  })
  return {
    address: server.address,
    challenges: () => challenges,
    close: () => server.close()
  }
}
