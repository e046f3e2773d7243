/** Which cache a buildx build reads and writes: the inputs, or GitHub's cache per image and platform. */
import { createHash } from 'node:crypto'
import type { PlannedPlatform } from '../../plan.js'
import type { ImageReference } from '../../reference.js'
import type { BuildxDriver, CacheSpec } from '../../values.js'
import type { BuildRequest } from '../engine.js'

/** buildx reads `--secret`, `--cache-*` and `--output` values as CSV: quote what needs it. */
export function csvField(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field
}

/** A cache entry back in buildx's CSV form: `type=registry,ref=X,mode=max`. */
export function formatCacheSpec(spec: CacheSpec): string {
  return [
    `type=${spec.type}`,
    ...Object.entries(spec.attributes).map(([key, value]) => `${key}=${value}`)
  ]
    .map(csvField)
    .join(',')
}

/** The GitHub cache service is reachable: buildx's `type=gha` reads these same variables. */
export function githubCacheAvailable(env: Readonly<Record<string, string | undefined>>): boolean {
  const url = (env.ACTIONS_CACHE_URL ?? '') !== '' || (env.ACTIONS_RESULTS_URL ?? '') !== ''
  return url && (env.ACTIONS_RUNTIME_TOKEN ?? '') !== ''
}

/** `owner-app` for `ghcr.io/owner/app:1`; `image` without tags. */
export function cacheImageName(tags: readonly ImageReference[]): string {
  return tags[0]?.repository.replaceAll('/', '-') ?? 'image'
}

/**
 * The gha scope of one build. One platform (a matrix leg): `<image>-<slug>`, so legs never
 * overwrite each other. Several platforms in one build share one cache export, so they get
 * one scope named by a hash of the sorted slugs: the same set in any order hits the same cache.
 */
export function cacheScope(
  tags: readonly ImageReference[],
  platforms: readonly PlannedPlatform[]
): string {
  const image = cacheImageName(tags)
  const [only, ...more] = platforms
  if (only !== undefined && more.length === 0) return `${image}-${only.slug}`
  const slugs = platforms.map(entry => entry.slug).sort()
  const hash = createHash('sha256').update(slugs.join(',')).digest('hex').slice(0, 8)
  return `${image}-multi-${hash}`
}

/** `--cache-from`/`--cache-to`: the inputs, or else per-image gha scopes when GitHub's cache is there. */
export function cacheArgs(
  request: BuildRequest,
  driver: BuildxDriver,
  env: Readonly<Record<string, string | undefined>>
): string[] {
  if (request.cacheFrom.length > 0 || request.cacheTo.length > 0) {
    return [
      ...request.cacheFrom.flatMap(spec => ['--cache-from', formatCacheSpec(spec)]),
      ...request.cacheTo.flatMap(spec => ['--cache-to', formatCacheSpec(spec)])
    ]
  }
  // The docker driver exports no cache but inline; a gha cache-to would fail the build.
  if (driver === 'docker' || !githubCacheAvailable(env)) return []
  const scope = cacheScope(request.tags, request.platforms)
  const scopes = new Set([scope])
  // A many-platform build also reads what single-platform matrix legs wrote.
  if (request.platforms.length > 1) {
    for (const entry of request.platforms) scopes.add(cacheScope(request.tags, [entry]))
  }
  return [
    ...[...scopes].flatMap(name => ['--cache-from', `type=gha,scope=${name}`]),
    '--cache-to',
    `type=gha,scope=${scope},mode=max,ignore-error=true`
  ]
}
