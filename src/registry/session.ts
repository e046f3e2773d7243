/**
 * One registry's HTTP session: protocol probe, TLS with the containers' CA, the 401
 * challenge (basic or bearer tokens per scope, renewed before they expire), redirects that
 * never carry our Authorization to another host, retries with backoff, and deadlines.
 * It knows requests, not manifests or blobs: client.ts and upload.ts speak the API.
 */
import http from 'node:http'
import https from 'node:https'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import tls from 'node:tls'
import {
  type BearerChallenge,
  type Challenge,
  normaliseScopes,
  parseTokenAnswer,
  preferredChallenge,
  tokenUrl
} from './challenge.js'
import { type Credentials, basicAuth } from './credentials.js'
import { apiHost, containersCa, isLoopback } from './endpoint.js'
import { statusProblem, transportProblem } from './problems.js'
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  honoursRetryAfter,
  isRetryableError,
  isRetryableStatus,
  plainHttpSign,
  retryDelay
} from './retry.js'
import { type Opened, TransportError, discard, open, readAll } from './transport.js'

/** Manifests are capped at 4 MiB by the spec; configs are smaller. Blobs are streamed. */
export const BODY_LIMIT = 32 * 1024 * 1024
export const ERROR_BODY_LIMIT = 1024 * 1024
const MAX_REDIRECTS = 5
const REDIRECTS = new Set([301, 302, 303, 307, 308])

export interface RegistryOptions {
  readonly credentials?: Credentials
  /**
   * Per request: the longest silence (connecting, waiting, or mid-body), and the longest a
   * small exchange (manifest, token, upload start) may take. Default 30 s.
   */
  readonly timeoutMs?: number
  /** Retries after the first attempt on 408, 429, 5xx and connection failures. Default 4. */
  readonly retries?: number
  /** Budget of one public call, every attempt and wait included. Default: none. */
  readonly operationTimeoutMs?: number
  /** Extra CA certificates (PEM); by default those in /etc/containers/certs.d/<host>/. */
  readonly ca?: string[]
  /** Skip the protocol probe: `https` never falls back, `http` speaks plain HTTP to any host. */
  readonly protocol?: 'https' | 'http'
  readonly retryPolicy?: RetryPolicy
  /** One line per retry, protocol decision and mount fallback. */
  readonly log?: (message: string) => void
  /** Jitter source in [0, 1); tests pin it. */
  readonly random?: () => number
  /** Blobs larger than this go up in chunks of this size, resumable. Default 32 MiB. */
  readonly chunkBytes?: number
}

export class RegistryError extends Error {
  constructor(
    readonly registry: string,
    message: string,
    /** The HTTP status that ended it, when one did. */
    readonly status?: number
  ) {
    super(`registry ${registry}: ${message}`)
    this.name = 'RegistryError'
  }
}

/** A failed attempt that another may cure. */
export class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfter?: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'Retryable'
  }
}

export interface Call {
  /** Names the call in errors and logs: `PUT manifest app:1.0`. */
  readonly operation: string
  readonly method: string
  /** `/v2/...` on this registry, or an absolute URL such as an upload location. */
  readonly target: string | URL
  readonly headers?: Readonly<Record<string, string>>
  /** A buffer can be re-sent after a 401; a stream cannot. */
  readonly body?: Buffer | Readable
  readonly scopes: readonly string[]
  readonly followRedirects?: boolean
  /** A blob: only silence and the operation deadline limit it, not `timeoutMs` in total. */
  readonly streaming?: boolean
}

export interface Buffered {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

interface Agents {
  readonly http: http.Agent
  readonly https: https.Agent
}

export function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function basic(credentials: Credentials): string {
  return `Basic ${basicAuth(credentials)}`
}

/** The key a set of scopes is held under, whatever their order and spelling. */
function scopesKey(scopes: readonly string[]): string {
  return normaliseScopes(scopes).join(' ')
}

export class RegistrySession {
  private scheme: 'https' | 'http' | undefined
  private challenge: Challenge | undefined
  private readonly tokens = new Map<
    string,
    { readonly token: string; readonly expiresAt: number }
  >()
  private agents: Promise<Agents> | undefined
  private pinged: Promise<void> | undefined
  /** Token requests under way, by scope: requests side by side wait for one, not one each. */
  private readonly fetching = new Map<string, Promise<void>>()
  /** Where the API is served: the registry's own host, but `registry-1.docker.io` for Docker Hub. */
  readonly host: string

  constructor(
    /** The registry's name, as references and credentials spell it (`docker.io`, `ghcr.io`). */
    readonly registry: string,
    readonly options: RegistryOptions = {}
  ) {
    this.host = apiHost(registry)
  }

