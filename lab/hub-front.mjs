#!/usr/bin/env node
/**
 * The lab's Docker Hub and GHCR, in front of two real distribution registries that run with
 * `auth: token`. Run inside the lab's network namespace, where the real names resolve to
 * loopback addresses; it serves, each over TLS with a certificate of the lab's CA:
 *
 *   registry-1.docker.io  Docker Hub's API: proxied to the hub registry; blob downloads
 *                         answer 307 to the storage host, as Docker Hub's CDN does
 *   auth.docker.io        Docker Hub's token server (`/token`, service registry.docker.io)
 *   docker.io             the web site: every path, /v2/ included, redirects elsewhere
 *   ghcr.io               GHCR: `/token` is its token server, the rest is the API
 *   storage.lab.test      the CDN: serves signed blob links, refuses a registry token
 *
 * Tokens are RS256 JWTs with the issuer's certificate in `x5c`, which the registries check
 * against their `rootcertbundle`. Every request is logged as one JSON line on stdout.
 *
 * Usage: hub-front.mjs CONFIG.json (see lab/lab.sh for the fields).
 */
import { createHmac, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto'
import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { URL, URLSearchParams } from 'node:url'

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const tls = { cert: readFileSync(config.cert), key: readFileSync(config.key) }
const issuerKey = createPrivateKey(readFileSync(config.tokenKey))
const issuerCert = new X509Certificate(readFileSync(config.tokenCert))
const linkSecret = randomBytes(32)
const TOKEN_SECONDS = Number(config.tokenSeconds ?? 300)

/** The two registries: who may do what there, and where the real registry listens. */
const registries = {
  hub: {
    service: 'registry.docker.io',
    backend: config.hubBackend,
    users: { [config.hubUser]: config.hubPassword },
    /** Namespaces anyone may pull from without logging in. */
    public: ['library/', `${config.hubUser}/`]
  },
  ghcr: {
    service: 'ghcr.io',
    backend: config.ghcrBackend,
    users: { [config.ghcrUser]: config.ghcrPassword },
    public: [`${config.ghcrUser}/public-`]
  }
}

function log(entry) {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`)
}

const base64url = value => Buffer.from(value).toString('base64url')

/** A JWT the distribution registry accepts: RS256, the issuer's certificate chain in x5c. */
function jwt(service, subject, access) {
  const now = Math.floor(Date.now() / 1000)
  const header = { typ: 'JWT', alg: 'RS256', x5c: [issuerCert.raw.toString('base64')] }
  const claims = {
    iss: config.issuer,
    sub: subject,
    aud: service,
    exp: now + TOKEN_SECONDS,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(12).toString('hex'),
    access
  }
  const body = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  return `${body}.${sign('sha256', Buffer.from(body), issuerKey).toString('base64url')}`
}

/** `repository:name:pull,push` -> what this user may have of it. */
function grant(registry, user, scope) {
  const [type, name, actions = ''] = scope.split(':')
  if (type !== 'repository' || name === undefined) return undefined
  const wanted = actions.split(',').filter(action => action === 'pull' || action === 'push')
  const owns = user !== '' && name.startsWith(`${user}/`)
  const readable = owns || registry.public.some(prefix => name.startsWith(prefix))
  return {
    type,
    name,
    actions: wanted.filter(action => (action === 'push' ? owns : readable))
  }
}

function json(response, status, body, headers = {}) {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers
  })
  response.end(text)
}

/**
 * The token endpoint, both ways the real ones take: GET with optional basic credentials and
 * `service`/`scope` in the query (docker, most clients), and the OAuth2 POST with a form of
 * `grant_type=password`, `username`, `password`, `service`, `scope` (containerd, BuildKit).
 */
function tokenServer(registry, request, response, url) {
  if (request.method === 'POST') {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      const form = new URLSearchParams(body)
      if (form.get('grant_type') !== 'password') {
        json(response, 400, { error: 'unsupported_grant_type' })
        return
      }
      const scopes = (form.get('scope') ?? '').split(' ').filter(scope => scope !== '')
      issue(registry, response, form.get('service') ?? '', scopes, {
        username: form.get('username') ?? '',
        password: form.get('password') ?? ''
      })
    })
    return
  }
  let credentials
  const authorization = request.headers.authorization ?? ''
  if (authorization.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    credentials = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  const scopes = url.searchParams.getAll('scope').flatMap(scope => scope.split(' '))
  issue(registry, response, url.searchParams.get('service') ?? '', scopes, credentials)
}

function issue(registry, response, service, scopes, credentials) {
  let user = ''
  if (credentials !== undefined) {
    if (
      credentials.username === '' ||
      registry.users[credentials.username] !== credentials.password
    ) {
      log({ host: 'token', service: registry.service, refused: credentials.username })
      json(response, 401, { details: 'incorrect username or password' })
      return
    }
    user = credentials.username
  }
  if (service !== registry.service) {
    json(response, 400, { details: `unknown service ${service}` })
    return
  }
  const access = scopes
    .map(scope => grant(registry, user, scope))
    .filter(entry => entry !== undefined)
  log({ host: 'token', service, user: user || 'anonymous', access })
  const token = jwt(service, user, access)
  json(response, 200, {
    token,
    access_token: token,
    expires_in: TOKEN_SECONDS,
    issued_at: new Date().toISOString()
  })
}

/** A signed storage link for one blob, valid for a minute. */
function storageLink(name, repository, digest) {
  const expires = String(Date.now() + 60_000)
  const signature = createHmac('sha256', linkSecret)
    .update(`${name}|${repository}|${digest}|${expires}`)
    .digest('hex')
  const query = new URLSearchParams({ repository, expires, signature })
  return `https://${config.storageHost}/${name}/${digest}?${query.toString()}`
}

const BLOB_GET = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/

/** The registry API: forwarded as it came; a blob download that would succeed goes to storage. */
function api(name, host, request, response, url) {
  const registry = registries[name]
  const [backendHost, backendPort] = registry.backend.split(':')
  const blob = request.method === 'GET' ? BLOB_GET.exec(url.pathname) : null
  const upstream = http.request(
    {
      host: backendHost,
      port: Number(backendPort),
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host, 'x-forwarded-proto': 'https' },
      agent: false
    },
    answer => {
      log({ host, method: request.method, path: url.pathname, status: answer.statusCode })
      if (blob !== null && answer.statusCode === 200) {
        answer.destroy()
        response.writeHead(307, {
          location: storageLink(name, blob[1], blob[2]),
          'content-length': 0
        })
        response.end()
        return
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    }
  )
  upstream.on('error', () => response.destroy())
  request.pipe(upstream)
}

/** The CDN: a signed link and nothing else; a registry's Authorization header is an error. */
function storage(request, response, url) {
  const [, name, digest] = url.pathname.split('/')
  const repository = url.searchParams.get('repository') ?? ''
  const expires = url.searchParams.get('expires') ?? '0'
  const authorized = request.headers.authorization !== undefined
  log({ host: 'storage', method: request.method, digest, authorization: authorized })
  if (authorized) {
    // As S3 answers a presigned URL that also carries an Authorization header.
    json(response, 400, { code: 'InvalidArgument', message: 'Only one auth mechanism allowed' })
    return
  }
  const expected = createHmac('sha256', linkSecret)
    .update(`${name}|${repository}|${digest}|${expires}`)
    .digest('hex')
  const registry = registries[name]
  if (
    registry === undefined ||
    url.searchParams.get('signature') !== expected ||
    Number(expires) < Date.now()
  ) {
    json(response, 403, { code: 'AccessDenied', message: 'bad or expired link' })
    return
  }
  const [backendHost, backendPort] = registry.backend.split(':')
  const token = jwt(registry.service, 'storage', [
    { type: 'repository', name: repository, actions: ['pull'] }
  ])
  const upstream = http.request(
    {
      host: backendHost,
      port: Number(backendPort),
      path: `/v2/${repository}/blobs/${digest}`,
      headers: { authorization: `Bearer ${token}` },
      agent: false
    },
    answer => {
      response.writeHead(answer.statusCode ?? 502, {
        'content-type': 'application/octet-stream',
        ...(answer.headers['content-length'] === undefined
          ? {}
          : { 'content-length': answer.headers['content-length'] })
      })
      answer.pipe(response)
    }
  )
  upstream.on('error', () => response.destroy())
  upstream.end()
}

/** docker.io is a web site: its API root redirects away, as the real one does. */
function website(request, response, url) {
  log({ host: 'docker.io', method: request.method, path: url.pathname, status: 301 })
  request.resume()
  response.writeHead(301, { location: 'https://hub.docker.com/', 'content-length': 0 })
  response.end()
}

const sites = [
  [config.addresses.hubApi, (rq, rs, u) => api('hub', 'registry-1.docker.io', rq, rs, u)],
  [config.addresses.hubAuth, (rq, rs, u) => tokenServer(registries.hub, rq, rs, u)],
  [config.addresses.hubWebsite, website],
  [
    config.addresses.ghcr,
    (rq, rs, u) =>
      u.pathname === '/token'
        ? tokenServer(registries.ghcr, rq, rs, u)
        : api('ghcr', 'ghcr.io', rq, rs, u)
  ],
  [config.addresses.storage, storage]
]

let listening = 0
for (const [address, handle] of sites) {
  const server = https.createServer(tls, (request, response) => {
    const url = new URL(request.url ?? '/', `https://${request.headers.host ?? address}`)
    try {
      handle(request, response, url)
    } catch (error) {
      json(response, 500, { message: String(error) })
    }
  })
  server.listen(443, address, () => {
    listening++
    if (listening === sites.length) log({ ready: sites.map(([where]) => where) })
  })
}
