/**
 * The FROM lines of a Dockerfile, as buildah must see them to build platforms side by side
 * and to run `FROM --platform=$BUILDPLATFORM` stages on the build host.
 *
 * buildah 1.28 has three faults here, each seen on this project's lab:
 * - concurrent builds pull one base name for different platforms, and a build then looks its
 *   base up by that name: it can get another platform's image, or none;
 * - `$BUILDPLATFORM` in a FROM flag resolves to the target platform, so a cross-compiling
 *   stage runs under QEMU;
 * - once a stage names a platform, later stages in that build inherit it, so the final image
 *   can come out with the host's base.
 * So the action pulls each stage's base itself, one platform after another, and builds from a
 * copy of the Dockerfile whose FROM lines name the stage's platform and the pulled image's id.
 */
import type { Platform } from '../platform.js'
import { formatPlatform, parsePlatform } from '../platform.js'
import type { KeyValue } from '../values.js'

/** The build args BuildKit sets by itself; buildah warns about the ones a Dockerfile never declares. */
export const AUTOMATIC_PLATFORM_ARGS: readonly string[] = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT'
]

function platformArgs(prefix: 'BUILD' | 'TARGET', platform: Platform): KeyValue[] {
  return [
    { key: `${prefix}PLATFORM`, value: formatPlatform(platform) },
    { key: `${prefix}OS`, value: platform.os },
    { key: `${prefix}ARCH`, value: platform.architecture },
    { key: `${prefix}VARIANT`, value: platform.variant ?? '' }
  ]
}

/** `BUILDPLATFORM` and friends for the build host, except those the user set in `build-args`. */
export function buildPlatformArgs(host: Platform, given: readonly KeyValue[]): KeyValue[] {
  return platformArgs('BUILD', host).filter(
    ({ key, value }) => value !== '' && !given.some(arg => arg.key === key)
  )
}

/** One FROM instruction, continuation lines joined. */
interface FromLine {
  /** Index of the physical line that holds the FROM keyword. */
  readonly line: number
  /** The physical lines it spans. */
  readonly span: number
  readonly platformFlag: string | undefined
  readonly otherFlags: readonly string[]
  readonly base: string
  readonly stageName: string | undefined
}

/** A Dockerfile read once, for every platform's plan and rewrite. */
export interface ParsedDockerfile {
  readonly lines: readonly string[]
  /** ARG defaults declared before the first FROM (undefined: declared without one). */
  readonly globalArgs: ReadonlyMap<string, string | undefined>
  readonly froms: readonly FromLine[]
}

/** The escape character a `# escape=` parser directive sets (a backslash by default). */
function escapeCharacter(lines: readonly string[]): string {
  for (const line of lines) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line)
    if (directive === null) break
    if (
      directive[1]?.toLowerCase() === 'escape' &&
      (directive[2] === '`' || directive[2] === '\\')
    ) {
      return directive[2]
    }
  }
  return '\\'
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split('\n')
  const escape = escapeCharacter(lines)
  const froms: FromLine[] = []
  const globalArgs = new Map<string, string | undefined>()
  let index = 0
  while (index < lines.length) {
    const first = index
    const parts: string[] = []
    for (;;) {
      const line = (lines[index] ?? '').replace(/\r$/, '')
      index++
      const comment = /^\s*#/.test(line)
      // A comment inside an instruction is dropped; one outside never continues.
      if (comment && parts.length > 0) continue
      const trimmed = line.replace(/\s+$/, '')
      if (!comment && trimmed.endsWith(escape) && index < lines.length) {
        parts.push(trimmed.slice(0, -1))
        continue
      }
      parts.push(trimmed)
      break
    }
    const words = parts.join(' ').trim().split(/\s+/)
    const keyword = words[0]?.toLowerCase()
    if (keyword === 'arg' && froms.length === 0) {
      for (const word of words.slice(1)) {
        const equals = word.indexOf('=')
        if (equals === -1) globalArgs.set(word, undefined)
        else globalArgs.set(word.slice(0, equals), unquote(word.slice(equals + 1)))
      }
    }
    if (keyword !== 'from') continue
    const flags = words.slice(1).filter(word => word.startsWith('--'))
    const rest = words.slice(1 + flags.length)
    const platformFlag = flags.find(flag => flag.toLowerCase().startsWith('--platform='))
    froms.push({
      line: first,
      span: index - first,
      platformFlag: platformFlag?.slice('--platform='.length),
      otherFlags: flags.filter(flag => flag !== platformFlag),
      base: rest[0] ?? '',
      stageName: rest[1]?.toLowerCase() === 'as' ? rest[2] : undefined
    })
  }
  return { lines, globalArgs, froms }
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value)
  return quoted?.[1] ?? value
}

/**
 * `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME-word}` against `values`; undefined for any
 * other form, so that a line the action cannot read the way buildah does is left alone.
 */
export function expandArgs(
  text: string,
  values: ReadonlyMap<string, string | undefined>
): string | undefined {
  const unreadable = { found: false }
  const expanded = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)((?::?-)[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g,
    (_match, braced?: string, fallback?: string, bare?: string, other?: string) => {
      if (other !== undefined) {
        unreadable.found = true
        return ''
      }
      const name = braced ?? bare ?? ''
      const value = values.get(name)
      if (fallback === undefined) return value ?? ''
      const word = fallback.replace(/^:?-/, '')
      if (fallback.startsWith(':')) return value === undefined || value === '' ? word : value
      return value ?? word
    }
  )
  return unreadable.found || expanded.includes('$') ? undefined : expanded
}

