/**
 * The OCI distribution API of one registry: manifests by tag or digest, blobs by digest
 * (HEAD, streamed GET that follows the registry's redirect to its storage, cross-repository
 * mount, streamed copy, upload). Requests go through a RegistrySession.
 *
 * What is retried: GET/HEAD/PUT/DELETE of manifests and blob reads (idempotent), upload
 * starts and mounts (a lost session is only garbage), chunked uploads from where the
 * registry says it has the bytes, and blob copies as a whole, from a fresh GET.
 */
import type { Readable } from 'node:stream'
import type { ImageReference } from '../reference.js'
import { pullScope, pushScope } from './challenge.js'
import { digestAlgorithm, digestOf, isDigest, isTag, verifyingStream } from './digest.js'
import { MEDIA_TYPES, type Manifest } from './oci.js'
import { statusProblem, transportProblem } from './problems.js'
import {
  type Buffered,
  RegistryError,
  type RegistryOptions,
  RegistrySession,
  header
} from './session.js'
import { type BlobSource, type OpenedBlob, upload } from './upload.js'

export { MEDIA_TYPES, type Manifest } from './oci.js'
export { RegistryError, type RegistryOptions } from './session.js'
export { retryDelay } from './retry.js'

const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ')
/** Answers to a mount that mean "not here": upload the bytes instead. */
const MOUNT_REFUSALS = new Set([401, 403, 404, 405])
// The distribution grammar of a repository path, as in ../reference.ts.
const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/

/** How a blob got into the target repository. */
export type BlobTransfer = 'mounted' | 'copied' | 'present'

/** `repo:tag` or `repo@sha256:...`, as errors name what they were about. */
export function named(repository: string, reference: string): string {
  return isDigest(reference) ? `${repository}@${reference}` : `${repository}:${reference}`
}

export class RegistryClient {
  readonly session: RegistrySession

  constructor(registry: string, options: RegistryOptions = {}) {
    this.session = new RegistrySession(registry, options)
  }

  /** The registry's name, as references spell it. */
  get registry(): string {
    return this.session.registry
  }

  /** The protocol this client settled on (after its first request), or undefined before. */
  get protocol(): 'https' | 'http' | undefined {
    return this.session.protocol
  }

  /** Drop pooled connections; the client stays usable and reconnects on demand. */
  close(): void {
    this.session.close()
  }

