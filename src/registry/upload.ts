/**
 * Blob uploads. Small blobs, and blobs whose bytes can only be read from the start (a copy
 * from another registry), go up in one PUT (PATCH then PUT when the size is unknown), and a
 * failed attempt starts over. Large local blobs go in chunks (POST, PATCH..., PUT); when a
 * connection drops mid-chunk, the registry is asked how far it got (its `Range`), and the
 * upload goes on from there.
 */
import type { Readable } from 'node:stream'
import { pushScope } from './challenge.js'
import { statusProblem } from './problems.js'
import { isRetryableError, isRetryableStatus } from './retry.js'
import { ERROR_BODY_LIMIT, Retryable, type RegistrySession, header } from './session.js'
import { type Opened, readAll } from './transport.js'

export interface OpenedBlob {
  readonly body: Readable
  /** From Content-Length; unknown for a chunked answer. */
  readonly size: number | undefined
}

/** Where a blob's bytes come from, once per attempt (streams are one-shot). */
export interface BlobSource {
  /** The bytes from `start` up to, not including, `end` (default: the end). */
  open(start: number, end?: number): Promise<OpenedBlob>
  /** Whether open() can start past 0: a local file can, a registry's stream cannot. */
  readonly seekable: boolean
  readonly size: number | undefined
}

/** Chunks of large uploads; blobs up to this size go in one request. */
export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024
/** How often one chunked upload may resume before the attempt fails as a whole. */
const MAX_RESUMES = 8

/** Upload one blob into `toRepository`, starting at `firstLocation` when a session is open. */
export async function upload(
  session: RegistrySession,
  operation: string,
  source: BlobSource,
  toRepository: string,
  digest: string,
  firstLocation: URL | undefined,
  deadline: number | undefined
): Promise<void> {
  const chunkBytes = session.options.chunkBytes ?? DEFAULT_CHUNK_BYTES
  const size = source.seekable ? source.size : undefined
  let location = firstLocation
  await session.retrying(operation, deadline, async () => {
    const start = location ?? (await startUpload(session, operation, toRepository, deadline))
    // A failed attempt may have spoiled the session; the next one opens its own.
    location = undefined
    if (size !== undefined && size > chunkBytes) {
      const target = { repository: toRepository, digest, size, chunkBytes }
      await sendChunks(session, operation, start, target, source, deadline)
      return
    }
    const blob = await source.open(0)
    try {
      await sendWhole(session, operation, start, toRepository, digest, blob, deadline)
    } finally {
      blob.body.destroy()
    }
  })
}

async function startUpload(
  session: RegistrySession,
  operation: string,
  repository: string,
  deadline: number | undefined
): Promise<URL> {
  const response = await session.buffered(
    {
      operation: `${operation} (POST upload)`,
      method: 'POST',
      target: `/v2/${repository}/blobs/uploads/`,
      headers: { 'content-length': '0' },
      scopes: [pushScope(repository)]
    },
    deadline
  )
  const location = header(response.headers, 'location')
  if (response.status !== 202 || location === undefined) {
    throw session.error(
      operation,
      `starting the upload ${statusProblem(response.status, response.body)}`,
      response.status
    )
  }
  return session.resolve(location)
}

/** One try at sending the bytes in one request; the caller retries the whole transfer. */
async function sendWhole(
  session: RegistrySession,
  operation: string,
  location: URL,
  repository: string,
  digest: string,
  blob: OpenedBlob,
  deadline: number | undefined
): Promise<void> {
  const scopes = [pushScope(repository)]
  let closing = location
  if (blob.size === undefined) {
    const patched = await session.attempt(
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
      failedUpload(session, operation, patched, answer)
    }
    closing = session.resolve(next)
  }
  await closeUpload(
    session,
    operation,
    closing,
    repository,
    digest,
    blob.size === undefined ? undefined : blob,
    deadline
  )
}

/** PUT `?digest=`: with the bytes (a monolithic upload) or without (after PATCHes). */
async function closeUpload(
  session: RegistrySession,
  operation: string,
  location: URL,
  repository: string,
  digest: string,
  blob: OpenedBlob | undefined,
  deadline: number | undefined
): Promise<void> {
  const url = new URL(location)
  url.searchParams.set('digest', digest)
  const put = await session.attempt(
    {
      operation,
      method: 'PUT',
      target: url,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(blob?.size ?? 0)
      },
      ...(blob === undefined ? {} : { body: blob.body }),
      scopes: [pushScope(repository)],
      streaming: true
    },
    deadline
  )
  const answer = await readAll(put.body, ERROR_BODY_LIMIT)
  if (put.status !== 201) failedUpload(session, operation, put, answer)
}

