import { readFile, readdir } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import tls from 'node:tls'
import type { ImageReference } from '../reference.js'
import {
  type BearerChallenge,
  type Challenge,
  normaliseScopes,
  parseTokenAnswer,
  preferredChallenge,
  repositoryScope,
  tokenUrl
} from './challenge.js'
import type { Credentials } from './credentials.js'
import { digestAlgorithm, digestOf, isDigest, isTag, verifyingStream } from './digest.js'
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

export { retryDelay } from './retry.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ')
/** Manifests are capped at 4 MiB by the spec; configs are smaller. Blobs are streamed. */
const BODY_LIMIT = 32 * 1024 * 1024
const ERROR_BODY_LIMIT = 1024 * 1024
const MAX_REDIRECTS = 5
const REDIRECTS = new Set([301, 302, 303, 307, 308])
// The distribution grammar of a repository path, as in ../reference.ts.
const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/

export interface Manifest {
  readonly mediaType: string
  readonly digest: string
  /** The exact bytes the registry serves: the digest is over these. */
  readonly raw: Buffer
}

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
}

/** How a blob got into the target repository. */
export type BlobTransfer = 'mounted' | 'copied' | 'present'

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
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfter?: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'Retryable'
  }
}

interface Call {
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

interface Buffered {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

interface Agents {
  readonly http: http.Agent
  readonly https: https.Agent
}

interface OpenedBlob {
  readonly body: Readable
  /** From Content-Length; unknown for a chunked answer. */
  readonly size: number | undefined
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return name === 'localhost' || name === '::1' || /^127\./.test(name)
}

/** CA certificates the containers tools trust for this host (so buildah and we agree). */
async function containersCa(registry: string): Promise<string[]> {
  const dir = path.join('/etc/containers/certs.d', registry)
  try {
    const files = (await readdir(dir)).filter(file => file.endsWith('.crt'))
    return await Promise.all(files.map(file => readFile(path.join(dir, file), 'utf8')))
  } catch {
    return []
  }
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** `repo:tag` or `repo@sha256:...`, as errors name what they were about. */
function named(repository: string, reference: string): string {
  return isDigest(reference) ? `${repository}@${reference}` : `${repository}:${reference}`
}

function pull(repository: string): string {
  return repositoryScope(repository, 'pull')
}

function push(repository: string): string {
  return repositoryScope(repository, 'pull,push')
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}

/**
 * An OCI distribution client: manifests by tag or digest, blobs by digest (HEAD, streamed
 * GET, cross-repository mount, streamed copy), with basic auth or the bearer-token
 * challenge, TLS with the containers' CA, retries with backoff and per-request timeouts.
 * Loopback registries may speak plain HTTP, as docker allows.
 *
 * What is retried: GET/HEAD/PUT/DELETE of manifests and blob reads (idempotent), upload
 * starts and mounts (a lost session is only garbage), and blob copies as a whole, from a
 * fresh GET into a fresh session (a half-sent stream cannot be resumed).
 */
export class RegistryClient {
  private scheme: 'https' | 'http' | undefined
  private challenge: Challenge | undefined
  private readonly tokens = new Map<
    string,
    { readonly token: string; readonly expiresAt: number }
  >()
  private agents: Promise<Agents> | undefined
  private pinged: Promise<void> | undefined

  constructor(
    readonly registry: string,
    private readonly options: RegistryOptions = {}
  ) {}

  /** The protocol this client settled on (after its first request), or undefined before. */
  get protocol(): 'https' | 'http' | undefined {
    return this.scheme
  }

  /** Resolve a tag or digest to the manifest or index it names, with its exact bytes. */
  async getManifest(reference: ImageReference): Promise<Manifest> {
    const name = reference.digest ?? reference.tag ?? 'latest'
    const operation = `GET manifest ${named(reference.repository, name)}`
    const response = await this.buffered(
      {
        operation,
        method: 'GET',
        target: `/v2/${reference.repository}/manifests/${name}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pull(reference.repository)]
      },
      this.deadline()
    )
    if (response.status === 404) {
      throw this.error(operation, `does not exist; ${statusProblem(404, response.body)}`, 404)
    }
    if (response.status !== 200) {
      throw this.error(operation, statusProblem(response.status, response.body), response.status)
    }
    const digest = digestOf(
      response.body,
      reference.digest === undefined ? 'sha256' : digestAlgorithm(reference.digest)
    )
    if (reference.digest !== undefined && reference.digest !== digest) {
      throw this.error(operation, `served bytes for ${reference.digest} hash to ${digest}`)
    }
    const headerDigest = header(response.headers, 'docker-content-digest')
    if (headerDigest !== undefined && headerDigest !== digest) {
      throw this.error(operation, `says ${headerDigest} but the bytes hash to ${digest}`)
    }
    let parsed: { mediaType?: unknown }
    try {
      parsed = JSON.parse(response.body.toString('utf8')) as { mediaType?: unknown }
    } catch (error) {
      throw this.error(operation, `served a manifest that is not JSON: ${transportProblem(error)}`)
    }
    const mediaType =
      typeof parsed.mediaType === 'string'
        ? parsed.mediaType
        : (header(response.headers, 'content-type') ?? '')
    return { mediaType, digest, raw: response.body }
  }

  /** Whether a tag or digest exists (404 is an answer, not an error). */
  async hasManifest(reference: ImageReference): Promise<boolean> {
    const name = reference.digest ?? reference.tag ?? 'latest'
    const operation = `HEAD manifest ${named(reference.repository, name)}`
    const response = await this.buffered(
      {
        operation,
        method: 'HEAD',
        target: `/v2/${reference.repository}/manifests/${name}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pull(reference.repository)]
      },
      this.deadline()
    )
    if (response.status === 404) return false
    if (response.status === 200) return true
    throw this.error(operation, statusProblem(response.status), response.status)
  }

  /**
   * Store `body` under a tag or its digest and return its digest, checked against the one
   * the registry reports. Blobs and child manifests must be in the repository already.
   */
  async putManifest(
    repository: string,
    reference: string,
    body: Buffer,
    mediaType: string
  ): Promise<string> {
    const operation = `PUT manifest ${named(repository, reference)}`
    this.checkRepository(operation, repository)
    if (!isDigest(reference) && !isTag(reference)) {
      throw this.error(
        operation,
        `\`${reference}\` is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a digest (sha256:<64 hex>)`
      )
    }
    const digest = digestOf(body, isDigest(reference) ? digestAlgorithm(reference) : 'sha256')
    if (isDigest(reference) && reference !== digest) {
      throw this.error(
        operation,
        `the bytes hash to ${digest}, not ${reference}; put a manifest under its own digest`
      )
    }
    const response = await this.buffered(
      {
        operation,
        method: 'PUT',
        target: `/v2/${repository}/manifests/${reference}`,
        headers: { 'content-type': mediaType, 'content-length': String(body.length) },
        body,
        scopes: [push(repository)]
      },
      this.deadline()
    )
    if (response.status < 200 || response.status > 299) {
      throw this.error(operation, statusProblem(response.status, response.body), response.status)
    }
    const stored = header(response.headers, 'docker-content-digest')
    if (
      stored !== undefined &&
      digestAlgorithm(stored) === digestAlgorithm(digest) &&
      stored !== digest
    ) {
      throw this.error(operation, `says it stored ${stored}, but the bytes sent hash to ${digest}`)
    }
    return digest
  }

  /** Delete a manifest by digest; false when it was not there. */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const operation = `DELETE manifest ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const response = await this.buffered(
      {
        operation,
        method: 'DELETE',
        target: `/v2/${repository}/manifests/${digest}`,
        scopes: [push(repository)]
      },
      this.deadline()
    )
    if (response.status === 404) return false
    if (response.status >= 200 && response.status <= 299) return true
    throw this.error(operation, statusProblem(response.status, response.body), response.status)
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return this.blobExists(repository, digest, this.deadline())
  }

  /**
   * The blob's bytes as a stream, following redirects to storage (without our credentials
   * when the host differs). The stream fails at its end if the bytes do not match `digest`.
   */
  async getBlob(repository: string, digest: string): Promise<Readable> {
    const operation = `GET blob ${named(repository, digest)}`
    const blob = await this.openBlob(repository, digest, operation, this.deadline(), error =>
      error instanceof RegistryError ? error : this.error(operation, transportProblem(error))
    )
    return blob.body
  }

  /** A small JSON blob (an image config), checked against its digest and parsed. */
  async getBlobJson<T = unknown>(repository: string, digest: string): Promise<T> {
    const operation = `GET blob ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const response = await this.buffered(
      {
        operation,
        method: 'GET',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pull(repository)],
        followRedirects: true
      },
      this.deadline()
    )
    if (response.status !== 200) {
      throw this.error(operation, statusProblem(response.status, response.body), response.status)
    }
    const actual = digestOf(response.body, digestAlgorithm(digest))
    if (actual !== digest) throw this.error(operation, `served bytes that hash to ${actual}`)
    try {
      return JSON.parse(response.body.toString('utf8')) as T
    } catch (error) {
      throw this.error(operation, `is not JSON: ${transportProblem(error)}`)
    }
  }

