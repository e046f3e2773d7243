import { ActionError } from './errors.js'
import type { ImageReference } from './reference.js'
import type { RunnerMap } from './values.js'
import {
  type NativeOptions,
  type Platform,
  formatPlatform,
  parsePlatform,
  platformSlug,
  runsNatively
} from './platform.js'

export interface PlannedPlatform {
  readonly platform: Platform
  /** Canonical name, `linux/arm/v7`. */
  readonly name: string
  /** File- and scope-safe name, `linux-arm-v7`. */
  readonly slug: string
  /** Runs under QEMU on this host. */
  readonly emulated: boolean
}

/** Which platforms this host builds natively and which under QEMU, in the order given. */
export function planBuild(
  platforms: readonly Platform[],
  host: Platform,
  options: NativeOptions
): PlannedPlatform[] {
  const wanted = platforms.length === 0 ? [host] : platforms
  return wanted.map(platform => ({
    platform,
    name: formatPlatform(platform),
    slug: platformSlug(platform),
    emulated: !runsNatively(host, platform, options)
  }))
}

export interface MatrixLeg {
  readonly platform: string
  readonly runner: string
  readonly emulated: boolean
  readonly slug: string
}

export interface Matrix {
  readonly include: readonly MatrixLeg[]
}

export const GITHUB_X64_RUNNER = 'ubuntu-24.04'
export const GITHUB_ARM64_RUNNER = 'ubuntu-24.04-arm'
/** GitHub rejects a job matrix with more legs than this. */
export const MAX_MATRIX_LEGS = 256

/**
 * The platform a runner label runs natively, where the label tells: GitHub's hosted
 * Ubuntu labels do. Self-hosted labels do not; for those, undefined.
 */
export function runnerHost(label: string): Platform | undefined {
  const lower = label.toLowerCase()
  if (/^ubuntu-[\w.]+-arm$/.test(lower) || /(^|-)arm64($|-)/.test(lower)) {
    return parsePlatform('linux/arm64')
  }
  if (/^ubuntu-/.test(lower)) return parsePlatform('linux/amd64')
  return undefined
}

/**
 * One leg per platform for `strategy.matrix`, each on a runner that executes it natively
 * where one exists. Maintainer entries win; a self-hosted label mapped to a platform is
 * taken to run that platform natively, and an unknown `default` label to be x86-64.
 */
export function planMatrix(
  platforms: readonly Platform[],
  runners: RunnerMap,
  options: NativeOptions
): Matrix {
  if (platforms.length > MAX_MATRIX_LEGS) {
    throw new Error(
      `${platforms.length} platforms make more matrix legs than GitHub allows (${MAX_MATRIX_LEGS})`
    )
  }
  const amd64 = parsePlatform('linux/amd64')
  const include = platforms.map(platform => {
    const name = formatPlatform(platform)
    const mapped = runners.byPlatform[name]
    let runner: string
    let emulated: boolean
    if (mapped !== undefined) {
      const host = runnerHost(mapped)
      runner = mapped
      emulated = host !== undefined && !runsNatively(host, platform, options)
    } else {
      const nativeDefault = [GITHUB_X64_RUNNER, GITHUB_ARM64_RUNNER].find(label =>
        runsNatively(runnerHost(label) ?? amd64, platform, options)
      )
      runner = nativeDefault ?? runners.fallback ?? GITHUB_X64_RUNNER
      emulated = !runsNatively(runnerHost(runner) ?? amd64, platform, options)
    }
    return { platform: name, runner, emulated, slug: platformSlug(platform) }
  })
  return { include }
}

/** The per-platform tag a build leg leaves for the merge: `<tag>-<platform-slug>`. */
export function legTag(tag: ImageReference, platform: Platform): ImageReference {
  const name = `${tag.tag ?? 'latest'}-${platformSlug(platform)}`
  if (name.length > 128) {
    throw new ActionError(`the per-platform tag \`${name}\` is longer than 128 characters`)
  }
  return { registry: tag.registry, repository: tag.repository, tag: name }
}
