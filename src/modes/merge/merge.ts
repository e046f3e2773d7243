import * as core from '@actions/core'
import { REGISTRY_CONCURRENCY, mapBounded } from '../../bounded.js'
import { ActionError } from '../../errors.js'
import { type Platform, formatPlatform } from '../../platform.js'
import { legTag } from '../../plan.js'
import { type ImageReference, formatReference } from '../../reference.js'
import { MEDIA_TYPES, RegistryError } from '../../registry/client.js'
import { digestOf } from '../../registry/digest.js'
import { isIndexMediaType } from '../../registry/oci.js'
import type { RegistryPool } from '../../registry/pool.js'
import { bringManifest, moveTags } from '../../registry/publish.js'
import type { PlatformImage } from '../../verify/image.js'
import { registryPlatformImages } from '../../verify/sources.js'
import type { Annotation } from '../../annotations.js'
import {
  type Descriptor,
  type SourceImage,
  assembleIndex,
  missingManifestAnnotations,
  platformKey,
  splitIndex
} from './assemble.js'

/** The legs' images: the `sources` input, else each platform's tag next to the first tag. */
export function mergeSources(
  sources: readonly ImageReference[],
  tags: readonly ImageReference[],
  platforms: readonly Platform[]
): ImageReference[] {
  if (sources.length > 0) return [...sources]
  const [first] = tags
  if (first === undefined) throw new ActionError('input `tags`: merge mode needs a tag to push')
  return platforms.map(platform => legTag(first, platform))
}

interface ParsedManifest {
  readonly mediaType?: string
  readonly manifests?: Descriptor[]
  readonly config?: { readonly digest: string }
  readonly layers?: readonly { readonly digest: string }[]
}

/** What a leg pushed: an index is flattened; a lone manifest gets its platform from its config. */
async function resolveSource(pool: RegistryPool, source: ImageReference): Promise<SourceImage> {
  const client = await pool.get(source.registry)
  const manifest = await client.getManifest(source)
  const parsed = JSON.parse(manifest.raw.toString('utf8')) as ParsedManifest
  const reference = formatReference(source)
  if (isIndexMediaType(manifest.mediaType)) {
    return { ...splitIndex(reference, parsed.manifests ?? []), digest: manifest.digest }
  }
  if (parsed.config === undefined)
    throw new ActionError(`${reference} is neither an index nor an image`)
  const config = await client.getBlobJson<{ os?: string; architecture?: string; variant?: string }>(
    source.repository,
    parsed.config.digest
  )
  if (config.architecture === undefined) {
    throw new ActionError(`${reference}: its config names no architecture`)
  }
  const image: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.raw.length,
    platform: {
      os: config.os ?? 'linux',
      architecture: config.architecture,
      ...(config.variant === undefined ? {} : { variant: config.variant })
    }
  }
  return { reference, digest: manifest.digest, images: [image], attestations: [] }
}

/** One platform of the merge and the leg it came from. */
export interface MergedLeg {
  readonly platform: string
  readonly source: ImageReference
  /** What the leg's reference resolved to: the digest its record is filed under. */
  readonly digest: string | undefined
}

export interface MergeResult {
  readonly digest: string
  readonly sources: readonly ImageReference[]
  readonly legs: readonly MergedLeg[]
}

/**
 * Assemble and push the index: resolve the legs' images, check every platform is there
 * exactly once, copy them into each tag's repository, push the index by digest, and only
 * then move the tags.
 */