  /**
   * Link a blob from one repository into another without moving its bytes. A registry may
   * refuse (202: it opened an upload instead); then the bytes are copied through us.
   */
  async mountBlob(
    fromRepository: string,
    toRepository: string,
    digest: string
  ): Promise<'mounted' | 'copied'> {
    const operation = `mount blob ${digest} from ${fromRepository} into ${toRepository}`
    this.checkRepository(operation, fromRepository)
    this.checkRepository(operation, toRepository)
    this.checkDigest(operation, digest)
    const deadline = this.deadline()
    const query = new URLSearchParams({ mount: digest, from: fromRepository })
    const response = await this.buffered(
      {
        operation,
        method: 'POST',
        target: `/v2/${toRepository}/blobs/uploads/?${query.toString()}`,
        headers: { 'content-length': '0' },
        scopes: [push(toRepository), pull(fromRepository)]
      },
      deadline
    )
    if (response.status === 201) return 'mounted'
    if (response.status !== 202) {
      throw this.error(operation, statusProblem(response.status, response.body), response.status)
    }
    this.log(`registry ${this.registry}: ${operation}: refused (202); copying the bytes instead`)
    const location = header(response.headers, 'location')
    await this.upload(
      `copy blob ${digest} from ${fromRepository} to ${toRepository}`,
      () => this.openBlob(fromRepository, digest, `copy blob ${digest}`, deadline),
      toRepository,
      digest,
      location === undefined ? undefined : this.resolve(location),
      deadline
    )
    return 'copied'
  }

