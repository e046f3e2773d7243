/** What buildx says it built: its `--metadata-file`. Pure. */
import { ActionError } from '../../errors.js'

const DIGEST = /^sha256:[a-f0-9]{64}$/

export interface BuildxMetadata {
  /** Digest of what the image exporter produced: the index, or the manifest of one platform. */
  readonly digest?: string
  readonly mediaType?: string
  /** Names the image exporter used (`image.name`), in its order. */
  readonly imageNames: readonly string[]
  /** `builder/node/ref`, for `docker buildx history`. */
  readonly buildRef?: string
  /** Only for a single-platform image. */
  readonly configDigest?: string
}

type JsonObject = Readonly<Record<string, unknown>>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringField(object: JsonObject, key: string): string | undefined {
  const value = object[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function checkedDigest(value: string | undefined, where: string): string | undefined {
  // A malformed digest would end up in a step output; refuse it rather than pass it on.
  if (value !== undefined && !DIGEST.test(value)) {
    throw new ActionError(`buildx wrote \`${value}\` as ${where}, which is not sha256:<64 hex>`)
  }
  return value
}

/** Read the JSON buildx writes with `--metadata-file`. */
export function parseMetadataFile(json: unknown): BuildxMetadata {
  if (!isObject(json)) throw new ActionError('the buildx metadata file does not hold a JSON object')
  const descriptor = isObject(json['containerimage.descriptor'])
    ? json['containerimage.descriptor']
    : undefined
  const digest = checkedDigest(
    stringField(json, 'containerimage.digest') ??
      (descriptor === undefined ? undefined : stringField(descriptor, 'digest')),
    '`containerimage.digest`'
  )
  const configDigest = checkedDigest(
    stringField(json, 'containerimage.config.digest'),
    '`containerimage.config.digest`'
  )
  const mediaType = descriptor === undefined ? undefined : stringField(descriptor, 'mediaType')
  const buildRef = stringField(json, 'buildx.build.ref')
  const imageNames = (stringField(json, 'image.name') ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '')
  return {
    ...(digest === undefined ? {} : { digest }),
    ...(mediaType === undefined ? {} : { mediaType }),
    imageNames,
    ...(buildRef === undefined ? {} : { buildRef }),
    ...(configDigest === undefined ? {} : { configDigest })
  }
}