export async function runMerge(
  platforms: readonly Platform[],
  tags: readonly ImageReference[],
  sourceInput: readonly ImageReference[],
  pool: RegistryPool,
  /** Checks the platform images before the index is pushed (the architecture check). */
  verify: (images: PlatformImage[]) => Promise<unknown> = () => Promise.resolve(),
  annotations: readonly Annotation[] = []
): Promise<MergeResult> {
  const sources = mergeSources(sourceInput, tags, platforms)
  const resolved = await core.group('Collect the legs', () =>
    // Many legs: their manifests are fetched side by side, a few at a time.
    mapBounded(sources, REGISTRY_CONCURRENCY, async (source, position) => {
      const image = await resolveSource(pool, source).catch((error: unknown) => {
        const platform = sourceInput.length === 0 ? platforms[position] : undefined
        if (error instanceof RegistryError && error.status === 404 && platform !== undefined) {
          throw new ActionError(
            `cannot merge: no leg pushed ${formatPlatform(platform)} (${formatReference(source)} does not exist)`,
            'Run its build leg with push-by-digest: true first; no tag was moved'
          )
        }
        throw error
      })
      core.info(
        `${image.reference}: ${image.images.map(entry => entry.digest).join(', ')}${
          image.attestations.length > 0 ? ` (+${image.attestations.length} attestations)` : ''
        }`
      )
      return image
    })
  )
  const expected = platforms.map(formatPlatform)
  const { index, entries } = assembleIndex(expected, resolved, annotations)
  await checkManifestAnnotations(pool, sources, resolved, entries, annotations)
  const image = { digest: digestOf(index), bytes: index, mediaType: MEDIA_TYPES.ociIndex }
  await verify(await platformImages(pool, sources, resolved, entries))
  await core.group('Push the index by digest (no tag moves yet)', async () => {
    for (const tag of uniqueRepositories(tags)) {
      const client = await pool.get(tag.registry)
      for (const [position, source] of sources.entries()) {
        if (source.registry !== tag.registry) {
          throw new ActionError(
            `${formatReference(source)} is on ${source.registry}, the tags on ${tag.registry}`,
            'Merge within one registry: push the legs to the registry of the final tags'
          )
        }
        const from = resolved[position]
        if (from === undefined) continue
        for (const entry of [...from.images, ...from.attestations]) {
          if (entries.some(kept => kept.digest === entry.digest)) {
            await bringManifest(
              { client, repository: source.repository },
              { client, repository: tag.repository },
              entry.digest
            )
          }
        }
      }
      await client.putManifest(tag.repository, image.digest, index, image.mediaType)
      core.info(`${tag.registry}/${tag.repository}@${image.digest}`)
    }
  })
  await core.group('Move the tags', () => moveTags(image, tags, pool))
  const legs = sources.flatMap((source, position) =>
    (resolved[position]?.images ?? [])
      .filter(entry => entries.some(kept => kept.digest === entry.digest))
      .map(entry => ({
        platform: platformKey(entry.platform),
        source,
        digest: resolved[position]?.digest
      }))
  )
  return { digest: image.digest, sources, legs }
}

/**
 * The merge writes the index, never the legs' manifests: manifest-level annotations must
 * already be on them (the legs were given the same `annotations`), else it stops, naming each.
 */
async function checkManifestAnnotations(
  pool: RegistryPool,
  sources: readonly ImageReference[],
  resolved: readonly SourceImage[],
  entries: readonly Descriptor[],
  annotations: readonly Annotation[]
): Promise<void> {
  if (!annotations.some(annotation => annotation.level === 'manifest')) return
  const perSource = await mapBounded(sources, REGISTRY_CONCURRENCY, async (source, position) => {
    const client = await pool.get(source.registry)
    const kept = (resolved[position]?.images ?? []).filter(entry =>
      entries.some(entryKept => entryKept.digest === entry.digest)
    )
    return Promise.all(
      kept.map(async entry => {
        const manifest = await client.getManifest({ ...source, digest: entry.digest })
        const parsed = JSON.parse(manifest.raw.toString('utf8')) as {
          annotations?: Record<string, string>
        }
        return { platform: platformKey(entry.platform), annotations: parsed.annotations ?? {} }
      })
    )
  })
  const missing = missingManifestAnnotations(perSource.flat(), annotations)
  if (missing.length > 0) {
    throw new ActionError(
      `cannot merge: the manifest-level \`annotations\` belong on the legs' images, and ${missing.join('; ')}`,
      'Give the build legs the same `annotations` (a merge cannot change their manifests without changing their digests), or prefix these with `index:` for the index; no tag was moved'
    )
  }
  core.info(`every platform's manifest carries the manifest-level annotations`)
}

/** The kept platform images, their layers streamed from the leg's repository. */
async function platformImages(
  pool: RegistryPool,
  sources: readonly ImageReference[],
  resolved: readonly SourceImage[],
  entries: readonly Descriptor[]
): Promise<PlatformImage[]> {
  const perSource = await mapBounded(sources, REGISTRY_CONCURRENCY, async (source, position) => {
    const kept = (resolved[position]?.images ?? []).filter(entry =>
      entries.some(entryKept => entryKept.digest === entry.digest)
    )
    return registryPlatformImages(
      await pool.get(source.registry),
      source.registry,
      source.repository,
      kept.map(entry => ({ platform: platformKey(entry.platform), digest: entry.digest }))
    )
  })
  return perSource.flat()
}

function uniqueRepositories(tags: readonly ImageReference[]): ImageReference[] {
  const seen = new Set<string>()
  return tags.filter(tag => {
    const key = `${tag.registry}/${tag.repository}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