  async getManifest(reference: ImageReference): Promise<Manifest> {
    const name = reference.digest ?? reference.tag ?? 'latest'
    const operation = `GET manifest ${named(reference.repository, name)}`
    const response = await this.session.buffered(
      {
        operation,
        method: 'GET',
        target: `/v2/${reference.repository}/manifests/${name}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(reference.repository)]
      },
      this.session.deadline()
    )
    if (response.status === 404) {
      throw this.session.error(
        operation,
        `does not exist; ${statusProblem(404, response.body)}`,
        404
      )
    }
    if (response.status !== 200) {
      throw this.session.error(
        operation,
        statusProblem(response.status, response.body),
        response.status
      )
    }
    const digest = digestOf(
      response.body,
      reference.digest === undefined ? 'sha256' : digestAlgorithm(reference.digest)
    )
    if (reference.digest !== undefined && reference.digest !== digest) {
      throw this.session.error(operation, `served bytes for ${reference.digest} hash to ${digest}`)
    }
    const headerDigest = header(response.headers, 'docker-content-digest')
    if (headerDigest !== undefined && headerDigest !== digest) {
      throw this.session.error(operation, `says ${headerDigest} but the bytes hash to ${digest}`)
    }
    let parsed: { mediaType?: unknown }
    try {
      parsed = JSON.parse(response.body.toString('utf8')) as { mediaType?: unknown }
    } catch (error) {
      throw this.session.error(
        operation,
        `served a manifest that is not JSON: ${transportProblem(error)}`
      )
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
    const response = await this.session.buffered(
      {
        operation,
        method: 'HEAD',
        target: `/v2/${reference.repository}/manifests/${name}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(reference.repository)]
      },
      this.session.deadline()
    )
    if (response.status === 404) return false
    if (response.status === 200) return true
    throw this.session.error(operation, statusProblem(response.status), response.status)
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
      throw this.session.error(
        operation,
        `\`${reference}\` is neither a tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a digest (sha256:<64 hex>)`
      )
    }
    const digest = digestOf(body, isDigest(reference) ? digestAlgorithm(reference) : 'sha256')
    if (isDigest(reference) && reference !== digest) {
      throw this.session.error(
        operation,
        `the bytes hash to ${digest}, not ${reference}; put a manifest under its own digest`
      )
    }
    const response = await this.session.buffered(
      {
        operation,
        method: 'PUT',
        target: `/v2/${repository}/manifests/${reference}`,
        headers: { 'content-type': mediaType, 'content-length': String(body.length) },
        body,
        scopes: [pushScope(repository)]
      },
      this.session.deadline()
    )
    if (response.status < 200 || response.status > 299) {
      throw this.session.error(
        operation,
        statusProblem(response.status, response.body),
        response.status
      )
    }
    const stored = header(response.headers, 'docker-content-digest')
    if (
      stored !== undefined &&
      digestAlgorithm(stored) === digestAlgorithm(digest) &&
      stored !== digest
    ) {
      throw this.session.error(
        operation,
        `says it stored ${stored}, but the bytes sent hash to ${digest}`
      )
    }
    return digest
  }

  /** Delete a manifest by digest; false when it was not there. */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const operation = `DELETE manifest ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const response = await this.session.buffered(
      {
        operation,
        method: 'DELETE',
        target: `/v2/${repository}/manifests/${digest}`,
        scopes: [pushScope(repository)]
      },
      this.session.deadline()
    )
    if (response.status === 404) return false
    if (response.status >= 200 && response.status <= 299) return true
    throw this.session.error(
      operation,
      statusProblem(response.status, response.body),
      response.status
    )
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return this.blobExists(repository, digest, this.session.deadline())
  }

  /**
   * The blob's bytes as a stream, following redirects to storage (without our credentials
   * when the host differs). The stream fails at its end if the bytes do not match `digest`.
   */
  async getBlob(repository: string, digest: string): Promise<Readable> {
    const operation = `GET blob ${named(repository, digest)}`
    const blob = await this.openBlob(
      repository,
      digest,
      operation,
      this.session.deadline(),
      error =>
        error instanceof RegistryError
          ? error
          : this.session.error(operation, transportProblem(error))
    )
    return blob.body
  }

  /** A small JSON blob (an image config), checked against its digest and parsed. */
  async getBlobJson<T = unknown>(repository: string, digest: string): Promise<T> {
    const operation = `GET blob ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const response = await this.session.buffered(
      {
        operation,
        method: 'GET',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pullScope(repository)],
        followRedirects: true
      },
      this.session.deadline()
    )
    if (response.status !== 200) {
      throw this.session.error(
        operation,
        statusProblem(response.status, response.body),
        response.status
      )
    }
    const actual = digestOf(response.body, digestAlgorithm(digest))
    if (actual !== digest)
      throw this.session.error(operation, `served bytes that hash to ${actual}`)
    try {
      return JSON.parse(response.body.toString('utf8')) as T
    } catch (error) {
      throw this.session.error(operation, `is not JSON: ${transportProblem(error)}`)
    }
  }

  /**
   * Link a blob from one repository into another without moving its bytes. A registry may
   * refuse: with 202 it opened an upload instead, with 401, 403, 404 or 405 it will not mount
   * at all (GHCR and Docker Hub refuse mounts across namespaces); either way the bytes are
   * then copied through us.
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
    const deadline = this.session.deadline()
    const query = new URLSearchParams({ mount: digest, from: fromRepository })
    let response: Buffered
    try {
      response = await this.session.buffered(
        {
          operation,
          method: 'POST',
          target: `/v2/${toRepository}/blobs/uploads/?${query.toString()}`,
          headers: { 'content-length': '0' },
          scopes: [pushScope(toRepository), pullScope(fromRepository)]
        },
        deadline
      )
    } catch (error) {
      // A token that may push here but not read the source ends in a refusal, not a mount.
      if (!(error instanceof RegistryError) || !MOUNT_REFUSALS.has(error.status ?? 0)) throw error
      response = { status: error.status ?? 401, headers: {}, body: Buffer.alloc(0) }
    }
    if (response.status === 201) return 'mounted'
    if (response.status !== 202 && !MOUNT_REFUSALS.has(response.status)) {
      throw this.session.error(
        operation,
        statusProblem(response.status, response.body),
        response.status
      )
    }
    this.session.log(
      `registry ${this.registry}: ${operation}: refused (${response.status}); copying the bytes instead`
    )
    const location = response.status === 202 ? header(response.headers, 'location') : undefined
    await upload(
      this.session,
      `copy blob ${digest} from ${fromRepository} to ${toRepository}`,
      this.registrySource(fromRepository, digest, `copy blob ${digest}`, deadline),
      toRepository,
      digest,
      location === undefined ? undefined : this.session.resolve(location),
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
    const deadline = this.session.deadline()
    if (await this.blobExists(toRepository, digest, deadline)) return 'present'
    await upload(
      this.session,
      operation,
      source.registrySource(fromRepository, digest, operation, deadline),
      toRepository,
      digest,
      undefined,
      deadline
    )
    return 'copied'
  }

  private async blobExists(
    repository: string,
    digest: string,
    deadline: number | undefined
  ): Promise<boolean> {
    const operation = `HEAD blob ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const response = await this.session.buffered(
      {
        operation,
        method: 'HEAD',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pullScope(repository)],
        followRedirects: true
      },
      deadline
    )
    if (response.status === 404) return false
    if (response.status === 200) return true
    throw this.session.error(operation, statusProblem(response.status), response.status)
  }

  async openBlob(
    repository: string,
    digest: string,
    operation: string,
    deadline: number | undefined,
    describe: (error: Error) => Error = error => error
  ): Promise<OpenedBlob> {
    this.checkRepository(operation, repository)
    this.checkDigest(operation, digest)
    const opened = await this.session.streamed(
      {
        operation,
        method: 'GET',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pullScope(repository)],
        followRedirects: true,
        streaming: true
      },
      deadline
    )
    const response = opened.body
    const verified = verifyingStream(digest, actual =>
      this.session.error(operation, `served bytes that hash to ${actual}`)
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
   * Upload a blob from local bytes (a file of an OCI layout). `open(start, end)` is called
   * once per attempt or chunk, since a stream can be read only once; a large blob goes in
   * chunks that resume where the registry says it got to. 'present' when it is there.
   */
  async uploadBlob(
    repository: string,
    digest: string,
    size: number,
    open: (start: number, end: number) => Readable
  ): Promise<'uploaded' | 'present'> {
    const operation = `upload blob ${named(repository, digest)}`
    this.checkRepository(operation, repository)
    const deadline = this.session.deadline()
    if (await this.blobExists(repository, digest, deadline)) return 'present'
    const source: BlobSource = {
      seekable: true,
      size,
      open: (start, end = size) => {
        const body = open(start, end)
        if (start !== 0 || end !== size) return Promise.resolve({ body, size: end - start })
        // Whole, the bytes are checked on the way; chunks are checked by the registry's PUT.
        const verified = verifyingStream(digest, actual =>
          this.session.error(operation, `local bytes hash to ${actual}`)
        )
        body.on('error', (error: Error) => verified.destroy(error))
        body.pipe(verified)
        return Promise.resolve({ body: verified, size })
      }
    }
    await upload(this.session, operation, source, repository, digest, undefined, deadline)
    return 'uploaded'
  }

  /** A blob of this registry as an upload's source: read from the start on every attempt. */
  registrySource(
    repository: string,
    digest: string,
    operation: string,
    deadline: number | undefined
  ): BlobSource {
    return {
      seekable: false,
      size: undefined,
      open: () => this.openBlob(repository, digest, operation, deadline)
    }
  }

  checkRepository(operation: string, repository: string): void {
    if (!REPOSITORY.test(repository)) {
      throw this.session.error(
        operation,
        `\`${repository}\` is not a repository name (lowercase letters, digits and . _ - separators, parts joined by /)`
      )
    }
  }

  checkDigest(operation: string, digest: string): void {
    if (!isDigest(digest)) {
      throw this.session.error(operation, `\`${digest}\` is not a digest (sha256:<64 hex>)`)
    }
  }
}