/**
 * PATCH the bytes chunk by chunk, each with its Content-Range. A chunk whose connection
 * drops is not sent again blindly: the registry says (GET on the upload) how many bytes it
 * holds, and the upload goes on from there.
 */
async function sendChunks(
  session: RegistrySession,
  operation: string,
  start: URL,
  target: {
    readonly repository: string
    readonly digest: string
    readonly size: number
    readonly chunkBytes: number
  },
  source: BlobSource,
  deadline: number | undefined
): Promise<void> {
  const { repository, digest, size, chunkBytes } = target
  const scopes = [pushScope(repository)]
  let location = start
  let offset = 0
  let resumes = 0
  while (offset < size) {
    const end = Math.min(offset + chunkBytes, size)
    try {
      const chunk = await source.open(offset, end)
      let patched: Opened
      try {
        patched = await session.attempt(
          {
            operation: `${operation} (bytes ${offset}-${end - 1} of ${size})`,
            method: 'PATCH',
            target: location,
            headers: {
              'content-type': 'application/octet-stream',
              'content-range': `${offset}-${end - 1}`,
              'content-length': String(end - offset)
            },
            body: chunk.body,
            scopes,
            streaming: true
          },
          deadline
        )
      } finally {
        chunk.body.destroy()
      }
      const answer = await readAll(patched.body, ERROR_BODY_LIMIT)
      const next = header(patched.headers, 'location')
      if (patched.status !== 202 || next === undefined) {
        // 416: the registry holds another amount than we thought; ask it, as after a drop.
        if (patched.status !== 416) failedUpload(session, operation, patched, answer)
        throw new Retryable(statusProblem(patched.status, answer), undefined, patched.status)
      }
      location = session.resolve(next)
      offset = end
    } catch (error) {
      const resumable = error instanceof Retryable || isRetryableError(error)
      if (!resumable || resumes >= MAX_RESUMES) throw error
      resumes++
      const held = await uploadStatus(session, operation, location, repository, deadline)
      session.log(
        `registry ${session.registry}: ${operation}: the chunk at ${offset} failed; the registry holds ${held.offset} of ${size} bytes, resuming there (${resumes}/${MAX_RESUMES})`
      )
      location = held.location
      offset = held.offset
    }
  }
  await closeUpload(session, operation, location, repository, digest, undefined, deadline)
}

/** How many bytes an open upload holds, from the `Range: 0-N` of a GET on it. */
async function uploadStatus(
  session: RegistrySession,
  operation: string,
  location: URL,
  repository: string,
  deadline: number | undefined
): Promise<{ offset: number; location: URL }> {
  const response = await session.buffered(
    {
      operation: `${operation} (upload status)`,
      method: 'GET',
      target: location,
      scopes: [pushScope(repository)]
    },
    deadline
  )
  if (response.status !== 204 && response.status !== 200) {
    // A registry may cancel an upload cut off mid-chunk; then only a new one will do.
    session.log(
      `registry ${session.registry}: ${operation}: the registry no longer has the upload (${statusProblem(response.status, response.body)}); starting it again`
    )
    throw new Retryable(
      `the upload was dropped by the registry (${response.status})`,
      undefined,
      response.status
    )
  }
  return {
    offset: heldBytes(header(response.headers, 'range')),
    location: session.resolve(header(response.headers, 'location') ?? location)
  }
}

/**
 * Bytes held by an upload whose status says `Range: 0-N` (N inclusive). Registries answer
 * `0-0` for an empty upload too, so it counts as nothing: at worst one byte is sent again.
 */
export function heldBytes(range: string | undefined): number {
  const match = /^(?:bytes=)?0-(\d+)$/.exec(range?.trim() ?? '')
  if (match?.[1] === undefined) return 0
  const last = Number(match[1])
  return last === 0 ? 0 : last + 1
}

function failedUpload(
  session: RegistrySession,
  operation: string,
  opened: Opened,
  body: Buffer
): never {
  if (isRetryableStatus(opened.status)) throw session.retryable(opened, body)
  throw session.error(operation, statusProblem(opened.status, body), opened.status)
}
