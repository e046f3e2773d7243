/** What buildx's plain progress and `buildx inspect` say, read without running anything. */
import { canonicalPlatformName } from '../../platform.js'
import type { PlannedPlatform } from '../../plan.js'
import type { CacheFailure } from './cache.js'

export interface ProgressSummary {
  /** Steps taken from cache, per platform. */
  readonly cacheHits: Readonly<Record<string, number>>
  /** Platforms with a failed step, in the order the log shows them. */
  readonly failed: readonly string[]
  /** Cache imports and exports that failed: steps of no platform. */
  readonly cacheFailures: readonly CacheFailure[]
  /** The last `name@digest` BuildKit said it pushed a manifest for. */
  readonly pushed: string | undefined
}

/**
 * Cache hits and failures per platform from buildx's plain progress. Steps of a
 * many-platform build are named `#8 [linux/arm64 2/3] RUN ...`; a single-platform build
 * leaves the platform out, so unnamed steps belong to the only platform.
 */
export function summarizeProgress(log: string, platforms: readonly string[]): ProgressSummary {
  const only = platforms.length === 1 ? platforms[0] : undefined
  const platformOfStep = new Map<string, string>()
  const cacheHits: Record<string, number> = Object.fromEntries(platforms.map(name => [name, 0]))
  const failed: string[] = []
  const cacheSteps = new Map<string, Omit<CacheFailure, 'message'>>()
  const cacheFailures: CacheFailure[] = []
  let pushed: string | undefined
  for (const raw of log.split('\n')) {
    const line = raw.trim()
    const cacheStep = /^#(\d+) (importing cache manifest from|exporting cache to) (.+?)\s*$/.exec(
      line
    )
    if (cacheStep?.[1] !== undefined && cacheStep[3] !== undefined) {
      cacheSteps.set(cacheStep[1], {
        direction: cacheStep[2] === 'exporting cache to' ? 'export' : 'import',
        target: cacheStep[3]
      })
      continue
    }
    const manifest = /^#\d+ pushing manifest for (\S+@sha256:[0-9a-f]{64})/.exec(line)
    if (manifest?.[1] !== undefined) pushed = manifest[1]
    const cacheError = /^#(\d+) ERROR:?\s*(.*)$/.exec(line)
    const cache = cacheError?.[1] === undefined ? undefined : cacheSteps.get(cacheError[1])
    if (cache !== undefined) {
      // A cache step belongs to no platform: its failure is not a platform's.
      cacheFailures.push({ ...cache, message: cacheError?.[2] ?? '' })
      continue
    }
    const named = /^#(\d+) \[(linux\/[a-z0-9]+(?:\/v\d+)?)[ \]]/.exec(line)
    if (named?.[1] !== undefined && named[2] !== undefined) {
      platformOfStep.set(named[1], canonicalPlatformName(named[2]))
      continue
    }
    const outcome = /^#(\d+) (CACHED|ERROR\b)/.exec(line)
    if (outcome?.[1] === undefined) continue
    const platform = platformOfStep.get(outcome[1]) ?? only
    if (platform === undefined) continue
    if (outcome[2] === 'CACHED') cacheHits[platform] = (cacheHits[platform] ?? 0) + 1
    else if (!failed.includes(platform)) failed.push(platform)
  }
  return { cacheHits, failed, cacheFailures, pushed }
}

/** `build of linux/arm64 (under QEMU) failed`, naming the platforms the log blames. */
export function describeFailure(
  planned: readonly PlannedPlatform[],
  failed: readonly string[]
): string {
  const named = planned
    .filter(entry => failed.includes(entry.name))
    .map(entry => `${entry.name}${entry.emulated ? ' (under QEMU)' : ''}`)
  return named.length === 0 ? 'build failed' : `build of ${named.join(', ')} failed`
}

/**
 * Every platform the nodes of a builder offer, from `docker buildx inspect`: one
 * `Platforms:` line per running node; newer buildx marks platforms fixed by `--platform` with `*`.
 */
export function parseInspectPlatforms(text: string): string[] {
  const platforms = new Set<string>()
  for (const line of text.split('\n')) {
    const match = /^\s*Platforms:\s*(.*)$/.exec(line)
    if (match?.[1] === undefined) continue
    for (const item of match[1].split(',')) {
      const name = item.trim().replace(/\*$/, '')
      if (name !== '') platforms.add(canonicalPlatformName(name))
    }
  }
  return [...platforms]
}

/** Whether every node `docker buildx inspect` lists is running (then no bootstrap is needed). */
export function allNodesRunning(text: string): boolean {
  const statuses = [...text.matchAll(/^Status:\s*(\S+)/gm)].map(match => match[1])
  return statuses.length > 0 && statuses.every(status => status === 'running')
}

/** The builder's driver, from the `Driver:` line of `docker buildx inspect`. */
export function parseInspectDriver(text: string): string | undefined {
  return /^Driver:\s*(\S+)/m.exec(text)?.[1]
}

/** Planned platforms the builder does not offer; none when it listed nothing to compare with. */
export function unsupportedPlatforms(
  planned: readonly PlannedPlatform[],
  available: readonly string[]
): string[] {
  if (available.length === 0) return []
  return planned.map(entry => entry.name).filter(name => !available.includes(name))
}

/**
 * The BuildKit version of each node `docker buildx inspect` lists, in order (`Buildkit:` before
 * buildx 0.11, `BuildKit version:` after); undefined for a node that shows none (not running).
 */
export function parseInspectBuildkitVersions(text: string): (string | undefined)[] {
  const nodes = text.split(/^Nodes:\s*$/m)[1]
  if (nodes === undefined) return []
  return nodes
    .split(/^(?=Name:)/m)
    .filter(section => section.startsWith('Name:'))
    .map(section => /^(?:Buildkit|BuildKit version):\s*v?(\S+)/m.exec(section)?.[1])
}

/** buildx's answer when the daemon cannot run more than one exporter in a build. */
export function refusedSecondOutput(stderr: string): boolean {
  return /multiple outputs currently unsupported/.test(stderr)
}

/** The driver buildx (0.11 on) names as a build starts: `#0 building with "b" instance using remote driver`. */
export function buildLogDriver(log: string, builder: string): string | undefined {
  const match = /^#0 building with "(.*)" instance using (\S+) driver$/m.exec(log)
  return match?.[1] === builder ? match[2] : undefined
}
