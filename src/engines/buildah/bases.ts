/**
 * The images a pinned build names, pulled for their platforms: each name's index read once,
 * then every platform's image pulled by digest, side by side. A digest names one image, so
 * pulls beside each other cannot move it (a name can: see pins.ts).
 */
import { limiter, mapBounded } from '../../bounded.js'
import { ActionError, errorMessage } from '../../errors.js'
import { ExecError, exec } from '../../exec.js'
import { type Platform, descriptorPlatformName, formatPlatform } from '../../platform.js'
import { buildahImageDigestsArgs, buildahManifestInspectArgs, buildahPullArgs } from './argv.js'
import { pinKey } from './pins.js'

export interface IndexEntry {
  readonly digest: string
  readonly platform?: {
    readonly os?: string
    readonly architecture?: string
    readonly variant?: string
  }
}

/** The digest of `platform`'s image in an index; undefined when it has none. */
export function chooseInstance(
  manifests: readonly IndexEntry[],
  platform: Platform
): string | undefined {
  const wanted = formatPlatform(platform)
  return manifests.find(entry => descriptorPlatformName(entry.platform) === wanted)?.digest
}

/** `name@digest` for the repository of `image` (its tag, or digest, dropped). */
export function digestReference(image: string, digest: string): string {
  const at = image.indexOf('@')
  let repository = at === -1 ? image : image.slice(0, at)
  const slash = repository.lastIndexOf('/')
  const colon = repository.lastIndexOf(':')
  if (colon > slash) repository = repository.slice(0, colon)
  return `${repository}@${digest}`
}

/** The entries of `text` when it is an image index (or list), else undefined. */
export function indexEntries(text: string): IndexEntry[] | undefined {
  try {
    const parsed = JSON.parse(text) as { manifests?: unknown }
    if (!Array.isArray(parsed.manifests)) return undefined
    return (parsed.manifests as IndexEntry[]).filter(entry => typeof entry.digest === 'string')
  } catch {
    return undefined
  }
}

export interface PullOptions {
  readonly pull: boolean
  readonly authFile: string | undefined
  /** How many pulls run at once. */
  readonly limit: number
}

export interface PulledImage {
  readonly id: string
  /** What was pulled: `name@digest`, or the name itself for an image that is not an index. */
  readonly reference: string
  /** Fetched from the registry (false: the store had it, as `pull: false` lets it). */
  readonly fetched: boolean
}

/** Every wanted image and platform, pulled; keyed by pinKey(). */
export async function pullImages(
  wanted: readonly { readonly image: string; readonly platform: Platform }[],
  options: PullOptions
): Promise<Map<string, PulledImage>> {
  const names = [...new Set(wanted.map(entry => entry.image))]
  const indexes = new Map<string, IndexEntry[] | undefined>()
  // What the store holds, by digest, read beside the registry's indexes: one command for
  // every reference, where asking for each would start a buildah per platform.
  const stored = options.pull ? Promise.resolve(undefined) : storedDigests()
  await mapBounded(names, options.limit, async name => {
    indexes.set(name, await readIndex(name, options.authFile))
  })
  const inStore = await stored
  // An image that is no index is pulled by name: one platform after another for that name.
  const byName = new Map(names.map(name => [name, limiter(1)]))
  const pulled = new Map<string, PulledImage>()
  await mapBounded(wanted, options.limit, async ({ image, platform }) => {
    const index = indexes.get(image)
    let reference = image
    let digest: string | undefined
    if (index !== undefined) {
      digest = chooseInstance(index, platform)
      if (digest === undefined) {
        const offered = index
          .map(entry => descriptorPlatformName(entry.platform))
          .filter(name => name !== undefined && !name.startsWith('unknown'))
        throw new ActionError(
          `image ${image} has no ${formatPlatform(platform)} image (it has ${offered.join(', ') || 'none'})`,
          `Remove ${formatPlatform(platform)} from \`platforms\`, or use a base built for it`
        )
      }
      reference = digestReference(image, digest)
    }
    const pullOne = async (): Promise<{ id: string; fetched: boolean }> => {
      // buildah's `missing` policy would still read the manifest from the registry when an
      // image's name has moved to another platform's image; the digest finds it locally.
      // The listing shows one digest per image; one stored under another of its digests is
      // still found by asking for it by name.
      const present =
        options.pull || digest === undefined
          ? undefined
          : (inStore?.get(digest) ?? (await storedImage(reference)))
      return present === undefined
        ? pullImage(reference, image, platform, options)
        : { id: present, fetched: false }
    }
    const { id, fetched } =
      index === undefined
        ? await (byName.get(image) ?? limiter(1))(pullOne)
        : await pullOne().catch(async () =>
            // A short name can resolve elsewhere by digest than by name: fall back to the name.
            (byName.get(image) ?? limiter(1))(() => pullImage(image, image, platform, options))
          )
    pulled.set(pinKey(image, platform), { id, reference, fetched })
  })
  return pulled
}

