import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type Annotation, annotationsAt } from '../annotations.js'
import { descriptorPlatformName } from '../platform.js'
import {
  ATTESTATION_SUBJECT,
  type Descriptor,
  type IndexDescriptor,
  MEDIA_TYPES,
  canonicalDescriptor,
  isAttestation,
  isIndexMediaType
} from './oci.js'
import { digestOf } from './digest.js'

/** A blob a manifest refers to (config or layer). */
export interface BlobRef {
  readonly digest: string
  readonly size: number
  readonly mediaType: string
}

export interface LayoutManifest {
  readonly digest: string
  readonly mediaType: string
  readonly bytes: Buffer
  /** `linux/arm64` in canonical spelling, from the index entry. */
  readonly platform: string | undefined
  /** An attestation manifest (provenance, SBOM) for another entry, not a platform's image. */
  readonly attestation: boolean
  /** For an attestation: the image manifest it describes. */
  readonly subject: string | undefined
  readonly config: BlobRef
  readonly layers: readonly BlobRef[]
}

/** An image as an OCI layout holds it: the top manifest or index and what it refers to. */
export interface LocalImage {
  readonly dir: string
  readonly digest: string
  readonly mediaType: string
  readonly bytes: Buffer
  readonly manifests: readonly LayoutManifest[]
}

export function blobPath(dir: string, digest: string): string {
  const [algorithm = '', hex = ''] = digest.split(':')
  if (!/^(sha256|sha512)$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) {
    throw new Error(`${digest} is not a digest`)
  }
  return path.join(dir, 'blobs', algorithm, hex)
}

async function readManifest(dir: string, descriptor: Descriptor): Promise<LayoutManifest> {
  const bytes = await readFile(blobPath(dir, descriptor.digest))
  const parsed = JSON.parse(bytes.toString('utf8')) as {
    mediaType?: string
    config: BlobRef
    layers: BlobRef[]
  }
  return {
    digest: descriptor.digest,
    mediaType: parsed.mediaType ?? descriptor.mediaType ?? MEDIA_TYPES.ociManifest,
    bytes,
    platform: descriptorPlatformName(descriptor.platform),
    attestation: isAttestation(descriptor),
    subject: descriptor.annotations?.[ATTESTATION_SUBJECT],
    config: parsed.config,
    layers: parsed.layers
  }
}

/**
 * Read the image an OCI layout holds (`index.json` naming one index or manifest), as
 * `buildah manifest push --all LIST oci:DIR` writes it.
 */
export async function readLayout(dir: string): Promise<LocalImage> {
  const top = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as {
    manifests?: Descriptor[]
  }
  const [entry, ...others] = top.manifests ?? []
  if (entry === undefined || others.length > 0) {
    throw new Error(`the OCI layout in ${dir} should name exactly one image`)
  }
  const bytes = await readFile(blobPath(dir, entry.digest))
  if (!isIndexMediaType(entry.mediaType)) {
    const manifest = await readManifest(dir, entry)
    return {
      dir,
      digest: entry.digest,
      mediaType: manifest.mediaType,
      bytes,
      manifests: [manifest]
    }
  }
  const index = JSON.parse(bytes.toString('utf8')) as {
    mediaType?: string
    manifests?: Descriptor[]
  }
  const manifests = await Promise.all(
    (index.manifests ?? []).map(child => readManifest(dir, child))
  )
  return {
    dir,
    digest: entry.digest,
    mediaType: index.mediaType ?? entry.mediaType ?? MEDIA_TYPES.ociIndex,
    bytes,
    manifests
  }
}

/** Every blob of the image, each once, with the file that holds it. */
export async function layoutBlobs(image: LocalImage): Promise<(BlobRef & { file: string })[]> {
  const seen = new Map<string, BlobRef & { file: string }>()
  for (const manifest of image.manifests) {
    for (const blob of [manifest.config, ...manifest.layers]) {
      if (seen.has(blob.digest)) continue
      const file = blobPath(image.dir, blob.digest)
      const size = (await stat(file)).size
      if (size !== blob.size)
        throw new Error(`${file} is ${size} bytes, its manifest says ${blob.size}`)
      seen.set(blob.digest, { ...blob, file })
    }
  }
  return [...seen.values()]
}

/**
 * Pure: the index with index-level annotations added and each entry's descriptor annotations
 * (by its platform) merged into it, keys sorted; the same input gives the same bytes.
 * Undefined when there is nothing to add.
 */
