/** The built image as the checks and the push see it, whichever engine built it and wherever it is. */
import { createReadStream } from 'node:fs'
import type { BuiltImage } from '../engines/engine.js'
import { ActionError } from '../errors.js'
import type { Platform } from '../platform.js'
import { type LocalImage, blobPath, readLayout } from '../registry/layout.js'
import type { RegistryPool } from '../registry/pool.js'
import { type ImageFacts, imageFacts } from '../registry/readback.js'
import type { PlatformImage } from '../verify/image.js'
import { localBlobs, registryPlatformImages } from '../verify/sources.js'

export interface ResultImage extends ImageFacts {
  /** The top manifest's exact bytes: what the tags will point at. */
  readonly bytes: Buffer
  /** Every platform's image, its layers readable for the architecture check. */
  readonly platforms: readonly PlatformImage[]
  /** The layout as read, for a push of its files; undefined for an image in a registry. */
  readonly local: LocalImage | undefined
}

/** One platform's image of the OCI layout in `dir`: its layers read from the layout's files. */
export function layoutPlatformImage(
  dir: string,
  platform: string,
  layers: PlatformImage['layers']
): PlatformImage {
  return {
    platform,
    layers,
    open: digest => Promise.resolve(createReadStream(blobPath(dir, digest)))
  }
}

/**
 * Read the result: from its OCI layout on disk, or streamed from the repository it was pushed
 * to (its layers from a local copy where the engine left one).
 */
export async function openResult(
  image: BuiltImage,
  planned: readonly Platform[],
  pool: RegistryPool
): Promise<ResultImage> {
  if (image.kind === 'unavailable') {
    throw new ActionError(`the built image cannot be read: ${image.reason}`)
  }
  if (image.kind === 'layout') {
    const local = await readLayout(image.dir)
    const facts = imageFacts(local.digest, local.mediaType, local.bytes, planned)
    const platformOf = new Map(
      Object.entries(facts.digests).map(([platform, digest]) => [digest, platform])
    )
    const platforms: PlatformImage[] = []
    for (const manifest of local.manifests) {
      const platform = platformOf.get(manifest.digest)
      if (platform === undefined || manifest.attestation) continue
      platforms.push(layoutPlatformImage(local.dir, platform, manifest.layers))
    }
    return { ...facts, bytes: local.bytes, platforms, local }
  }
  const client = await pool.get(image.registry)
  const top = await client.getManifest({ ...image })
  if (top.digest !== image.digest) {
    throw new ActionError(
      `${image.registry}/${image.repository}@${image.digest} is served as ${top.digest}`
    )
  }
  const facts = imageFacts(top.digest, top.mediaType, top.raw, planned)
  // The top manifest comes from the registry, which confirms the push; what it names, from
  // the layout the same build wrote where there is one: the same digests, read from disk.
  const platforms = await registryPlatformImages(
    client,
    image.registry,
    image.repository,
    Object.entries(facts.digests).map(([platform, digest]) => ({ platform, digest })),
    image.localCopy === undefined ? undefined : localBlobs(image.localCopy)
  )
  return { ...facts, bytes: top.raw, platforms, local: undefined }
}
