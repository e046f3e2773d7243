/** What buildx says it built: its `--metadata-file` and OCI layouts it wrote. Pure. */
import { ActionError } from '../errors.js'
import { canonicalPlatformName, descriptorPlatformName } from '../platform.js'
import { isAttestation } from '../registry/descriptor.js'

export const INDEX_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
]

const DIGEST = /^sha256:[a-f0-9]{64}$/
/** One key for a single-platform build; `<key>/<platform>` for each platform of a many-platform one. */
const PROVENANCE = 'buildx.build.provenance'

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
  /** buildx recorded provenance: `buildx.build.provenance`, or one key per platform. */
  readonly provenance: boolean
  /** Platforms of `buildx.build.provenance/<platform>` keys (many-platform builds only). */
  readonly provenancePlatforms: readonly string[]
  /** Why `digest` is missing, for a log warning. */
  readonly warning?: string
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
  const provenancePlatforms = Object.keys(json)
    .filter(key => key.startsWith(`${PROVENANCE}/`))
    .map(key => canonicalPlatformName(key.slice(PROVENANCE.length + 1)))
  const imageNames = (stringField(json, 'image.name') ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '')
  return {
    ...(digest === undefined ? {} : { digest }),
    ...(mediaType === undefined ? {} : { mediaType }),
    imageNames,
    ...(buildRef === undefined ? {} : { buildRef }),
    ...(configDigest === undefined ? {} : { configDigest }),
    provenance: json[PROVENANCE] !== undefined || provenancePlatforms.length > 0,
    provenancePlatforms,
    ...(digest === undefined
      ? {
          warning:
            'buildx reported no image digest (the output is not an image in a registry or an OCI store, as with `load` or `outputs: type=local`), so `digest` stays empty'
        }
      : {})
  }
}

export interface OciAttestation {
  /** The attestation manifest. */
  readonly digest: string
  /** The image manifest it describes (`vnd.docker.reference.digest`). */
  readonly subject: string
  /** Platform of that image manifest, where the layout names it. */
  readonly platform?: string
}

export interface OciLayoutImage {
  /** The image's top descriptor in index.json: the index, or the only manifest. */
  readonly digest: string
  readonly mediaType: string
  /** Canonical platform -> image manifest digest, attestations left out. */
  readonly digests: Readonly<Record<string, string>>
  readonly attestations: readonly OciAttestation[]
}

interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly platform?: JsonObject
  readonly annotations?: JsonObject
}

function descriptorsOf(json: unknown, where: string): Descriptor[] {
  const manifests = isObject(json) ? json.manifests : undefined
  if (!Array.isArray(manifests)) throw new ActionError(`${where} has no \`manifests\` list`)
  return manifests.map((entry: unknown, position) => {
    const digest = isObject(entry) ? stringField(entry, 'digest') : undefined
    if (!isObject(entry) || digest === undefined) {
      throw new ActionError(`${where}: manifests[${position}] is not a descriptor with a digest`)
    }
    return {
      mediaType: stringField(entry, 'mediaType') ?? '',
      digest,
      ...(isObject(entry.platform) ? { platform: entry.platform } : {}),
      ...(isObject(entry.annotations) ? { annotations: entry.annotations } : {})
    }
  })
}

/** `linux/arm64/v8` as the planner spells it; names the action does not know stay as they are. */
function platformName(platform: JsonObject): string | undefined {
  return descriptorPlatformName({
    os: stringField(platform, 'os'),
    architecture: stringField(platform, 'architecture'),
    variant: stringField(platform, 'variant')
  })
}

/**
 * Per-platform digests of the image in an OCI layout (`--output type=oci,dest=DIR,tar=false`).
 * `readBlob(digest)` returns the parsed JSON of `blobs/sha256/<hex>`, or undefined when absent.
 */
export function digestsFromOciLayout(
  indexJson: unknown,
  readBlob: (digest: string) => unknown
): OciLayoutImage {
  const blob = (digest: string): unknown => {
    const content = readBlob(digest)
    if (content === undefined) {
      throw new ActionError(`the OCI layout has no blob ${digest}`)
    }
    return content
  }
  const [top] = descriptorsOf(indexJson, 'index.json')
  if (top === undefined) throw new ActionError('index.json of the OCI layout lists no image')
  const digests: Record<string, string> = {}
  const attestations: { digest: string; subject: string }[] = []
  if (INDEX_MEDIA_TYPES.includes(top.mediaType)) {
    for (const entry of descriptorsOf(blob(top.digest), `index ${top.digest}`)) {
      if (isAttestation(entry)) {
        const subject = entry.annotations?.['vnd.docker.reference.digest']
        attestations.push({
          digest: entry.digest,
          subject: typeof subject === 'string' ? subject : ''
        })
        continue
      }
      const name = entry.platform === undefined ? undefined : platformName(entry.platform)
      if (name !== undefined) digests[name] = entry.digest
    }
  } else {
    // A lone manifest carries its platform in the image config, not in index.json.
    const name =
      (top.platform === undefined ? undefined : platformName(top.platform)) ??
      platformOfManifest(blob(top.digest), blob)
    if (name !== undefined) digests[name] = top.digest
  }
  const platformByDigest = new Map(Object.entries(digests).map(([name, digest]) => [digest, name]))
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    digests,
    attestations: attestations.map(attestation => {
      const platform = platformByDigest.get(attestation.subject)
      return platform === undefined ? attestation : { ...attestation, platform }
    })
  }
}

function platformOfManifest(
  manifest: unknown,
  blob: (digest: string) => unknown
): string | undefined {
  const config = isObject(manifest) && isObject(manifest.config) ? manifest.config : undefined
  const configDigest = config === undefined ? undefined : stringField(config, 'digest')
  if (configDigest === undefined) return undefined
  const image = blob(configDigest)
  return isObject(image) ? platformName(image) : undefined
}
