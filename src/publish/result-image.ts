/** The built image as the checks and the push see it, whichever engine built it and wherever it is. */
import { createReadStream } from 'node:fs'
import { ActionError } from '../errors.js'
import type { BuiltImage } from '../engines/engine.js'
import type { RegistryPool } from '../registry/pool.js'
import { type LocalImage, blobPath, readLayout } from '../registry/layout.js'
import { isIndexMediaType } from '../registry/descriptor.js'
import { attestationDigests, platformDigests } from '../registry/readback.js'
import type { PlatformImage } from '../verify/image.js'
import { registryPlatformImages } from '../verify/sources.js'

export interface ResultImage {
  /** The index digest, or the manifest digest of a one-platform image. */
  readonly digest: string
  readonly mediaType: string
  /** The top manifest's exact bytes: what the tags will point at. */
  readonly bytes: Buffer
  /** Canonical platform -> manifest digest, attestations left out. */
  readonly digests: Readonly<Record<string, string>>
  /** Canonical platform -> digests of its attestation manifests. */
  readonly attestations: Readonly<Record<string, readonly string[]>>
  /** Every platform's image, its layers readable for the architecture check. */
  readonly platforms: readonly PlatformImage[]
  /** The layout as read, for a push of its files; undefined for an image in a registry. */
  readonly local: LocalImage | undefined
}

interface IndexJson {
  manifests?: {
    digest: string
    mediaType?: string
    platform?: { os?: string; architecture?: string; variant?: string }
    annotations?: Record<string, string>
  }[]
}

/** One-platform images carry their platform in the config only; the plan knows it. */
function loneDigests(digest: string, onlyPlatform: string | undefined): Record<string, string> {
  return onlyPlatform === undefined ? {} : { [onlyPlatform]: digest }
}

/** Read the result: from its OCI layout on disk, or streamed from the repository it was pushed to. */
export async function openResult(
  image: BuiltImage,
  plannedPlatforms: readonly string[],
  pool: RegistryPool
): Promise<ResultImage> {
  const onlyPlatform = plannedPlatforms.length === 1 ? plannedPlatforms[0] : undefined
  if (image.kind === 'unavailable') {
    throw new ActionError(`the built image cannot be read: ${image.reason}`)
  }
  if (image.kind === 'layout') {
    const local = await readLayout(image.dir)
    const index = isIndexMediaType(local.mediaType)
      ? (JSON.parse(local.bytes.toString('utf8')) as IndexJson)
      : undefined
    const digests =
      index === undefined ? loneDigests(local.digest, onlyPlatform) : platformDigests(index)
    const byDigest = new Map(
      Object.entries(digests).map(([platform, digest]) => [digest, platform])
    )
    return {
      digest: local.digest,
      mediaType: local.mediaType,
      bytes: local.bytes,
      digests,
      attestations: index === undefined ? {} : attestationDigests(index),
      platforms: local.manifests
        .filter(manifest => !manifest.attestation && byDigest.has(manifest.digest))
        .map(manifest => ({
          platform: byDigest.get(manifest.digest) ?? '',
          layers: manifest.layers,
          open: digest => Promise.resolve(createReadStream(blobPath(local.dir, digest)))
        })),
      local
    }
  }
  const client = await pool.get(image.registry)
  const top = await client.getManifest({
    registry: image.registry,
    repository: image.repository,
    digest: image.digest
  })
  if (top.digest !== image.digest) {
    throw new ActionError(
      `${image.registry}/${image.repository}@${image.digest} is served as ${top.digest}`
    )
  }
  const index = isIndexMediaType(top.mediaType)
    ? (JSON.parse(top.raw.toString('utf8')) as IndexJson)
    : undefined
  const digests =
    index === undefined ? loneDigests(top.digest, onlyPlatform) : platformDigests(index)
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    bytes: top.raw,
    digests,
    attestations: index === undefined ? {} : attestationDigests(index),
    platforms: await registryPlatformImages(
      client,
      image.registry,
      image.repository,
      Object.entries(digests).map(([platform, digest]) => ({ platform, digest }))
    ),
    local: undefined
  }
}
