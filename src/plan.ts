import { ActionError } from './errors.js'
import type { ImageReference } from './reference.js'
import type { Arm32Choice, RunnerMap, RunnerSet } from './values.js'
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
  /** Expected to run under QEMU on that runner. */
  readonly emulated: boolean
  readonly slug: string
  /** `native-arm32: auto` on an arm64 runner: the leg checks at run time and emulates if it must. */
  readonly probe?: true
}

export interface Matrix {
  readonly include: readonly MatrixLeg[]
}

export const GITHUB_X64_RUNNER = 'ubuntu-24.04'
export const GITHUB_ARM64_RUNNER = 'ubuntu-24.04-arm'
/** GitHub rejects a job matrix with more legs than this. */
export const MAX_MATRIX_LEGS = 256

/**
 * Native runner families beyond GitHub's own, by platform: IBM's GitHub app offers s390x
 * and ppc64le runners to open-source projects, RISE riscv64 ones. Switched on by `runner-sets`.
 */
export const RUNNER_SETS: Readonly<Record<RunnerSet, Readonly<Record<string, string>>>> = {
  ibm: { 'linux/s390x': 'ubuntu-24.04-s390x', 'linux/ppc64le': 'ubuntu-24.04-ppc64le' },
  rise: { 'linux/riscv64': 'ubuntu-24.04-riscv' }
}

/**
 * The platform a runner label runs natively, where the label tells: GitHub's hosted
 * Ubuntu labels and the runner sets' do. Self-hosted labels do not; for those, undefined.
 */
export function runnerHost(label: string): Platform | undefined {
  const lower = label.toLowerCase()
  if (/^ubuntu-[\w.]+-arm$/.test(lower) || /(^|-)arm64($|-)/.test(lower)) {
    return parsePlatform('linux/arm64')
  }
  if (/^ubuntu-[\w.]+-s390x$/.test(lower)) return parsePlatform('linux/s390x')
  if (/^ubuntu-[\w.]+-ppc64le$/.test(lower)) return parsePlatform('linux/ppc64le')
  if (/^ubuntu-[\w.]+-riscv(64)?$/.test(lower)) return parsePlatform('linux/riscv64')
  if (/^ubuntu-/.test(lower)) return parsePlatform('linux/amd64')
  return undefined
}

export interface MatrixOptions {
  /** `native-arm32`: `auto` sends 32-bit Arm to the arm64 runner, which probes it. */
  readonly arm32: Arm32Choice
  /** `runner-sets`: families of native runners beyond GitHub's own. */
  readonly runnerSets: readonly RunnerSet[]
}

/**
 * One leg per platform for `strategy.matrix`, each on a runner that executes it natively
 * where one exists. Maintainer entries win, then the runner sets, then GitHub's own labels;
 * a self-hosted label mapped to a platform is taken to run that platform natively, and an
 * unknown `default` label to be x86-64.
 */
export function planMatrix(
  platforms: readonly Platform[],
  runners: RunnerMap,
  options: MatrixOptions
): Matrix {
  if (platforms.length > MAX_MATRIX_LEGS) {
    throw new Error(
      `${platforms.length} platforms make more matrix legs than GitHub allows (${MAX_MATRIX_LEGS})`
    )
  }
  const amd64 = parsePlatform('linux/amd64')
  // For the plan, `auto` expects the arm64 runner to run 32-bit Arm; the leg makes sure.
  const native: NativeOptions = { arm32OnArm64: options.arm32 !== 'false' }
  const fromSets = Object.assign({}, ...options.runnerSets.map(set => RUNNER_SETS[set])) as Record<
    string,
    string
  >
  const include = platforms.map((platform): MatrixLeg => {
    const name = formatPlatform(platform)
    const mapped = runners.byPlatform[name] ?? fromSets[name]
    let runner: string
    let emulated: boolean
    if (mapped !== undefined) {
      const host = runnerHost(mapped)
      runner = mapped
      emulated = host !== undefined && !runsNatively(host, platform, native)
    } else {
      const nativeDefault = [GITHUB_X64_RUNNER, GITHUB_ARM64_RUNNER].find(label =>
        runsNatively(runnerHost(label) ?? amd64, platform, native)
      )
      runner = nativeDefault ?? runners.fallback ?? GITHUB_X64_RUNNER
      emulated = !runsNatively(runnerHost(runner) ?? amd64, platform, native)
    }
    const probed =
      options.arm32 === 'auto' &&
      platform.architecture === 'arm' &&
      runnerHost(runner)?.architecture === 'arm64'
    return {
      platform: name,
      runner,
      emulated,
      slug: platformSlug(platform),
      ...(probed ? { probe: true as const } : {})
    }
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
