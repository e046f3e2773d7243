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

/** Which cache a build reads and writes, who chose it, and when there is none, why. */
export interface CachePlan {
  readonly args: readonly string[]
  /** `inputs`: the user's cache-from/cache-to; `action`: the GitHub cache this action chose. */
  readonly chosenBy: 'inputs' | 'action' | 'none'
  readonly from: readonly string[]
  readonly to: readonly string[]
  /** Why no cache, for `none`. */
  readonly reason?: string
}

const SERVICE_URLS = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL'] as const

/** Why GitHub's cache cannot be used here; undefined when it can. */
export function githubCacheMissing(
  env: Readonly<Record<string, string | undefined>>
): string | undefined {
  if (githubCacheAvailable(env)) return undefined
  const absent = [
    ...(SERVICE_URLS.every(name => (env[name] ?? '') === '') ? [SERVICE_URLS.join(' and ')] : []),
    ...((env.ACTIONS_RUNTIME_TOKEN ?? '') === '' ? ['ACTIONS_RUNTIME_TOKEN'] : [])
  ].join(', ')
  return env.GITHUB_ACTIONS === 'true'
    ? `the cache service's variables are absent (${absent})`
    : `not on GitHub Actions (the cache service's variables are absent: ${absent})`
}

/** `--cache-from`/`--cache-to`: the inputs, or else per-image gha scopes when GitHub's cache is there. */
export function cachePlan(
  request: BuildRequest,
  driver: BuildxDriver,
  env: Readonly<Record<string, string | undefined>>
): CachePlan {
  if (request.cacheFrom.length > 0 || request.cacheTo.length > 0) {
    const from = request.cacheFrom.map(formatCacheSpec)
    const to = request.cacheTo.map(formatCacheSpec)
    return {
      args: [
        ...from.flatMap(spec => ['--cache-from', spec]),
        ...to.flatMap(spec => ['--cache-to', spec])
      ],
      chosenBy: 'inputs',
      from,
      to
    }
  }
  // The docker driver exports no cache but inline; a gha cache-to would fail the build.
  const missing =
    driver === 'docker'
      ? 'driver `docker` exports no cache but inline, so no GitHub cache was set'
      : githubCacheMissing(env)
  if (missing !== undefined) {
    return { args: [], chosenBy: 'none', from: [], to: [], reason: missing }
  }
  const scope = cacheScope(request.tags, request.platforms)
  const scopes = new Set([scope])
  // A many-platform build also reads what single-platform matrix legs wrote.
  if (request.platforms.length > 1) {
    for (const entry of request.platforms) scopes.add(cacheScope(request.tags, [entry]))
  }
  const from = [...scopes].map(name => `type=gha,scope=${name}`)
  // A cache this action chose never fails the build: an export error is reported, not fatal.
  const to = [`type=gha,scope=${scope},mode=max,ignore-error=true`]
  return {
    args: [
      ...from.flatMap(spec => ['--cache-from', spec]),
      ...to.flatMap(spec => ['--cache-to', spec])
    ],
    chosenBy: 'action',
    from,
    to
  }
}

export function cacheArgs(
  request: BuildRequest,
  driver: BuildxDriver,
  env: Readonly<Record<string, string | undefined>>
): string[] {
  return [...cachePlan(request, driver, env).args]
}

/** A cache import or export that BuildKit reported as failed. */
export interface CacheFailure {
  readonly direction: 'import' | 'export'
  /** What BuildKit named: `gha:1234`, `registry`, `GitHub Actions Cache`. */
  readonly target: string
  readonly message: string
}

/**
 * The one line a build's cache gets in the log and the summary: what was read and written
 * (or why nothing), the steps each platform took from cache, and what failed.
 */
export function describeCache(
  plan: CachePlan,
  cacheHits: Readonly<Record<string, number>>,
  failures: readonly CacheFailure[]
): string {
  const hits = Object.entries(cacheHits)
    .map(([platform, count]) => `${platform} ${count}`)
    .join(', ')
  const where =
    plan.chosenBy === 'none'
      ? `cache: none (${plan.reason ?? 'none given'})`
      : `cache${plan.chosenBy === 'action' ? ' (GitHub cache, chosen by the action)' : ''}: read ${plan.from.join(' + ') || 'nothing'}; wrote ${plan.to.join(' + ') || 'nothing'}`
  const failed = failures.map(failure =>
    failure.direction === 'import'
      ? `import from ${failure.target} failed`
      : `export to ${failure.target} failed`
  )
  return [where, `steps from cache: ${hits || 'none'}`, ...failed].join('; ')
}
