/**
 * The keys of docker/build-push-action's `metadata` output (buildx's metadata file) that
 * workflows read, with the same meaning whichever engine built: steps written for that
 * action keep working. Pure: tested as tables.
 */

/** The image the tags point at: the index, or the one manifest of a one-platform image. */
export interface TopImage {
  readonly digest: string
  readonly mediaType: string
  /** The manifest's exact bytes, whose length is the descriptor's size. */
  readonly bytes: Buffer | string
}

/** buildx's own keys, carried over as its metadata file wrote them. */
export const BUILDX_KEYS =
  /^(buildx\.build\.(ref|provenance(\/.+)?)|containerimage\.config\.digest)$/

/** The keys of buildx's metadata file worth carrying over, from its parsed JSON. */
export function buildxKeys(json: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(json).filter(([key]) => BUILDX_KEYS.test(key)))
}

/**
 * `containerimage.digest` and `containerimage.descriptor` of what the tags point at (or of
 * the local result without a push), `image.name` as the tags, comma-separated, and what the
 * engine knew of the rest (`buildx.build.ref`, `buildx.build.provenance`, ...).
 */
export function dockerMetadataKeys(
  top: TopImage | undefined,
  tags: readonly string[],
  engineKeys: Readonly<Record<string, unknown>>
): Record<string, unknown> {
  const keys: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(engineKeys)) {
    if (BUILDX_KEYS.test(key)) keys[key] = value
  }
  if (top !== undefined) {
    keys['containerimage.digest'] = top.digest
    keys['containerimage.descriptor'] = {
      mediaType: top.mediaType,
      digest: top.digest,
      size: typeof top.bytes === 'string' ? Buffer.byteLength(top.bytes) : top.bytes.length
    }
  }
  if (tags.length > 0) keys['image.name'] = tags.join(',')
  return keys
}