/** One stage's base, resolved for one target platform. */
export interface StageBase {
  /** Where the FROM line is, for the rewrite. */
  readonly line: number
  /** An image to pull, or an earlier stage this one starts from. */
  readonly image: string
  readonly fromStage: boolean
  readonly platform: Platform
}

export interface StagePlan {
  /** Every stage the action can pin: pull the images, then rewrite. */
  readonly bases: readonly StageBase[]
  /** FROM lines the action could not read; buildah resolves them itself. */
  readonly unresolved: readonly string[]
  /** Some FROM names a platform of its own (then buildah 1.28 needs the pins even alone). */
  readonly platformFlags: boolean
}

export interface StageOptions {
  readonly target: Platform
  readonly host: Platform
  readonly buildArgs: readonly KeyValue[]
  /** `--target`: stages after it are not built. */
  readonly targetStage: string
}

/** Which image each stage starts from, and as which platform, for one target platform. */
export function planStages(parsed: ParsedDockerfile, options: StageOptions): StagePlan {
  const values = new Map<string, string | undefined>(parsed.globalArgs)
  // Like buildah and BuildKit, a build arg reaches FROM only through a global ARG.
  for (const { key, value } of options.buildArgs) if (values.has(key)) values.set(key, value)
  for (const { key, value } of [
    ...platformArgs('TARGET', options.target),
    ...platformArgs('BUILD', options.host)
  ]) {
    if (!options.buildArgs.some(arg => arg.key === key)) values.set(key, value)
  }
  /** Each earlier stage's platform; null where the action could not tell it. */
  const stages = new Map<string, Platform | null>()
  const bases: StageBase[] = []
  const unresolved: string[] = []
  for (const from of parsed.froms) {
    const original = (parsed.lines[from.line] ?? '').trim()
    const image = expandArgs(from.base, values)
    const platformText =
      from.platformFlag === undefined ? undefined : expandArgs(from.platformFlag, values)
    let platform: Platform | undefined = options.target
    if (platformText !== undefined) {
      try {
        platform = parsePlatform(platformText)
      } catch {
        platform = undefined
      }
    }
    const earlier = image === undefined ? undefined : stages.get(image.toLowerCase())
    let resolved: Platform | undefined
    if (image?.toLowerCase() === 'scratch') {
      // scratch has no image to pull; the stage is whatever platform it is built for.
      resolved = platform
    } else if (earlier !== undefined && image !== undefined) {
      // A stage's own image keeps the platform it was built for, as with BuildKit.
      resolved = from.platformFlag === undefined ? (earlier ?? undefined) : platform
      if (resolved !== undefined) {
        bases.push({ line: from.line, image, fromStage: true, platform: resolved })
      } else unresolved.push(original)
    } else if (
      image === undefined ||
      image === '' ||
      platform === undefined ||
      from.otherFlags.length > 0
    ) {
      unresolved.push(original)
    } else {
      resolved = platform
      bases.push({ line: from.line, image, fromStage: false, platform })
    }
    if (from.stageName !== undefined) stages.set(from.stageName.toLowerCase(), resolved ?? null)
    if (
      options.targetStage !== '' &&
      from.stageName?.toLowerCase() === options.targetStage.toLowerCase()
    ) {
      break
    }
  }
  return {
    bases,
    unresolved,
    platformFlags: parsed.froms.some(from => from.platformFlag !== undefined)
  }
}

/**
 * The Dockerfile with each planned stage's FROM naming its platform and the local image id
 * pulled for it; the rest of every line, and every other line, stays as it was.
 */
export function pinStages(
  parsed: ParsedDockerfile,
  pinned: readonly {
    readonly line: number
    readonly platform: Platform
    /** The pulled image's id, or the earlier stage's name. */
    readonly base: string
  }[]
): string {
  const lines = [...parsed.lines]
  for (const pin of pinned) {
    const from = parsed.froms.find(candidate => candidate.line === pin.line)
    if (from === undefined) continue
    const stage = from.stageName === undefined ? '' : ` AS ${from.stageName}`
    const indent = /^\s*/.exec(lines[from.line] ?? '')?.[0] ?? ''
    lines[from.line] =
      `${indent}FROM --platform=${formatPlatform(pin.platform)} ${pin.base}${stage}`
    // A FROM that spanned several lines keeps its line count, so buildah's line numbers hold.
    for (let extra = 1; extra < from.span; extra++) lines[from.line + extra] = ''
  }
  return lines.join('\n')
}

/**
 * buildah's "build args were not consumed" warning without the automatic platform args it
 * lists for every Dockerfile that does not declare them; undefined when nothing else is left.
 */
export function withoutAutomaticArgWarning(line: string): string | undefined {
  const warning = /^(.*one or more build args were not consumed: )\[([^\]]*)\]\s*$/.exec(line)
  if (warning === null) return line
  const left = (warning[2] ?? '')
    .split(/\s+/)
    .filter(name => name !== '' && !AUTOMATIC_PLATFORM_ARGS.includes(name))
  return left.length === 0 ? undefined : `${warning[1] ?? ''}[${left.join(' ')}]`
}