  /**
   * Stream a blob from `fromRepository` (of `source`, this registry by default) into
   * `toRepository` with a monolithic PUT (or PATCH + PUT when its size is unknown);
   * a failed transfer starts over from a fresh GET. 'present' when already there.
   */
  async copyBlob(
    fromRepository: string,
    toRepository: string,
    digest: string,
    source: RegistryClient = this
  ): Promise<'copied' | 'present'> {
    const from = source === this ? fromRepository : `${source.registry}/${fromRepository}`
    const operation = `copy blob ${digest} from ${from} to ${toRepository}`
    this.checkRepository(operation, toRepository)
    const deadline = this.deadline()
    if (await this.blobExists(toRepository, digest, deadline)) return 'present'
    await this.upload(
      operation,
      () => source.openBlob(fromRepository, digest, operation, deadline),
      toRepository,
      digest,
      undefined,
      deadline
    )
    return 'copied'
  }

  /** Drop pooled connections; the client stays usable and reconnects on demand. */
  close(): void {
    const agents = this.agents
    this.agents = undefined
    void agents?.then(({ http, https }) => {
      http.destroy()
      https.destroy()
    })
  }

  private async blobExists(
    repository: string,
    digest: string,
    deadline: number | undefined
  ): Promise<boolean> {
    const operation = `HEAD blob ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const response = await this.buffered(
      {
        operation,
        method: 'HEAD',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pull(repository)],
        followRedirects: true
      },
      deadline
    )
    if (response.status === 404) return false
    if (response.status === 200) return true
    throw this.error(operation, statusProblem(response.status), response.status)
  }

  private async openBlob(
    repository: string,
    digest: string,
    operation: string,
    deadline: number | undefined,
    describe: (error: Error) => Error = error => error
  ): Promise<OpenedBlob> {
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const opened = await this.streamed(
      {
        operation,
        method: 'GET',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pull(repository)],
        followRedirects: true,
        streaming: true
      },
      deadline
    )
    const response = opened.body
    const verified = verifyingStream(digest, actual =>
      this.error(operation, `served bytes that hash to ${actual}`)
    )
    response.on('error', (error: Error) => verified.destroy(describe(error)))
    verified.on('close', () => {
      if (!response.complete) response.destroy()
    })
    response.pipe(verified)
    const length = Number(header(opened.headers, 'content-length'))
    return {
      body: verified,
      size: Number.isSafeInteger(length) && length >= 0 ? length : undefined
    }
  }

  /**
   * Upload a blob from local bytes (a file of an OCI layout); `open` is called once per
   * attempt, since a stream can be read only once. 'present' when the registry has it.
   */
  async uploadBlob(
    repository: string,
    digest: string,
    size: number,
    open: () => Readable
  ): Promise<'uploaded' | 'present'> {
    const operation = `upload blob ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    const deadline = this.deadline()
    if (await this.blobExists(repository, digest, deadline)) return 'present'
    await this.upload(
      operation,
      () => {
        const verified = verifyingStream(digest, actual =>
          this.error(operation, `local bytes hash to ${actual}`)
        )
        const body = open()
        body.on('error', (error: Error) => verified.destroy(error))
        body.pipe(verified)
        return Promise.resolve({ body: verified, size })
      },
      repository,
      digest,
      undefined,
      deadline
    )
    return 'uploaded'
  }

