/** Turning a registry's answers and socket failures into messages with a cause and a fix. Pure. */
import { STATUS_CODES } from 'node:http'
import { errorCode } from './retry.js'
import { TransportError } from './transport.js'

/** `CODE: message` of the distribution error body `{"errors":[{code,message}]}`, if any. */
export function registryErrors(body: Buffer | string): string | undefined {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  const errors = (parsed as { errors?: unknown } | null)?.errors
  if (!Array.isArray(errors)) return undefined
  const parts = errors
    .filter((entry): entry is { code?: unknown; message?: unknown } => typeof entry === 'object')
    .map(entry =>
      [entry.code, entry.message].filter(part => typeof part === 'string' && part !== '').join(': ')
    )
    .filter(part => part !== '')
  return parts.length > 0 ? parts.join('; ') : undefined
}

const STATUS_FIXES: Readonly<Record<number, string>> = {
  401: 'check `username`/`password` or the auth file',
  403: 'the credentials lack access to this repository; grant push/pull or use other credentials',
  404: 'check the repository name and the tag or digest',
  413: 'the registry limits request sizes; check its proxy settings',
  429: 'the registry rate-limits this client; retry later or authenticate'
}

const REGISTRY_CODE_FIXES: Readonly<Record<string, string>> = {
  MANIFEST_BLOB_UNKNOWN: 'push or mount its blobs (and child manifests) into the repository first',
  BLOB_UPLOAD_UNKNOWN: 'the upload session expired or was lost; start the upload again',
  DIGEST_INVALID: 'the uploaded bytes do not match their digest; the source may be corrupt',
  NAME_UNKNOWN: 'check the repository name',
  DENIED:
    'the credentials lack access to this repository; grant push/pull or use other credentials',
  TOOMANYREQUESTS: 'the registry rate-limits this client; retry later or authenticate'
}

/** `answered 404 Not Found (MANIFEST_UNKNOWN: manifest unknown); check ...`. */
export function statusProblem(status: number, body: Buffer | string = ''): string {
  const reason = STATUS_CODES[status] ?? 'unknown status'
  const details = registryErrors(body)
  const code = details?.match(/^[A-Z_]+/)?.[0]
  const fix = (code === undefined ? undefined : REGISTRY_CODE_FIXES[code]) ?? STATUS_FIXES[status]
  return `answered ${status} ${reason}${details === undefined ? '' : ` (${details})`}${fix === undefined ? '' : `; ${fix}`}`
}

const CODE_FIXES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'is a registry listening at this address?',
  ENOTFOUND: 'check the host name',
  EAI_AGAIN: 'DNS did not answer; check the network',
  ETIMEDOUT: 'the registry or the network is too slow; raise `timeoutMs` or check the network',
  ECONNRESET: 'the connection was cut; a proxy or the registry may be overloaded',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'trust its CA: put it in /etc/containers/certs.d/<host>/ca.crt',
  SELF_SIGNED_CERT_IN_CHAIN: 'trust its CA: put it in /etc/containers/certs.d/<host>/ca.crt',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'trust its CA: put it in /etc/containers/certs.d/<host>/ca.crt',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the certificate does not name this host; use the name it was issued for'
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  if (error.message === '' && error instanceof AggregateError) {
    return error.errors.map(describe).join(', ')
  }
  return error.message
}

/** A socket-level failure as `message; fix`. */
export function transportProblem(error: unknown): string {
  const message = describe(error)
  const code = errorCode(error)
  const fix = code === undefined ? undefined : CODE_FIXES[code]
  // Our own timeouts say what they are; Node's messages may lack their code.
  const named =
    code === undefined || message.includes(code) || error instanceof TransportError
      ? message
      : `${message} (${code})`
  return fix === undefined ? named : `${named}; ${fix}`
}
