/**
 * The pure half of `mode: merge`: from the manifests the build legs pushed, one OCI index
 * with every expected platform exactly once, in the order of the `platforms` input, so the
 * same legs always give the same index digest.
 */
import { type Annotation, annotationsAt } from '../../annotations.js'
import { ActionError } from '../../errors.js'
import { descriptorPlatformName } from '../../platform.js'
import {
  ATTESTATION_SUBJECT,
  MEDIA_TYPES,
  canonicalDescriptor,
  isAttestation,
  sortedKeys
} from '../../registry/oci.js'

export interface PlatformSpec {
  readonly os: string
  readonly architecture: string
  readonly variant?: string
}

export interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
  readonly platform?: PlatformSpec
  readonly annotations?: Readonly<Record<string, string>>
}

/** What one source (a leg's `image@digest`) turned out to hold. */
export interface SourceImage {
  readonly reference: string
  /** The digest the leg's reference resolved to (its index, or its one manifest). */
  readonly digest?: string
  /** Platform manifests, each with its platform set. */
  readonly images: readonly Descriptor[]
  /** Attestation manifests, each naming the image it describes. */
  readonly attestations: readonly Descriptor[]
}

/** `linux/arm64` for an entry that says arm64 + v8, as the `platforms` input spells it. */
export function platformKey(platform: PlatformSpec | undefined): string {
  return descriptorPlatformName(platform) ?? 'unknown'
}

/** Split an index's entries into platform images and attestations. */
export function splitIndex(reference: string, manifests: readonly Descriptor[]): SourceImage {
  return {
    reference,
    images: manifests.filter(entry => !isAttestation(entry)),
    attestations: manifests.filter(isAttestation)
  }
}

/**
 * Every expected platform exactly once, nothing unexpected, attestations kept next to
 * the image they describe. Throws naming what is missing, doubled or unexpected.
 */
export function assembleIndex(
  expected: readonly string[],
  sources: readonly SourceImage[],
  /** Index-level ones go on the index, manifest-descriptor ones on each platform's entry. */
  annotations: readonly Annotation[] = []
): { index: Buffer; entries: readonly Descriptor[] } {
  const byPlatform = new Map<string, { image: Descriptor; from: string[] }>()
  const attestationsOf = new Map<string, Descriptor[]>()
  for (const source of sources) {
    for (const image of source.images) {
      const key = platformKey(image.platform)
      const seen = byPlatform.get(key)
      if (seen === undefined) byPlatform.set(key, { image, from: [source.reference] })
      else if (seen.image.digest !== image.digest) seen.from.push(source.reference)
    }
    for (const attestation of source.attestations) {
      const subject = attestation.annotations?.[ATTESTATION_SUBJECT]
      if (subject === undefined) continue
      const list = attestationsOf.get(subject) ?? []
      if (!list.some(entry => entry.digest === attestation.digest)) list.push(attestation)
      attestationsOf.set(subject, list)
    }
  }
  const doubled = [...byPlatform.entries()].filter(([, entry]) => entry.from.length > 1)
  const missing = expected.filter(platform => !byPlatform.has(platform))
  const unexpected = [...byPlatform.keys()].filter(platform => !expected.includes(platform))
  const problems = [
    ...doubled.map(([platform, entry]) => `${platform} comes from ${entry.from.join(' and ')}`),
    ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
    ...(unexpected.length > 0 ? [`not in \`platforms\`: ${unexpected.join(', ')}`] : [])
  ]
  if (problems.length > 0) {
    throw new ActionError(
      `cannot merge: ${problems.join('; ')}`,
      'Each platform must come from exactly one leg; no tag was moved'
    )
  }
  const entries: Descriptor[] = []
  for (const platform of expected) {
    const found = byPlatform.get(platform)
    if (found === undefined) continue
    const added = annotationsAt(annotations, 'manifest-descriptor', platform)
    entries.push(
      canonicalDescriptor(
        Object.keys(added).length === 0
          ? found.image
          : { ...found.image, annotations: { ...found.image.annotations, ...added } }
      )
    )
    for (const attestation of attestationsOf.get(found.image.digest) ?? []) {
      entries.push(canonicalDescriptor(attestation))
    }
  }
  const indexAnnotations = sortedKeys(annotationsAt(annotations, 'index'))
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: entries,
    ...(Object.keys(indexAnnotations).length === 0 ? {} : { annotations: indexAnnotations })
  }
  return { index: Buffer.from(JSON.stringify(index)), entries }
}

/**
 * Manifest-level annotations belong to the legs' images, which the merge cannot change
 * without changing their digests: it checks that each carries them. One line per platform
 * that lacks one or holds another value; empty: all there.
 */
export function missingManifestAnnotations(
  manifests: readonly {
    readonly platform: string
    readonly annotations: Readonly<Record<string, string>>
  }[],
  annotations: readonly Annotation[]
): string[] {
  return manifests.flatMap(({ platform, annotations: held }) => {
    const wanted = annotationsAt(annotations, 'manifest', platform)
    const wrong = Object.entries(wanted).flatMap(([key, value]) =>
      held[key] === value
        ? []
        : [held[key] === undefined ? `${key} missing` : `${key} is ${JSON.stringify(held[key])}`]
    )
    return wrong.length === 0 ? [] : [`${platform}: ${wrong.join(', ')}`]
  })
}
