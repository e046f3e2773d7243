import * as core from '@actions/core'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { ActionError, errorMessage } from '../errors.js'
import { type ImageReference, formatReference } from '../reference.js'
import type { Manifest } from './oci.js'
import { type LocalImage, layoutBlobs } from './layout.js'
import type { RegistryPool } from './pool.js'

/**
 * Push every blob and manifest of the image into each tag's repository, addressed by
 * digest only: no tag moves. Within one registry the first repository receives the
 * bytes and the others mount them.
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
    let uploaded = 0
    for (const blob of blobs) {
      if (source === undefined) {
        const result = await client.uploadBlob(
          tag.repository,
          blob.digest,
          blob.size,
          (start, end) =>
            end > start ? createReadStream(blob.file, { start, end: end - 1 }) : Readable.from([])
        )
        if (result === 'uploaded') uploaded++
      } else {
        await client.mountBlob(source, tag.repository, blob.digest)
      }
    }
    firstRepository.set(tag.registry, firstRepository.get(tag.registry) ?? tag.repository)
    for (const manifest of image.manifests) {
      await client.putManifest(tag.repository, manifest.digest, manifest.bytes, manifest.mediaType)
    }
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

/**
 * Make an image that an engine pushed by digest into one repository present, by digest, in
 * every other tag's repository: blobs are mounted within a registry and streamed across
 * registries, then the manifests follow, children first. No tag moves.
 */
export async function copyByDigest(
  source: { readonly registry: string; readonly repository: string; readonly digest: string },
  tags: readonly ImageReference[],
  pool: RegistryPool
): Promise<void> {
  const from = await pool.get(source.registry)
  const top = await from.getManifest({ ...source })
  const parsed = JSON.parse(top.raw.toString('utf8')) as ManifestJson
  const children: Manifest[] = []
  for (const child of parsed.manifests ?? []) {
    children.push(await from.getManifest({ ...source, digest: child.digest }))
  }
  const blobs = new Set<string>()
  for (const manifest of [top, ...children]) {
    const body = JSON.parse(manifest.raw.toString('utf8')) as ManifestJson
    for (const blob of [...(body.config ? [body.config] : []), ...(body.layers ?? [])]) {
      blobs.add(blob.digest)
    }
  }
  const done = new Set([`${source.registry}/${source.repository}`])
  core.info(
    `${source.registry}/${source.repository}@${source.digest}: pushed by the engine, by digest`
  )
  for (const tag of tags) {
    const key = `${tag.registry}/${tag.repository}`
    if (done.has(key)) continue
    done.add(key)
    const client = await pool.get(tag.registry)
    let moved = 0
    for (const blob of blobs) {
      const outcome =
        tag.registry === source.registry
          ? await client.mountBlob(source.repository, tag.repository, blob)
          : await client.copyBlob(source.repository, tag.repository, blob, from)
      if (outcome !== 'present') moved++
    }
    for (const manifest of children) {
      await client.putManifest(tag.repository, manifest.digest, manifest.raw, manifest.mediaType)
    }
    await client.putManifest(tag.repository, top.digest, top.raw, top.mediaType)
    core.info(
      `${key}@${top.digest}: ${blobs.size} blobs (${moved} ${tag.registry === source.registry ? 'mounted' : 'copied'}, ${blobs.size - moved} already there)`
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
