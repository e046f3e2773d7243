/** What a registry serves, read by skopeo: an independent client of the registries under test. */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'

export interface SkopeoOptions {
  /** `user:password`; none: anonymous. */
  readonly creds?: string
  /** Plain HTTP or an untrusted certificate allowed. */
  readonly insecure?: boolean
  /** A --cert-dir with the CA to trust. */
  readonly certDir?: string
  /** Run inside this network namespace. */
  readonly netns?: string
}

/** The exact bytes of the manifest `reference` (`host/repository:tag`) names, or undefined. */
export function rawManifest(reference: string, options: SkopeoOptions = {}): Buffer | undefined {
  const args = [
    'inspect',
    '--raw',
    ...(options.creds === undefined ? [] : ['--creds', options.creds]),
    ...(options.insecure === true ? ['--tls-verify=false'] : []),
    ...(options.certDir === undefined ? [] : ['--cert-dir', options.certDir]),
    `docker://${reference}`
  ]
  const [program, argv] =
    options.netns === undefined
      ? ['skopeo', args]
      : ['ip', ['netns', 'exec', options.netns, 'skopeo', ...args]]
  const result = spawnSync(program, argv)
  return result.status === 0 ? result.stdout : undefined
}

/** The digest of what the registry serves for `reference`; throws when it serves nothing. */
export function servedDigest(reference: string, options: SkopeoOptions = {}): string {
  const raw = rawManifest(reference, options)
  if (raw === undefined) throw new Error(`skopeo reads nothing at ${reference}`)
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`
}
