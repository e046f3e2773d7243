/** Content digests: computing, checking, and checking a stream as it passes. */
import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/
const TAG = /^[\w][\w.-]{0,127}$/

export function isDigest(text: string): boolean {
  return DIGEST.test(text)
}

export function isTag(text: string): boolean {
  return TAG.test(text)
}

export type DigestAlgorithm = 'sha256' | 'sha512'

export function digestAlgorithm(digest: string): DigestAlgorithm {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256'
}

export function digestOf(bytes: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

/**
 * A pass-through that hashes what flows and fails at the end if the bytes are not the
 * ones `digest` names, so a consumer never mistakes a corrupt or truncated blob for a good one.
 */
export function verifyingStream(digest: string, mismatch: (actual: string) => Error): Transform {
  const algorithm = digestAlgorithm(digest)
  const hash = createHash(algorithm)
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk)
      callback(null, chunk)
    },
    flush(callback: TransformCallback) {
      const actual = `${algorithm}:${hash.digest('hex')}`
      callback(actual === digest ? null : mismatch(actual))
    }
  })
}