/** The index `image` names, read once per run; undefined for a single image or a failure. */
async function readIndex(
  image: string,
  authFile: string | undefined
): Promise<IndexEntry[] | undefined> {
  const result = await exec('buildah', buildahManifestInspectArgs(image), {
    silent: true,
    allowFailure: true,
    // `manifest inspect` of buildah 1.28 takes no --authfile; the variable reaches it.
    ...(authFile === undefined ? {} : { env: { REGISTRY_AUTH_FILE: authFile } })
  }).catch(() => undefined)
  if (result === undefined || result.exitCode !== 0) return undefined
  return indexEntries(result.stdout)
}

/**
 * Each image's id in the store by its digest (the one `buildah images` shows); undefined
 * when the listing fails.
 */
async function storedDigests(): Promise<Map<string, string> | undefined> {
  const result = await exec('buildah', buildahImageDigestsArgs(), {
    silent: true,
    allowFailure: true
  }).catch(() => undefined)
  return result?.exitCode === 0 ? parseImageDigests(result.stdout) : undefined
}

/** `buildah images --format '{{.ID}} {{.Digest}}'` lines as digest -> bare id. Pure. */
export function parseImageDigests(text: string): Map<string, string> {
  const found = new Map<string, string>()
  for (const line of text.split('\n')) {
    const [id = '', digest = ''] = line.trim().split(/\s+/)
    const bare = id.replace(/^sha256:/, '')
    if (/^[0-9a-f]{64}$/.test(bare) && /^sha256:[0-9a-f]{64}$/.test(digest)) found.set(digest, bare)
  }
  return found
}

/** The id of the image `reference` names in the store, without asking any registry. */
async function storedImage(reference: string): Promise<string | undefined> {
  const result = await exec(
    'buildah',
    ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', reference],
    { silent: true, allowFailure: true }
  ).catch(() => undefined)
  const id = result?.exitCode === 0 ? result.stdout.trim() : ''
  return /^[0-9a-f]{64}$/.test(id) ? id : undefined
}

async function pullImage(
  reference: string,
  image: string,
  platform: Platform,
  options: PullOptions
): Promise<{ id: string; fetched: boolean }> {
  try {
    const result = await exec(
      'buildah',
      buildahPullArgs(reference, platform, options.pull, options.authFile),
      { silent: true }
    )
    const id = result.stdout.trim().split('\n').at(-1) ?? ''
    if (!/^[0-9a-f]{64}$/.test(id)) throw new Error(`buildah pull printed no image id`)
    return { id, fetched: /Trying to pull|Copying config/.test(result.stderr) }
  } catch (error) {
    const detail = error instanceof ExecError ? error.result.stderr.trim() : errorMessage(error)
    throw new ActionError(
      `image ${image} for ${formatPlatform(platform)} could not be pulled: ${detail}`,
      `Check that ${image} exists with a ${formatPlatform(platform)} image and that the runner may pull it`
    )
  }
}