  /** Upload a blob read from `openSource`; every attempt starts a fresh read (streams are one-shot). */
  private async upload(
    operation: string,
    openSource: () => Promise<OpenedBlob>,
    toRepository: string,
    digest: string,
    firstLocation: URL | undefined,
    deadline: number | undefined
  ): Promise<void> {
    let location = firstLocation
    await this.retrying(operation, deadline, async () => {
      const start = location ?? (await this.startUpload(operation, toRepository, deadline))
      // A failed attempt may have spoiled the session; the next one opens its own.
      location = undefined
      const blob = await openSource()
      try {
        await this.sendBlob(operation, start, toRepository, digest, blob, deadline)
      } finally {
        blob.body.destroy()
      }
    })
  }

  private async startUpload(
    operation: string,
    repository: string,
    deadline: number | undefined
  ): Promise<URL> {
    const response = await this.buffered(
      {
        operation: `${operation} (POST upload)`,
        method: 'POST',
        target: `/v2/${repository}/blobs/uploads/`,
        headers: { 'content-length': '0' },
        scopes: [push(repository)]
      },
      deadline
    )
    const location = header(response.headers, 'location')
    if (response.status !== 202 || location === undefined) {
      throw this.error(
        operation,
        `starting the upload ${statusProblem(response.status, response.body)}`,
        response.status
      )
    }
    return this.resolve(location)
  }

