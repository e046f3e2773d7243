/** The OCI image and distribution types every part of the house shares. Pure. */

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

/** A manifest or index as a registry serves it. */
export interface Manifest {
  readonly mediaType: string
  readonly digest: string
  /** The exact bytes the registry serves: the digest is over these. */
  readonly raw: Buffer
}

/** A content descriptor, as indexes and manifests list them. */
export interface Descriptor {
  readonly mediaType?: string
  readonly digest: string
  readonly size?: number
  readonly platform?: {
    readonly os?: string
    readonly architecture?: string
    readonly variant?: string
  }
  readonly annotations?: Readonly<Record<string, string>>
}

/** The annotations by which BuildKit ties an attestation manifest to the image it describes. */
export const ATTESTATION_TYPE = 'vnd.docker.reference.type'
export const ATTESTATION_SUBJECT = 'vnd.docker.reference.digest'

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList
}

/** An index entry that is an attestation (provenance, SBOM), not an image of a platform. */
export function isAttestation(descriptor: {
  readonly platform?: { readonly os?: unknown; readonly architecture?: unknown }
  readonly annotations?: Readonly<Record<string, unknown>>
}): boolean {
  return (
    descriptor.annotations?.[ATTESTATION_TYPE] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  )
}

/** An index entry with all an index needs to name one manifest. */
export interface IndexDescriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
  readonly platform?: {
    readonly os: string
    readonly architecture: string
    readonly variant?: string
  }
  readonly annotations?: Readonly<Record<string, string>>
}

/**
 * The entry with its keys in one fixed order (the order buildah writes a list's entries in),
 * an empty variant left out and annotations sorted by key: equal entries serialise to equal
 * bytes, and equal indexes to equal digests.
 */
export function canonicalDescriptor(descriptor: IndexDescriptor): IndexDescriptor {
  const platform = descriptor.platform
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(platform === undefined
      ? {}
      : {
          platform: {
            architecture: platform.architecture,
            os: platform.os,
            ...(platform.variant === undefined || platform.variant === ''
              ? {}
              : { variant: platform.variant })
          }
        }),
    ...(descriptor.annotations === undefined
      ? {}
      : {
          annotations: sortedKeys(descriptor.annotations)
        })
  }
}

/** The same entries, sorted by key (localeCompare). */
export function sortedKeys(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)))
}