  /** The protocol this session settled on (after its first request), or undefined before. */
  get protocol(): 'https' | 'http' | undefined {
    return this.scheme
  }

  /** Drop pooled connections; the session stays usable and reconnects on demand. */
  close(): void {
    const agents = this.agents
    this.agents = undefined
    void agents?.then(({ http, https }) => {
      http.destroy()
      https.destroy()
    })
  }

  error(operation: string, problem: string, status?: number): RegistryError {
    return new RegistryError(this.registry, `${operation}: ${problem}`, status)
  }

  retryable(opened: Opened, body: Buffer): Retryable {
    const retryAfter = honoursRetryAfter(opened.status)
      ? header(opened.headers, 'retry-after')
      : undefined
    return new Retryable(statusProblem(opened.status, body), retryAfter, opened.status)
  }

  log(message: string): void {
    this.options.log?.(message)
  }

  deadline(): number | undefined {
    const budget = this.options.operationTimeoutMs
    return budget === undefined ? undefined : Date.now() + budget
  }

  get base(): URL {
    return new URL(`${this.scheme ?? 'https'}://${this.host}`)
  }

  resolve(target: string | URL): URL {
    return new URL(target, this.base)
  }

  /** A call whose answer is small enough to hold: retried whole on 429, 5xx and resets. */
  async buffered(call: Call, deadline: number | undefined): Promise<Buffered> {
    await this.prepare(call.operation, call.scopes, deadline)
    return this.retrying(call.operation, deadline, async () => {
      const opened = await this.attempt(call, deadline)
      const body = await readAll(opened.body, BODY_LIMIT)
      if (isRetryableStatus(opened.status)) throw this.retryable(opened, body)
      return { status: opened.status, headers: opened.headers, body }
    })
  }

  /** A call whose 2xx body is streamed to the caller; retried until the answer starts. */
  async streamed(call: Call, deadline: number | undefined): Promise<Opened> {
    await this.prepare(call.operation, call.scopes, deadline)
    return this.retrying(call.operation, deadline, async () => {
      const opened = await this.attempt(call, deadline)
      if (opened.status >= 200 && opened.status <= 299) return opened
      const body = await readAll(opened.body, ERROR_BODY_LIMIT)
      if (isRetryableStatus(opened.status)) throw this.retryable(opened, body)
      throw this.error(call.operation, statusProblem(opened.status, body), opened.status)
    })
  }

  /**
   * Run `once` until it succeeds, fails for good, or the retries or the deadline run out.
   * Waits follow `retryDelay`; a RegistryError is final by construction.
   */
  async retrying<T>(
    operation: string,
    deadline: number | undefined,
    once: () => Promise<T>
  ): Promise<T> {
    const retries = Math.max(0, this.options.retries ?? 4)
    for (let attempt = 0; ; attempt++) {
      try {
        return await once()
      } catch (error) {
        if (error instanceof RegistryError) throw error
        const problem = error instanceof Retryable ? error.message : transportProblem(error)
        const status = error instanceof Retryable ? error.status : undefined
        if (!(error instanceof Retryable) && !isRetryableError(error)) {
          throw this.error(operation, problem, status)
        }
        const tries = `${attempt + 1} attempt${attempt === 0 ? '' : 's'}`
        if (attempt >= retries) {
          throw this.error(operation, `gave up after ${tries}: ${problem}`, status)
        }
        const delay = retryDelay(
          attempt,
          error instanceof Retryable ? error.retryAfter : undefined,
          this.options.random ?? Math.random,
          this.options.retryPolicy ?? DEFAULT_RETRY_POLICY
        )
        if (deadline !== undefined && Date.now() + delay >= deadline) {
          throw this.error(
            operation,
            `gave up after ${tries}, as operationTimeoutMs (${this.options.operationTimeoutMs ?? 0} ms) leaves no time for another: ${problem}`,
            status
          )
        }
        this.log(
          `registry ${this.registry}: ${operation}: ${problem}; retry ${attempt + 1}/${retries} in ${delay} ms`
        )
        await sleep(delay)
      }
    }
  }

  /** Settle the protocol and auth scheme once (GET /v2/), and hold a token for `scopes`. */
  async prepare(
    operation: string,
    scopes: readonly string[],
    deadline: number | undefined
  ): Promise<void> {
    this.pinged ??= this.retrying(`${operation} (GET /v2/)`, deadline, () =>
      this.ping(deadline)
    ).catch((error: unknown) => {
      this.pinged = undefined
      throw error
    })
    await this.pinged
    const challenge = this.challenge
    if (challenge?.scheme === 'bearer' && this.bearer(scopes) === undefined) {
      const key = scopesKey(scopes)
      let fetching = this.fetching.get(key)
      if (fetching === undefined) {
        fetching = this.retrying(`${operation} (token)`, deadline, () =>
          this.fetchToken(challenge, scopes, scopes, deadline)
        ).finally(() => this.fetching.delete(key))
        this.fetching.set(key, fetching)
      }
      await fetching
    }
  }

