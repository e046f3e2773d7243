/** The platform model: what people type, what OCI calls it, and what a host runs natively. */

export interface Platform {
  readonly os: 'linux'
  readonly architecture: string
  readonly variant?: string
}

/** One canonical architecture (OCI spelling) and the variants it may carry. */
interface ArchitectureRow {
  readonly architecture: string
  /** Variants kept in the normalised form; the first is the default when none is given. */
  readonly variants: readonly (string | undefined)[]
  /** Variants that mean "no variant" (arm64/v8 is plain arm64). */
  readonly implicitVariants?: readonly string[]
}

const ARCHITECTURES: readonly ArchitectureRow[] = [
  { architecture: 'amd64', variants: [undefined, 'v2', 'v3', 'v4'], implicitVariants: ['v1'] },
  { architecture: '386', variants: [undefined] },
  { architecture: 'arm64', variants: [undefined], implicitVariants: ['v8'] },
  { architecture: 'arm', variants: ['v7', 'v6', 'v5'] },
  { architecture: 'ppc64le', variants: [undefined] },
  { architecture: 's390x', variants: [undefined] },
  { architecture: 'riscv64', variants: [undefined] },
  { architecture: 'mips64le', variants: [undefined] },
  { architecture: 'mips64', variants: [undefined] },
  { architecture: 'loong64', variants: [undefined] }
]

/**
 * Names people type for an architecture (uname -m, Debian, Go, Docker), mapped to
 * the OCI architecture and, for 32-bit Arm, the variant the name implies.
 */
const ARCHITECTURE_ALIASES: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  amd64: { architecture: 'amd64' },
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  x64: { architecture: 'amd64' },
  '386': { architecture: '386' },
  i386: { architecture: '386' },
  i486: { architecture: '386' },
  i586: { architecture: '386' },
  i686: { architecture: '386' },
  x86: { architecture: '386' },
  arm64: { architecture: 'arm64' },
  aarch64: { architecture: 'arm64' },
  arm: { architecture: 'arm', variant: 'v7' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armv7: { architecture: 'arm', variant: 'v7' },
  armv7l: { architecture: 'arm', variant: 'v7' },
  armv6: { architecture: 'arm', variant: 'v6' },
  armv6l: { architecture: 'arm', variant: 'v6' },
  armel: { architecture: 'arm', variant: 'v5' },
  armv5: { architecture: 'arm', variant: 'v5' },
  armv5l: { architecture: 'arm', variant: 'v5' },
  armv5tel: { architecture: 'arm', variant: 'v5' },
  ppc64le: { architecture: 'ppc64le' },
  ppc64el: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
  mips64le: { architecture: 'mips64le' },
  mips64el: { architecture: 'mips64le' },
  mips64: { architecture: 'mips64' },
  loong64: { architecture: 'loong64' },
  loongarch64: { architecture: 'loong64' }
}

const OTHER_OPERATING_SYSTEMS = new Set(['windows', 'darwin', 'freebsd', 'netbsd', 'openbsd'])

/** Every platform this action can name, in canonical spelling, for error messages. */
export const KNOWN_PLATFORMS: readonly string[] = ARCHITECTURES.flatMap(row =>
  row.variants.map(variant => formatPlatform(makePlatform(row.architecture, variant)))
)

function makePlatform(architecture: string, variant: string | undefined): Platform {
  return variant === undefined
    ? { os: 'linux', architecture }
    : { os: 'linux', architecture, variant }
}

export class PlatformError extends Error {
  constructor(
    readonly given: string,
    problem: string
  ) {
    super(`platform \`${given}\` ${problem}; valid: ${KNOWN_PLATFORMS.join(', ')}`)
    this.name = 'PlatformError'
  }
}

/**
 * Parse one platform as people write it: `linux/arm/v7`, `arm/v7`, `armhf`, `aarch64`,
 * `linux/x86_64`. The OS defaults to linux; case and surrounding blanks do not matter.
 */
