import { ActionError } from '../errors.js'
import { type Platform, formatPlatform, parsePlatform } from '../platform.js'
import { type ImageReference, formatReference, repositoryName } from '../reference.js'
import { MEDIA_TYPES, type Manifest, RegistryClient } from './client.js'
import type { Credentials } from './credentials.js'

interface Descriptor {
  readonly mediaType?: string
  readonly digest: string
  readonly platform?: {
    readonly os?: string
    readonly architecture?: string
    readonly variant?: string
  }
  readonly annotations?: Readonly<Record<string, string>>
}

export interface PushedImage {
  /** Index digest, or the manifest digest for a single-platform push. */
  readonly digest: string
  readonly mediaType: string
  /** Exactly the bytes the registry serves. */
  readonly manifest: string
  /** Canonical platform -> manifest digest, attestation manifests left out. */
  readonly digests: Readonly<Record<string, string>>
  /** `name@digest` for every tag. */
  readonly images: readonly string[]
}

function isIndex(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList
}

function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  )
}

/** `linux/arm64/v8` as the planner spells it (`linux/arm64`); unknown names stay as they are. */
function canonicalName(name: string): string {
  try {
    return formatPlatform(parsePlatform(name))
  } catch {
    return name
  }
}

/** Platform -> digest from an index's entries. Pure; tested on real index shapes. */
export function platformDigests(index: {
  manifests?: readonly Descriptor[]
}): Record<string, string> {
  const digests: Record<string, string> = {}
  for (const descriptor of index.manifests ?? []) {
    if (isAttestation(descriptor) || descriptor.platform?.architecture === undefined) continue
    const { os = 'linux', architecture, variant } = descriptor.platform
    const name = [os, architecture, variant]
      .filter(part => part !== undefined && part !== '')
      .join('/')
    digests[canonicalName(name)] = descriptor.digest
  }
  return digests
}

/**
 * Read back what the registry now holds under every tag: the source of truth for the
 * outputs. Every tag must resolve to the same manifest, covering every planned platform.
 */
export async function readBack(
  tags: readonly ImageReference[],
  expected: readonly Platform[],
  credentialsFor: (registry: string) => Promise<Credentials | undefined>
): Promise<PushedImage> {
  const clients = new Map<string, RegistryClient>()
  let first: Manifest | undefined
  try {
    for (const tag of tags) {
      let client = clients.get(tag.registry)
      if (client === undefined) {
        const credentials = await credentialsFor(tag.registry)
        client = new RegistryClient(tag.registry, credentials === undefined ? {} : { credentials })
        clients.set(tag.registry, client)
      }
      const manifest = await client.getManifest(tag)
      if (first !== undefined && manifest.digest !== first.digest) {
        throw new ActionError(
          `${formatReference(tag)} holds ${manifest.digest}, but ${formatReference(tags[0] ?? tag)} holds ${first.digest}`
        )
      }
      first ??= manifest
    }
  } finally {
    // Pooled keep-alive sockets would otherwise outlive the read-back.
    for (const client of clients.values()) client.close()
  }
  if (first === undefined) throw new ActionError('nothing was pushed, so nothing can be read back')
  const parsed = JSON.parse(first.raw.toString('utf8')) as { manifests?: Descriptor[] }
  let digests: Record<string, string>
  if (isIndex(first.mediaType)) {
    digests = platformDigests(parsed)
  } else {
    const [only] = expected
    digests = only === undefined ? {} : { [formatPlatform(only)]: first.digest }
  }
  const missing = expected.map(formatPlatform).filter(name => digests[name] === undefined)
  if (missing.length > 0) {
    throw new ActionError(
      `the registry's ${first.digest} lacks ${missing.join(', ')}; it holds ${Object.keys(digests).join(', ') || 'nothing'}`
    )
  }
  return {
    digest: first.digest,
    mediaType: first.mediaType,
    manifest: first.raw.toString('utf8'),
    digests,
    images: tags.map(tag => `${repositoryName(tag)}@${first.digest}`)
  }
}