  async ping(deadline: number | undefined): Promise<void> {
    const agents = await this.loadAgents()
    if (this.scheme === undefined && this.options.protocol !== undefined) {
      this.scheme = this.options.protocol
    }
    if (this.scheme === undefined) {
      try {
        const opened = await this.exchange(
          'GET',
          new URL(`https://${this.host}/v2/`),
          {},
          undefined,
          false,
          deadline,
          agents
        )
        this.scheme = 'https'
        await this.readPing(opened)
        return
      } catch (error) {
        if (
          this.scheme !== undefined ||
          !isLoopback(this.host) ||
          plainHttpSign(error) === undefined
        ) {
          throw error
        }
        this.scheme = 'http'
        this.log(
          `registry ${this.registry}: answers in plain HTTP (TLS handshake: ${plainHttpSign(error)}); this client uses http://`
        )
      }
    }
    const opened = await this.exchange(
      'GET',
      new URL(`${this.scheme}://${this.host}/v2/`),
      {},
      undefined,
      false,
      deadline,
      agents
    )
    await this.readPing(opened)
  }

  async readPing(opened: Opened): Promise<void> {
    const body = await readAll(opened.body, ERROR_BODY_LIMIT)
    if (opened.status === 401) {
      this.challenge = preferredChallenge(header(opened.headers, 'www-authenticate') ?? '')
    } else if (REDIRECTS.has(opened.status)) {
      // docker.io sends its API root to the web site: what answers there is no registry,
      // and a 200 from it must never pass for "the blob exists".
      throw this.error(
        'GET /v2/',
        `answered ${opened.status}, a redirect to ${header(opened.headers, 'location') ?? 'nowhere'}: ${this.host} does not serve the registry API`,
        opened.status
      )
    } else if (isRetryableStatus(opened.status)) {
      throw this.retryable(opened, body)
    }
    // Anything else (200, or a 404 from a registry without /v2/): requests will tell.
  }

  bearer(scopes: readonly string[]): string | undefined {
    const held = this.tokens.get(scopesKey(scopes))
    return held !== undefined && held.expiresAt > Date.now() ? held.token : undefined
  }

  /** One token request; its failures are retried by the caller's loop. */
  async fetchToken(
    challenge: BearerChallenge,
    requested: readonly string[],
    cacheFor: readonly string[],
    deadline: number | undefined
  ): Promise<void> {
    const credentials = this.options.credentials
    const url = tokenUrl(challenge, requested, credentials?.username)
    const endpoint = `token endpoint ${url.origin}${url.pathname}`
    const opened = await this.exchange(
      'GET',
      url,
      credentials === undefined ? {} : { authorization: basic(credentials) },
      undefined,
      false,
      deadline,
      await this.loadAgents()
    )
    const body = await readAll(opened.body, ERROR_BODY_LIMIT)
    if (isRetryableStatus(opened.status)) {
      const failure = this.retryable(opened, body)
      throw new Retryable(`${endpoint} ${failure.message}`, failure.retryAfter, failure.status)
    }
    if (opened.status === 401 || opened.status === 403) {
      throw this.error(
        endpoint,
        credentials === undefined
          ? `refused anonymous access (${opened.status}); set \`username\`/\`password\` or log in so the auth file has them`
          : `refused the credentials of \`${credentials.username}\` (${opened.status}); check \`username\`/\`password\` or the auth file`,
        opened.status
      )
    }
    if (opened.status !== 200) {
      throw this.error(endpoint, statusProblem(opened.status, body), opened.status)
    }
    const answer = parseTokenAnswer(body.toString('utf8'))
    if (answer === undefined) throw this.error(endpoint, 'answered 200 without a token')
    // Renew a little early so a token never expires between check and use.
    const expiresAt = Date.now() + answer.expiresIn * 900
    this.tokens.set(scopesKey(cacheFor), { token: answer.token, expiresAt })
  }

  /** What to send as Authorization: nothing to another host, so redirects never leak it. */
  authorization(url: URL, scopes: readonly string[]): string | undefined {
    if (url.origin !== this.base.origin) return undefined
    if (this.challenge?.scheme === 'bearer') {
      const token = this.bearer(scopes)
      return token === undefined ? undefined : `Bearer ${token}`
    }
    const credentials = this.options.credentials
    if (this.challenge?.scheme === 'basic' && credentials !== undefined) return basic(credentials)
    return undefined
  }