  /** One try at sending the bytes; the caller retries the whole transfer. */
  private async sendBlob(
    operation: string,
    location: URL,
    repository: string,
    digest: string,
    blob: OpenedBlob,
    deadline: number | undefined
  ): Promise<void> {
    const scopes = [push(repository)]
    let closing = location
    if (blob.size === undefined) {
      const patched = await this.attempt(
        {
          operation,
          method: 'PATCH',
          target: location,
          headers: { 'content-type': 'application/octet-stream' },
          body: blob.body,
          scopes,
          streaming: true
        },
        deadline
      )
      const answer = await readAll(patched.body, ERROR_BODY_LIMIT)
      const next = header(patched.headers, 'location')
      if (patched.status !== 202 || next === undefined) {
        this.failedUpload(operation, patched, answer)
      }
      closing = this.resolve(next)
    }
    const url = new URL(closing)
    url.searchParams.set('digest', digest)
    const put = await this.attempt(
      {
        operation,
        method: 'PUT',
        target: url,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(blob.size ?? 0)
        },
        ...(blob.size === undefined ? {} : { body: blob.body }),
        scopes,
        streaming: true
      },
      deadline
    )
    const answer = await readAll(put.body, ERROR_BODY_LIMIT)
    if (put.status !== 201) this.failedUpload(operation, put, answer)
  }

  private failedUpload(operation: string, opened: Opened, body: Buffer): never {
    if (isRetryableStatus(opened.status)) throw this.retryable(opened, body)
    throw this.error(operation, statusProblem(opened.status, body), opened.status)
  }

  private checkRepository(operation: string, repository: string): void {
    if (!REPOSITORY.test(repository)) {
      throw this.error(
        operation,
        `\`${repository}\` is not a repository name (lowercase letters, digits and . _ - separators, parts joined by /)`
      )
    }
  }

  private checkDigest(operation: string, digest: string): void {
    if (!isDigest(digest)) {
      throw this.error(operation, `\`${digest}\` is not a digest (sha256:<64 hex>)`)
    }
  }

  private error(operation: string, problem: string, status?: number): RegistryError {
    return new RegistryError(this.registry, `${operation}: ${problem}`, status)
  }

  private retryable(opened: Opened, body: Buffer): Retryable {
    const retryAfter = honoursRetryAfter(opened.status)
      ? header(opened.headers, 'retry-after')
      : undefined
    return new Retryable(statusProblem(opened.status, body), retryAfter, opened.status)
  }

  private log(message: string): void {
    this.options.log?.(message)
  }

  private deadline(): number | undefined {
    const budget = this.options.operationTimeoutMs
    return budget === undefined ? undefined : Date.now() + budget
  }

  private get base(): URL {
    return new URL(`${this.scheme ?? 'https'}://${this.registry}`)
  }

  private resolve(target: string | URL): URL {
    return new URL(target, this.base)
  }

  /** A call whose answer is small enough to hold: retried whole on 429, 5xx and resets. */
  private async buffered(call: Call, deadline: number | undefined): Promise<Buffered> {
    await this.prepare(call.operation, call.scopes, deadline)
    return this.retrying(call.operation, deadline, async () => {
      const opened = await this.attempt(call, deadline)
      const body = await readAll(opened.body, BODY_LIMIT)
      if (isRetryableStatus(opened.status)) throw this.retryable(opened, body)
      return { status: opened.status, headers: opened.headers, body }
    })
  }

  /** A call whose 2xx body is streamed to the caller; retried until the answer starts. */
  private async streamed(call: Call, deadline: number | undefined): Promise<Opened> {
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
  private async retrying<T>(
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
  private async prepare(
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
      await this.retrying(`${operation} (token)`, deadline, () =>
        this.fetchToken(challenge, scopes, scopes, deadline)
      )
    }
  }

  private async ping(deadline: number | undefined): Promise<void> {
    const agents = await this.loadAgents()
    if (this.scheme === undefined && this.options.protocol !== undefined) {
      this.scheme = this.options.protocol
    }
    if (this.scheme === undefined) {
      try {
        const opened = await this.exchange(
          'GET',
          new URL(`https://${this.registry}/v2/`),
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
          !isLoopback(this.registry) ||
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
      new URL(`${this.scheme}://${this.registry}/v2/`),
      {},
      undefined,
      false,
      deadline,
      agents
    )
    await this.readPing(opened)
  }

  private async readPing(opened: Opened): Promise<void> {
    const body = await readAll(opened.body, ERROR_BODY_LIMIT)
    if (opened.status === 401) {
      this.challenge = preferredChallenge(header(opened.headers, 'www-authenticate') ?? '')
    } else if (isRetryableStatus(opened.status)) {
      throw this.retryable(opened, body)
    }
    // Anything else (200, or a 404 from a registry without /v2/): requests will tell.
  }

  private bearer(scopes: readonly string[]): string | undefined {
    const held = this.tokens.get(normaliseScopes(scopes).join(' '))
    return held !== undefined && held.expiresAt > Date.now() ? held.token : undefined
  }

  /** One token request; its failures are retried by the caller's loop. */
  private async fetchToken(
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
    this.tokens.set(normaliseScopes(cacheFor).join(' '), { token: answer.token, expiresAt })
  }

  /** What to send as Authorization: nothing to another host, so redirects never leak it. */
  private authorization(url: URL, scopes: readonly string[]): string | undefined {
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
  private async attempt(call: Call, deadline: number | undefined): Promise<Opened> {
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

  private async answerChallenge(
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

  private refused(operation: string): RegistryError {
    return this.error(
      operation,
      this.options.credentials === undefined
        ? 'needs credentials and none were given (401); set `username`/`password` or log in so the auth file has them'
        : 'refused the credentials (401); check `username`/`password` or the auth file',
      401
    )
  }

  private loadAgents(): Promise<Agents> {
    this.agents ??= containersCa(this.registry).then(found => {
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

  private exchange(
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