export function parsePlatform(text: string): Platform {
  const given = text.trim()
  const parts = given.toLowerCase().split('/')
  if (given === '' || parts.some(part => part === '')) {
    throw new PlatformError(given, 'is not of the form os/arch[/variant]')
  }
  let [first, ...rest] = parts as [string, ...string[]]
  if (first === 'linux') {
    if (rest.length === 0) throw new PlatformError(given, 'names no architecture')
    ;[first, ...rest] = rest as [string, ...string[]]
  } else if (OTHER_OPERATING_SYSTEMS.has(first)) {
    throw new PlatformError(given, `is for ${first}; only linux images can be built`)
  }
  if (rest.length > 1) throw new PlatformError(given, 'has too many parts')
  const alias = ARCHITECTURE_ALIASES[first]
  if (alias === undefined) throw new PlatformError(given, 'is not known')
  const row = ARCHITECTURES.find(candidate => candidate.architecture === alias.architecture)
  if (row === undefined) throw new PlatformError(given, 'is not known')

  const explicitVariant = rest[0]
  if (explicitVariant !== undefined && alias.variant !== undefined) {
    // "armv7l/v6" says two different things; only the plain family name takes a variant.
    if (first !== 'arm' && explicitVariant !== alias.variant) {
      throw new PlatformError(given, `names variant ${alias.variant} twice over`)
    }
  }
  let variant = explicitVariant ?? alias.variant ?? row.variants[0]
  if (variant !== undefined && row.implicitVariants?.includes(variant)) variant = undefined
  if (!row.variants.includes(variant)) {
    throw new PlatformError(given, `has a variant ${row.architecture} does not have`)
  }
  return makePlatform(row.architecture, variant)
}

/**
 * Parse a list of platforms: normalised, duplicates collapsed, first-seen order kept.
 */
export function parsePlatforms(items: readonly string[]): Platform[] {
  const seen = new Set<string>()
  const platforms: Platform[] = []
  for (const item of items) {
    const platform = parsePlatform(item)
    const key = formatPlatform(platform)
    if (seen.has(key)) continue
    seen.add(key)
    platforms.push(platform)
  }
  return platforms
}

export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${platform.architecture}`
  return platform.variant === undefined ? base : `${base}/${platform.variant}`
}

/**
 * The planner's spelling of platform text from elsewhere (an index, buildx output):
 * `linux/arm64/v8` becomes `linux/arm64`. Text the model does not know stays as it is,
 * so the caller can report it.
 */
export function canonicalPlatformName(name: string): string {
  try {
    return formatPlatform(parsePlatform(name))
  } catch {
    return name
  }
}

/** The canonical name of an OCI descriptor's `platform`; undefined when it names no architecture. */
export function descriptorPlatformName(
  platform:
    { readonly os?: string; readonly architecture?: string; readonly variant?: string } | undefined
): string | undefined {
  if (platform?.architecture === undefined || platform.architecture === '') return undefined
  return canonicalPlatformName(
    [platform.os ?? 'linux', platform.architecture, platform.variant]
      .filter(part => part !== undefined && part !== '')
      .join('/')
  )
}

/** Stable, file-name-safe name for cache scopes, artifact names and tags: `linux-arm-v7`. */
export function platformSlug(platform: Platform): string {
  return formatPlatform(platform).replaceAll('/', '-')
}

export function samePlatform(a: Platform, b: Platform): boolean {
  return formatPlatform(a) === formatPlatform(b)
}

/** Node's `process.arch` names, mapped to the platform of the host. */
const NODE_ARCH_TO_PLATFORM: Readonly<Record<string, string>> = {
  x64: 'linux/amd64',
  ia32: 'linux/386',
  arm64: 'linux/arm64',
  arm: 'linux/arm/v7',
  ppc64: 'linux/ppc64le',
  s390x: 'linux/s390x',
  riscv64: 'linux/riscv64',
  loong64: 'linux/loong64',
  mips64el: 'linux/mips64le'
}

/** The platform of the machine this runs on, from Node's `process.arch`. */
export function hostPlatform(nodeArch: string): Platform {
  const name = NODE_ARCH_TO_PLATFORM[nodeArch]
  if (name === undefined) {
    throw new Error(`this runner's architecture (${nodeArch}) is not supported`)
  }
  return parsePlatform(name)
}

export interface NativeOptions {
  /** The arm64 host executes 32-bit Arm (AArch32) code: CPUs differ, so a leg probes it. */
  readonly arm32OnArm64: boolean
}

/**
 * Whether `host` executes binaries of `platform` without emulation.
 * amd64 hosts run 386; arm64 hosts run 32-bit Arm only where the CPU has AArch32.
 */
export function runsNatively(host: Platform, platform: Platform, options: NativeOptions): boolean {
  if (platform.architecture === host.architecture) {
    // The amd64 microarchitecture levels (v2-v4) depend on the CPU; Arm variants on the ISA.
    return host.architecture !== 'arm' || armVersion(platform) <= armVersion(host)
  }
  if (host.architecture === 'amd64') return platform.architecture === '386'
  if (host.architecture === 'arm64') return platform.architecture === 'arm' && options.arm32OnArm64
  return false
}

function armVersion(platform: Platform): number {
  return Number((platform.variant ?? 'v7').slice(1))
}