  /** One try: answers a 401 challenge once and follows redirects; never retries by itself. */
  async attempt(call: Call, deadline: number | undefined): Promise<Opened> {
    const agents = await this.loadAgents()
    const replayable = call.body === undefined || Buffer.isBuffer(call.body)
    let url = this.resolve(call.target)
    for (let hop = 0; ; hop++) {
      const send = (authorization: string | undefined): Promise<Opened> =>
        this.exchange(
          call.method,
          url,
          { ...call.headers, ...(authorization === undefined ? {} : { authorization }) },
          call.body,
          call.streaming ?? false,
          deadline,
          agents
        )
      const sent = this.authorization(url, call.scopes)
      let opened = await send(sent)
      if (opened.status === 401 && url.origin === this.base.origin) {
        await readAll(opened.body, ERROR_BODY_LIMIT)
        await this.answerChallenge(call, opened, sent, deadline)
        if (!replayable) {
          throw new Retryable('the registry asked to authenticate again in the middle of an upload')
        }
        opened = await send(this.authorization(url, call.scopes))
        if (opened.status === 401) {
          await readAll(opened.body, ERROR_BODY_LIMIT)
          throw this.refused(call.operation)
        }
      }
      const location = header(opened.headers, 'location')
      if (
        call.followRedirects !== true ||
        !REDIRECTS.has(opened.status) ||
        location === undefined
      ) {
        return opened
      }
      discard(opened.body)
      if (hop >= MAX_REDIRECTS) {
        throw this.error(call.operation, `redirected more than ${MAX_REDIRECTS} times`)
      }
      url = new URL(location, url)
    }
  }

  async answerChallenge(
    call: Call,
    opened: Opened,
    sentAuthorization: string | undefined,
    deadline: number | undefined
  ): Promise<void> {
    const given = header(opened.headers, 'www-authenticate') ?? ''
    const challenge = preferredChallenge(given)
    if (challenge === undefined) {
      throw this.error(
        call.operation,
        `answered 401 with no challenge we can answer (WWW-Authenticate: ${given || 'none'})`,
        401
      )
    }
    this.challenge = challenge
    if (challenge.scheme === 'basic') {
      if (sentAuthorization?.startsWith('Basic ') === true) throw this.refused(call.operation)
      return
    }
    await this.fetchToken(
      challenge,
      [...call.scopes, ...(challenge.scope === undefined ? [] : [challenge.scope])],
      call.scopes,
      deadline
    )
  }

  refused(operation: string): RegistryError {
    return this.error(
      operation,
      this.options.credentials === undefined
        ? 'needs credentials and none were given (401); set `username`/`password` or log in so the auth file has them'
        : 'refused the credentials (401); check `username`/`password` or the auth file',
      401
    )
  }

  loadAgents(): Promise<Agents> {
    this.agents ??= containersCa([this.registry, this.host]).then(found => {
      const ca = [...(this.options.ca ?? []), ...found]
      return {
        http: new http.Agent({ keepAlive: true }),
        https: new https.Agent({
          keepAlive: true,
          ...(ca.length > 0 ? { ca: [...tls.rootCertificates, ...ca] } : {})
        })
      }
    })
    return this.agents
  }

  exchange(
    method: string,
    url: URL,
    headers: Readonly<Record<string, string>>,
    body: Buffer | Readable | undefined,
    streaming: boolean,
    deadline: number | undefined,
    agents: Agents
  ): Promise<Opened> {
    const timeoutMs = this.options.timeoutMs ?? 30_000
    const now = Date.now()
    if (deadline !== undefined && deadline <= now) {
      return Promise.reject(
        new TransportError(
          'ETIMEDOUT',
          `operationTimeoutMs (${this.options.operationTimeoutMs ?? 0} ms) is used up`
        )
      )
    }
    const perRequest = streaming ? undefined : now + timeoutMs
    const end =
      deadline === undefined
        ? perRequest
        : Math.min(perRequest ?? Number.POSITIVE_INFINITY, deadline)
    const deadlineName =
      end === perRequest
        ? `timeoutMs (${timeoutMs} ms)`
        : `operationTimeoutMs (${this.options.operationTimeoutMs ?? 0} ms)`
    return open({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      idleTimeoutMs: Math.min(timeoutMs, deadline === undefined ? timeoutMs : deadline - now),
      ...(end === undefined ? {} : { deadline: end, deadlineName })
    })
  }
}
