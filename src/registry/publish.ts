import * as core from '@actions/core'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { REGISTRY_CONCURRENCY, allBounded } from '../bounded.js'
import { ActionError, errorMessage } from '../errors.js'
import { type ImageReference, formatReference } from '../reference.js'
import type { RegistryClient } from './client.js'
import type { Manifest } from './oci.js'
import { type LocalImage, layoutBlobs } from './layout.js'
import type { RegistryPool } from './pool.js'

/**
 * Push every blob and manifest of the image into each tag's repository, addressed by
 * digest only: no tag moves. Within one registry the first repository receives the
 * bytes and the others mount them. Blobs go several at once, as buildah and BuildKit send
 * layers; then the platforms' manifests, several at once; the index last, once all it
 * names is there.
 */
export async function pushByDigest(
  image: LocalImage,
  tags: readonly ImageReference[],
  pool: RegistryPool
): Promise<void> {
  const blobs = await layoutBlobs(image)
  const firstRepository = new Map<string, string>()
  const done = new Set<string>()
  for (const tag of tags) {
    const key = `${tag.registry}/${tag.repository}`
    if (done.has(key)) continue
    done.add(key)
    const client = await pool.get(tag.registry)
    const source = firstRepository.get(tag.registry)
    const sent = await allBounded(blobs, REGISTRY_CONCURRENCY, blob =>
      source === undefined
        ? client.uploadBlob(tag.repository, blob.digest, blob.size, (start, end) =>
            end > start ? createReadStream(blob.file, { start, end: end - 1 }) : Readable.from([])
          )
        : client.mountBlob(source, tag.repository, blob.digest)
    )
    const uploaded = sent.filter(result => result === 'uploaded').length
    firstRepository.set(tag.registry, firstRepository.get(tag.registry) ?? tag.repository)
    await allBounded(image.manifests, REGISTRY_CONCURRENCY, manifest =>
      client.putManifest(tag.repository, manifest.digest, manifest.bytes, manifest.mediaType)
    )
    if (image.manifests.length > 1 || image.manifests[0]?.digest !== image.digest) {
      await client.putManifest(tag.repository, image.digest, image.bytes, image.mediaType)
    }
    core.info(
      `${key}@${image.digest}: ${blobs.length} blobs (${uploaded} uploaded, ${blobs.length - uploaded} already there or mounted)`
    )
  }
}

interface ManifestJson {
  readonly manifests?: readonly { readonly digest: string }[]
  readonly config?: { readonly digest: string }
  readonly layers?: readonly { readonly digest: string }[]
}

/** A repository of one registry, with the client that reaches it. */
export interface RepositoryAt {
  readonly client: RegistryClient
  readonly repository: string
}

/**
 * Make the manifest `digest` of `from` present in `to` by digest, with all it refers to: an
 * index's manifests first, each manifest's blobs mounted within a registry or streamed
 * across registries. What `to` already holds is left alone. No tag moves. `blobs` collects
 * every blob seen (a layer shared by platforms is moved once); the answer is how many moved.
 */
export async function bringManifest(
  from: RepositoryAt,
  to: RepositoryAt,
  digest: string,
  blobs: Set<string> = new Set()
): Promise<number> {
  const sameRegistry = from.client.registry === to.client.registry
  if (sameRegistry && from.repository === to.repository) return 0
  const target = { registry: to.client.registry, repository: to.repository, digest }
  if (await to.client.hasManifest(target)) return 0
  const manifest = await from.client.getManifest({
    registry: from.client.registry,
    repository: from.repository,
    digest
  })
  const parsed = JSON.parse(manifest.raw.toString('utf8')) as ManifestJson
  let moved = 0
  for (const child of parsed.manifests ?? []) {
    moved += await bringManifest(from, to, child.digest, blobs)
  }
  for (const blob of [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])]) {
    if (blobs.has(blob.digest)) continue
    blobs.add(blob.digest)
    const outcome = sameRegistry
      ? await to.client.mountBlob(from.repository, to.repository, blob.digest)
      : await to.client.copyBlob(from.repository, to.repository, blob.digest, from.client)
    if (outcome !== 'present') moved++
  }
  await to.client.putManifest(to.repository, digest, manifest.raw, manifest.mediaType)
  return moved
}

/**
 * Make an image that an engine pushed by digest into one repository present, by digest, in
 * every other tag's repository. No tag moves.
 */
export async function copyByDigest(
  source: { readonly registry: string; readonly repository: string; readonly digest: string },
  tags: readonly ImageReference[],
  pool: RegistryPool
): Promise<void> {
  const from = { client: await pool.get(source.registry), repository: source.repository }
  const done = new Set([`${source.registry}/${source.repository}`])
  core.info(
    `${source.registry}/${source.repository}@${source.digest}: pushed by the engine, by digest`
  )
  for (const tag of tags) {
    const key = `${tag.registry}/${tag.repository}`
    if (done.has(key)) continue
    done.add(key)
    const blobs = new Set<string>()
    const to = { client: await pool.get(tag.registry), repository: tag.repository }
    const moved = await bringManifest(from, to, source.digest, blobs)
    core.info(
      `${key}@${source.digest}: ${blobs.size} blobs (${moved} ${tag.registry === source.registry ? 'mounted' : 'copied'}, ${blobs.size - moved} already there)`
    )
  }
}

/**
 * Point every tag at the pushed image. If one fails, the tags moved before it go back to
 * what they held, but only those that still hold this run's image: a tag another run has
 * moved since is that run's, and stays. The error says what was put back and what was left.
 */
export async function moveTags(
  image: Pick<LocalImage, 'digest' | 'bytes' | 'mediaType'>,
  tags: readonly ImageReference[],
  pool: RegistryPool
): Promise<void> {
  const moved: { tag: ImageReference; previous: Manifest | undefined }[] = []
  try {
    for (const tag of tags) {
      const client = await pool.get(tag.registry)
      const previous = (await client.hasManifest(tag)) ? await client.getManifest(tag) : undefined
      await client.putManifest(tag.repository, tag.tag ?? 'latest', image.bytes, image.mediaType)
      moved.push({ tag, previous })
      core.info(`${formatReference(tag)} -> ${image.digest}`)
    }
  } catch (error) {
    const restored: string[] = []
    const left: string[] = []
    for (const { tag, previous } of moved.reverse()) {
      const name = formatReference(tag)
      const client = await pool.get(tag.registry)
      const now = await client.getManifest(tag).catch(() => undefined)
      if (now?.digest !== image.digest) {
        left.push(`${name} (now ${now?.digest ?? 'unreadable'}: moved by another push since)`)
        continue
      }
      if (previous === undefined) {
        // The distribution API cannot remove a tag without deleting the image it names.
        left.push(`${name} (new; a tag cannot be removed without deleting its image)`)
        continue
      }
      try {
        await client.putManifest(
          tag.repository,
          tag.tag ?? 'latest',
          previous.raw,
          previous.mediaType
        )
        restored.push(`${name} (back to ${previous.digest})`)
      } catch (restoreError) {
        left.push(`${name} (putting ${previous.digest} back failed: ${errorMessage(restoreError)})`)
      }
    }
    throw new ActionError(
      [
        `moving the tags failed: ${errorMessage(error)}`,
        restored.length > 0 ? `put back: ${restored.join(', ')}` : 'no tag needed putting back',
        ...(left.length > 0 ? [`left as they are: ${left.join(', ')}`] : [])
      ].join('; ')
    )
  }
}
