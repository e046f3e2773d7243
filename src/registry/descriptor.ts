import { MEDIA_TYPES } from './client.js'

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
