/** The argv of every buildah command the engine runs: pure, so that tables can test them. */
import { annotationsAt, firstAt, formatAnnotation } from '../../annotations.js'
import { Input } from '../../constants.js'
import { ActionError, InputError } from '../../errors.js'
import type { PlannedPlatform } from '../../plan.js'
import { type Platform, formatPlatform } from '../../platform.js'
import type { CacheSpec, KeyValue } from '../../values.js'
import type { BuildRequest } from '../engine.js'
import type { SecretFile } from '../secrets.js'

/** buildah takes one cache repository each way; buildx's `type=registry,ref=X` names it. */
export function buildahCacheRepository(
  specs: readonly CacheSpec[],
  input: string
): string | undefined {
  if (specs.length === 0) return undefined
  const [spec, ...extra] = specs
  if (spec === undefined || extra.length > 0) {
    throw new ActionError(`input \`${input}\`: the buildah engine takes one cache repository`)
  }
  const ref = spec.attributes.ref
  if (spec.type !== 'registry' || ref === undefined) {
    throw new ActionError(
      `input \`${input}\`: cache type \`${spec.type}\` is not available with the buildah engine`,
      'Use type=registry,ref=REGISTRY/REPOSITORY (or just REGISTRY/REPOSITORY)'
    )
  }
  // buildah wants a repository; a tag in the ref is the buildx habit, so drop it.
  return ref.replace(/:[\w][\w.-]*$/, '')
}

/** Where one platform's build reads from and writes to, beyond the request. */
export interface PlatformBuildFiles {
  /** The pinned Dockerfile (see pins.ts); undefined: the request's file. */
  readonly file?: string
  /** The ignore file next to the original Dockerfile, which buildah would no longer find. */
  readonly ignoreFile?: string
  readonly iidFile?: string
  /** Build args the action adds (the build host's platform). */
  readonly extraBuildArgs?: readonly KeyValue[]
  /** Annotations the action adds (the base's name, which a pinned FROM does not carry). */
  readonly extraAnnotations?: readonly KeyValue[]
  /**
   * Every base is named by the id the action pulled, as `pull` asked: buildah must not pull
   * again (it refuses `--pull=always` for an id).
   */
  readonly basesPulled?: boolean
}

/** argv for `buildah build` of one platform into an image of its own. */
export function buildahBuildArgs(
  request: BuildRequest,
  platform: PlannedPlatform,
  secretFiles: readonly SecretFile[],
  authFile: string | undefined,
  files: PlatformBuildFiles = {}
): string[] {
  // --force-rm: a failed or stopped build leaves no working container behind.
  const args = ['build', '--platform', platform.name, '--layers', '--force-rm']
  if (files.iidFile !== undefined) args.push('--iidfile', files.iidFile)
  if (authFile !== undefined) args.push('--authfile', authFile)
  const file = files.file ?? request.file
  if (file !== '') args.push('--file', file)
  if (files.ignoreFile !== undefined) args.push('--ignorefile', files.ignoreFile)
  if (request.target !== '') args.push('--target', request.target)
  for (const { key, value } of [...request.buildArgs, ...(files.extraBuildArgs ?? [])]) {
    args.push('--build-arg', `${key}=${value}`)
  }
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  // Manifest level only: the action writes the index's own into the exported layout.
  const annotations = annotationsAt(request.annotations, 'manifest', platform.name)
  for (const { key, value } of [
    ...Object.entries(annotations).map(([key, value]) => ({ key, value })),
    ...(files.extraAnnotations ?? [])
  ]) {
    args.push('--annotation', `${key}=${value}`)
  }
  // Created time, history and every file of the layers: the same bytes in any store.
  if (request.sourceDateEpoch !== undefined) {
    args.push('--timestamp', String(request.sourceDateEpoch))
  }
  for (const secret of secretFiles) args.push('--secret', `id=${secret.id},src=${secret.file}`)
  if (request.noCache) args.push('--no-cache')
  // `missing` spelled out: `--pull=false` means `missing` to buildah 1.28 but `never` to 1.4x.
  args.push(`--pull=${request.pull && files.basesPulled !== true ? 'always' : 'missing'}`)
  const cacheFrom = buildahCacheRepository(request.cacheFrom, 'cache-from')
  const cacheTo = buildahCacheRepository(request.cacheTo, 'cache-to')
  if (cacheFrom !== undefined) args.push('--cache-from', cacheFrom)
  if (cacheTo !== undefined) args.push('--cache-to', cacheTo)
  args.push(request.context)
  return args
}

/** argv to pull one image for one platform; it prints the image id, and on stderr what it fetched. */
export function buildahPullArgs(
  image: string,
  platform: Platform,
  pull: boolean,
  authFile: string | undefined
): string[] {
  const args = ['pull', '--platform', formatPlatform(platform)]
  // `missing` is buildah's own policy for `--pull=false`: an image in the store is not fetched.
  args.push('--policy', pull ? 'always' : 'missing')
  if (authFile !== undefined) args.push('--authfile', authFile)
  args.push(image)
  return args
}

/** argv to list every image in the store with its id and digest, one per line. */
export function buildahImageDigestsArgs(): string[] {
  return ['images', '--all', '--no-trunc', '--noheading', '--format', '{{.ID}} {{.Digest}}']
}

/** argv to read an image's index (or manifest) from the store or the registry. */
export function buildahManifestInspectArgs(image: string): string[] {
  return ['manifest', 'inspect', image]
}

/** argv to create the list over the platforms' images, each described by its own config. */
export function buildahCreateListArgs(manifestList: string, imageIds: readonly string[]): string[] {
  return ['manifest', 'create', manifestList, ...imageIds]
}

/** buildah leaves no OCI layout of the user's whose `index.json` could carry these. */
export function refuseIndexDescriptor(request: Pick<BuildRequest, 'annotations'>): void {
  const refused = firstAt(request.annotations, ['index-descriptor'])
  if (refused !== undefined) {
    throw new InputError(
      Input.Annotations,
      `\`${formatAnnotation(refused)}\` asks for the index-descriptor level, which the buildah engine cannot write: it leaves no OCI layout whose index.json would carry it`,
      'Use the index or manifest-descriptor level, or the buildx engine with an `outputs: type=oci` layout'
    )
  }
}

/**
 * argv to write one image to an OCI layout folder of its own: the bytes `manifest push --all`
 * would write for it, so the action can start on each platform as its build ends.
 */
export function buildahExportArgs(imageId: string, layoutDir: string): string[] {
  return ['push', '--quiet', imageId, `oci:${layoutDir}`]
}