export function annotatedIndex(
  indexBytes: Buffer,
  annotations: readonly Annotation[]
): Buffer | undefined {
  const index = annotationsAt(annotations, 'index')
  const hasDescriptors = annotations.some(annotation => annotation.level === 'manifest-descriptor')
  if (Object.keys(index).length === 0 && !hasDescriptors) return undefined
  const parsed = JSON.parse(indexBytes.toString('utf8')) as {
    manifests?: (Descriptor & { annotations?: Record<string, string> })[]
    annotations?: Record<string, string>
  }
  const manifests = (parsed.manifests ?? []).map(entry => {
    // Attestations describe an image; they are not one of the platform entries.
    if (isAttestation(entry)) return entry
    const added = annotationsAt(
      annotations,
      'manifest-descriptor',
      descriptorPlatformName(entry.platform)
    )
    return Object.keys(added).length === 0
      ? entry
      : { ...entry, annotations: sortedKeys({ ...entry.annotations, ...added }) }
  })
  const merged = sortedKeys({ ...parsed.annotations, ...index })
  return Buffer.from(
    JSON.stringify({
      ...parsed,
      manifests,
      ...(Object.keys(merged).length === 0 ? {} : { annotations: merged })
    })
  )
}

function sortedKeys(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * Write the index and index-entry annotations into the index an OCI layout names (a new blob;
 * `index.json` then names it). False when there was nothing to add or the layout's top is a
 * lone manifest.
 */
export async function annotateLayoutIndex(
  dir: string,
  annotations: readonly Annotation[]
): Promise<boolean> {
  const indexFile = path.join(dir, 'index.json')
  const top = JSON.parse(await readFile(indexFile, 'utf8')) as {
    manifests?: Descriptor[]
  }
  const [entry, ...others] = top.manifests ?? []
  if (entry === undefined || others.length > 0 || !isIndexMediaType(entry.mediaType)) return false
  const bytes = annotatedIndex(await readFile(blobPath(dir, entry.digest)), annotations)
  if (bytes === undefined) return false
  const digest = digestOf(bytes)
  await writeFile(blobPath(dir, digest), bytes)
  const rewritten = { ...top, manifests: [{ ...entry, digest, size: bytes.length }] }
  await writeFile(indexFile, JSON.stringify(rewritten))
  return true
}

/**
 * The bytes of the OCI index over `entries`, in their order, shaped as buildah writes a
 * list's index (`mediaType`, `digest`, `size`, then `platform` with `architecture`, `os`
 * and a `variant` when there is one), so that the same images give the same digest. Pure.
 */
export function indexOver(entries: readonly IndexDescriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: entries.map(canonicalDescriptor)
    })
  )
}

/**
 * Gather layouts of one image each (as `buildah push IMAGE oci:DIR` writes them) into one
 * layout at `dir` whose `index.json` names an OCI index over their manifests, in the order
 * given. Each entry names the platform given for it, with the variant of the image's config
 * when none is given, as `buildah manifest add --os --arch [--variant]` does. Blobs are
 * moved, not copied: the parts are spent. The index digest is returned.
 */
export async function joinLayouts(
  parts: readonly {
    readonly dir: string
    readonly platform: NonNullable<IndexDescriptor['platform']>
  }[],
  dir: string
): Promise<string> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true })
  const entries = []
  for (const part of parts) {
    const top = JSON.parse(await readFile(path.join(part.dir, 'index.json'), 'utf8')) as {
      manifests?: Descriptor[]
    }
    const [entry, ...others] = top.manifests ?? []
    if (entry === undefined || others.length > 0 || isIndexMediaType(entry.mediaType)) {
      throw new Error(`the OCI layout in ${part.dir} should name exactly one image manifest`)
    }
    const manifest = await readManifest(part.dir, entry)
    const config = JSON.parse(
      (await readFile(blobPath(part.dir, manifest.config.digest))).toString('utf8')
    ) as { variant?: string }
    const digests = [manifest.digest, manifest.config.digest, ...manifest.layers.map(l => l.digest)]
    // A layer can repeat within an image, and across platforms (a copied text file).
    for (const digest of new Set(digests)) {
      await rename(blobPath(part.dir, digest), blobPath(dir, digest))
    }
    const variant = part.platform.variant ?? config.variant
    entries.push({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform: {
        architecture: part.platform.architecture,
        os: part.platform.os,
        ...(variant === undefined ? {} : { variant })
      }
    })
  }
  const index = indexOver(entries)
  const digest = digestOf(index)
  await writeFile(blobPath(dir, digest), index)
  await writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: MEDIA_TYPES.ociIndex, digest, size: index.length }]
    })
  )
  return digest
}
