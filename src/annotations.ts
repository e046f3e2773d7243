/**
 * The `annotations` input, read the way docker/metadata-action writes it and buildx takes it:
 * `[LEVEL[,LEVEL...][[PLATFORM]]:]KEY=VALUE`, where a line without a level goes to the image
 * manifests (metadata-action's default `DOCKER_METADATA_ANNOTATIONS_LEVELS`, and buildx's).
 * Pure: tested as tables.
 */
import { PlatformError, formatPlatform, parsePlatforms } from './platform.js'

export const ANNOTATION_LEVELS = [
  'manifest',
  'index',
  'manifest-descriptor',
  'index-descriptor'
] as const
export type AnnotationLevel = (typeof ANNOTATION_LEVELS)[number]

/** Where a line without a level prefix goes. */
export const DEFAULT_ANNOTATION_LEVEL: AnnotationLevel = 'manifest'

export interface Annotation {
  readonly level: AnnotationLevel
  /** Only the image (or index entry) of this platform, canonical (`linux/arm64`); none: all. */
  readonly platform?: string
  readonly key: string
  readonly value: string
}

/** A line that is not an annotation; the caller names the input. */
export class AnnotationError extends Error {
  constructor(
    message: string,
    readonly fix: string
  ) {
    super(message)
    this.name = 'AnnotationError'
  }
}

const PREFIX = /^([a-z-]+(?:,[a-z-]+)*)(?:\[([^\]]+)\])?$/
const KEY = /^[^\s=:[\]]+$/
const FORM = 'Write KEY=value or LEVEL:KEY=value, e.g. index:org.opencontainers.image.version=1.0'

/** One line of the input: one annotation per level it names, in the order named. */
export function parseAnnotationLine(line: string): Annotation[] {
  const equals = line.indexOf('=')
  if (equals === -1) throw new AnnotationError(`line \`${line}\` is not KEY=value`, FORM)
  const head = line.slice(0, equals).trim()
  const value = line.slice(equals + 1)
  const colon = head.indexOf(':')
  const key = colon === -1 ? head : head.slice(colon + 1).trim()
  if (!KEY.test(key)) {
    throw new AnnotationError(`line \`${head}=...\`: \`${key}\` is not an annotation key`, FORM)
  }
  if (colon === -1) return [{ level: DEFAULT_ANNOTATION_LEVEL, key, value }]
  const prefix = PREFIX.exec(head.slice(0, colon).trim())
  const levelNames = prefix?.[1]?.split(',') ?? []
  const unknown =
    prefix === null ? [head.slice(0, colon)] : levelNames.filter(name => !isLevel(name))
  if (unknown.length > 0) {
    throw new AnnotationError(
      `line \`${head}=...\` names the level \`${unknown.join(',')}\`, which is not one`,
      `Valid levels: ${ANNOTATION_LEVELS.join(', ')} (docker/metadata-action's prefixes; several as \`manifest,index:\`; none: ${DEFAULT_ANNOTATION_LEVEL})`
    )
  }
  const levels = [...new Set(levelNames.filter(isLevel))]
  const platformText = prefix?.[2]
  if (platformText === undefined) return levels.map(level => ({ level, key, value }))
  const perImage = levels.filter(level => level === 'manifest' || level === 'manifest-descriptor')
  if (perImage.length !== levels.length) {
    throw new AnnotationError(
      `line \`${head}=...\` names a platform for the index`,
      'Only the manifest and manifest-descriptor levels take a [platform]; the index is one for all'
    )
  }
  let platform: string
  try {
    const [parsed] = parsePlatforms([platformText])
    if (parsed === undefined) throw new PlatformError(platformText, 'is empty')
    platform = formatPlatform(parsed)
  } catch (error) {
    throw new AnnotationError(
      `line \`${head}=...\`: ${error instanceof Error ? error.message : String(error)}`,
      'Example: manifest[linux/arm64]:KEY=value'
    )
  }
  return levels.map(level => ({ level, platform, key, value }))
}

function isLevel(name: string): name is AnnotationLevel {
  return (ANNOTATION_LEVELS as readonly string[]).includes(name)
}

/** The line as buildx's `--annotation` takes it, its level always spelt out. */
export function formatAnnotation(annotation: Annotation): string {
  const platform = annotation.platform === undefined ? '' : `[${annotation.platform}]`
  return `${annotation.level}${platform}:${annotation.key}=${annotation.value}`
}

/**
 * The annotations of one level as a map (a later line wins), for one platform's image or
 * index entry when `platform` is given: those for every platform and those for it.
 */
export function annotationsAt(
  annotations: readonly Annotation[],
  level: AnnotationLevel,
  platform?: string
): Record<string, string> {
  const map: Record<string, string> = {}
  for (const annotation of annotations) {
    if (annotation.level !== level) continue
    if (annotation.platform !== undefined && annotation.platform !== platform) continue
    map[annotation.key] = annotation.value
  }
  return map
}

/** The first annotation at one of `levels`, for the error that refuses it; undefined: none. */
export function firstAt(
  annotations: readonly Annotation[],
  levels: readonly AnnotationLevel[]
): Annotation | undefined {
  return annotations.find(annotation => levels.includes(annotation.level))
}
