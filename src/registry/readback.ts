import { ActionError } from '../errors.js'
import { type Platform, descriptorPlatformName, formatPlatform } from '../platform.js'
import { type ImageReference, formatReference, repositoryName } from '../reference.js'
import {
  ATTESTATION_SUBJECT,
  type Descriptor,
  type Manifest,
  isAttestation,
  isIndexMediaType
} from './oci.js'
import type { RegistryPool } from './pool.js'

/** What an image's top manifest says of it, wherever it is read from. */
export interface ImageFacts {
  /** Index digest, or the manifest digest for a single-platform image. */
  readonly digest: string
  readonly mediaType: string
  /** Canonical platform -> manifest digest, attestation manifests left out. */
  readonly digests: Readonly<Record<string, string>>
  /** Canonical platform -> its attestation manifests' digests. */
  readonly attestations: Readonly<Record<string, readonly string[]>>
}

export interface PushedImage extends ImageFacts {
  /** Exactly the bytes the registry serves. */
  readonly manifest: string
  /** `name@digest` for every tag. */
  readonly images: readonly string[]
}

/**
 * The facts of a top manifest: an index names its platforms; a lone manifest carries its
 * platform only in its config, so it gets the one planned platform.
 */
export function imageFacts(
  digest: string,
  mediaType: string,
  bytes: Buffer,
  expected: readonly Platform[]
): ImageFacts {
  if (!isIndexMediaType(mediaType)) {
    const [only] = expected
    const digests: Record<string, string> =
      only === undefined || expected.length > 1 ? {} : { [formatPlatform(only)]: digest }
    return { digest, mediaType, digests, attestations: {} }
  }
  const index = JSON.parse(bytes.toString('utf8')) as { manifests?: Descriptor[] }
  return {
    digest,
    mediaType,
    digests: platformDigests(index),
    attestations: attestationDigests(index)
  }
}

/** Platform -> digest from an index's entries. Pure; tested on real index shapes. */
export function platformDigests(index: {
  manifests?: readonly Descriptor[]
}): Record<string, string> {
  const digests: Record<string, string> = {}
  for (const descriptor of index.manifests ?? []) {
    const name = descriptorPlatformName(descriptor.platform)
    if (isAttestation(descriptor) || name === undefined) continue
    digests[name] = descriptor.digest
  }
  return digests
}

/**
 * Platform -> the attestation manifests (provenance, SBOM) an index holds for that
 * platform's image, in index order. One whose subject is not in the index is left out.
 */
export function attestationDigests(index: {
  manifests?: readonly Descriptor[]
}): Record<string, string[]> {
  const platformOf = new Map(
    Object.entries(platformDigests(index)).map(([platform, digest]) => [digest, platform])
  )
  const attestations: Record<string, string[]> = {}
  for (const descriptor of index.manifests ?? []) {
    if (!isAttestation(descriptor)) continue
    const platform = platformOf.get(descriptor.annotations?.[ATTESTATION_SUBJECT] ?? '')
    if (platform === undefined) continue
    attestations[platform] = [...(attestations[platform] ?? []), descriptor.digest]
  }
  return attestations
}

/**
 * Read back what the registry now holds under every tag: the source of truth for the
 * outputs. Every tag must resolve to the same manifest, covering every planned platform.
 */
export async function readBack(
  tags: readonly ImageReference[],
  expected: readonly Platform[],
  pool: RegistryPool
): Promise<PushedImage> {
  let first: Manifest | undefined
  for (const tag of tags) {
    const manifest = await (await pool.get(tag.registry)).getManifest(tag)
    if (first !== undefined && manifest.digest !== first.digest) {
      throw new ActionError(
        `${formatReference(tag)} holds ${manifest.digest}, but ${formatReference(tags[0] ?? tag)} holds ${first.digest}`
      )
    }
    first ??= manifest
  }
  if (first === undefined) throw new ActionError('nothing was pushed, so nothing can be read back')
  const facts = imageFacts(first.digest, first.mediaType, first.raw, expected)
  const digests = facts.digests
  const missing = expected.map(formatPlatform).filter(name => digests[name] === undefined)
  if (missing.length > 0) {
    throw new ActionError(
      `the registry's ${first.digest} lacks ${missing.join(', ')}; it holds ${Object.keys(digests).join(', ') || 'nothing'}`
    )
  }
  return {
    ...facts,
    manifest: first.raw.toString('utf8'),
    images: tags.map(tag => `${repositoryName(tag)}@${first.digest}`)
  }
}
