/**
 * Which image every reference of a Dockerfile names for one target platform, and the copy of
 * the Dockerfile that names each by the local image the action pulled for that platform.
 *
 * buildah releases before 1.40 need this to build platforms side by side (see version.ts):
 * - after a pull, buildah looks the image up again by its name, which a pull of another
 *   platform beside it may have moved: a build can get another platform's base, or, for
 *   `COPY --from=<image>` and `RUN --mount=from=<image>`, none at all;
 * - once a stage names a platform, later stages of the same build inherit it.
 * Naming each reference by image id (and each stage's platform on its FROM) leaves buildah
 * nothing to look up by name. Every other byte of the file stays as it was.
 */
import type { Platform } from '../../platform.js'
import { formatPlatform, parsePlatform } from '../../platform.js'
import type { KeyValue } from '../../values.js'
import {
  type Dockerfile,
  type Edit,
  type Instruction,
  type Word,
  flagValue,
  leadingFlags,
  sliceWord,
  wordRange
} from './dockerfile.js'

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

/**
 * `BUILDPLATFORM` and friends for the build host, except those the user set in `build-args`.
 * buildah 1.28 resolves `$BUILDPLATFORM` in a FROM flag to the target platform unless it is
 * given; naming the host costs nothing on the releases that get it right.
 */
export function buildPlatformArgs(host: Platform, given: readonly KeyValue[]): KeyValue[] {
  return platformArgs('BUILD', host).filter(
    ({ key, value }) => value !== '' && !given.some(arg => arg.key === key)
  )
}

/**
 * `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME-word}` against `values`; undefined for any
 * other form, so that a reference the action cannot read the way buildah does is left alone.
 * `strict`: a name `values` does not hold is unreadable too (instead of empty).
 */
export function expandArgs(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
  strict = false
): string | undefined {
  const unreadable = { found: false }
  const expanded = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)((?::?-)[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g,
    (_match, braced?: string, fallback?: string, bare?: string, other?: string) => {
      const name = braced ?? bare ?? ''
      if (other !== undefined || (strict && !values.has(name))) {
        unreadable.found = true
        return ''
      }
      const value = values.get(name)
      if (fallback === undefined) return value ?? ''
      const word = fallback.replace(/^:?-/, '')
      if (fallback.startsWith(':')) return value === undefined || value === '' ? word : value
      return value ?? word
    }
  )
  return unreadable.found || /[$"'\\`]/.test(expanded) ? undefined : expanded
}

export interface PinOptions {
  readonly target: Platform
  readonly host: Platform
  readonly buildArgs: readonly KeyValue[]
  /** `--target`: stages after it are not built. */
  readonly targetStage: string
}

/** One image reference, resolved for one target platform. */
export interface ImageReferencePin {
  readonly kind: 'from' | 'copy' | 'mount'
  /** The image as buildah would pull it, args expanded. */
  readonly image: string
  readonly platform: Platform
  readonly line: number
  /** The reference's text in the file, replaced by the image's id. */
  readonly word: Word
  /** FROM only: the stage's `--platform=` flag, rewritten (or one put before `word`). */
  readonly platformFlag?: Word | undefined
}

/** A FROM naming an earlier stage: it only gets that stage's platform written out. */
export interface StagePin {
  readonly line: number
  readonly platform: Platform
  readonly word: Word
  readonly platformFlag: Word | undefined
}

export interface PinPlan {
  readonly images: readonly ImageReferencePin[]
  readonly stages: readonly StagePin[]
  /** References the action cannot read as buildah does, each with its line: build one platform at a time. */
  readonly unresolved: readonly string[]
  /** Some FROM names a platform of its own (buildah before 1.40 then needs the pins even alone). */
  readonly platformFlags: boolean
  /** The image the built stage starts from, when it is an image: buildah records its name. */
  readonly finalBase: string | undefined
}

interface StageInfo {
  readonly name: string | undefined
  /** null: the action could not tell it. */
  readonly platform: Platform | null
}

/** ARG's `NAME=value` and `NAME` words. */
function argDeclarations(instruction: Instruction): { name: string; value: string | undefined }[] {
  return instruction.words.map(word => {
    const equals = word.text.indexOf('=')
    if (equals === -1) return { name: word.text, value: undefined }
    return { name: word.text.slice(0, equals), value: unquote(word.text.slice(equals + 1)) }
  })
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value)
  return quoted?.[1] ?? value
}

function given(options: PinOptions, name: string): string | undefined {
  return options.buildArgs.find(arg => arg.key === name)?.value
}

/** Every reference to pin for one target platform, in file order. */
export function planPins(dockerfile: Dockerfile, options: PinOptions): PinPlan {
  const automatic = new Map<string, string>(
    [...platformArgs('TARGET', options.target), ...platformArgs('BUILD', options.host)].map(
      ({ key, value }) => [key, value]
    )
  )
  const global = new Map<string, string | undefined>()
  const images: ImageReferencePin[] = []
  const stagePins: StagePin[] = []
  const unresolved: string[] = []
  const stages: StageInfo[] = []
  const laterNames = new Set(
    dockerfile.instructions
      .filter(instruction => instruction.keyword === 'from')
      .map(instruction => stageNameOf(instruction)?.toLowerCase())
      .filter(name => name !== undefined)
  )
  let platformFlags = false
  let finalBase: string | undefined
  let current: StageInfo | undefined
  let scope = new Map<string, string | undefined>()
  let targetReached = false
  const refuse = (instruction: Instruction, why: string): void => {
    unresolved.push(`line ${instruction.line}: \`${instruction.source}\` (${why})`)
  }
  /** A stage this reference names, or undefined for an image; null: it cannot be told. */
  const stageReference = (name: string): StageInfo | null | undefined => {
    if (/^\d+$/.test(name)) return stages[Number(name)] ?? null
    const found = stages.find(stage => stage.name?.toLowerCase() === name.toLowerCase())
    if (found !== undefined) return found
    return laterNames.has(name.toLowerCase()) ? null : undefined
  }
  const pinImageUse = (instruction: Instruction, kind: 'copy' | 'mount', word: Word): void => {
    const name = expandArgs(word.text, scope, true)
    if (name === undefined || name === '') {
      refuse(instruction, 'an image name the action cannot expand as buildah would')
      return
    }
    const stage = stageReference(name)
    if (stage === null) refuse(instruction, `\`${name}\` names no earlier stage`)
    if (stage !== undefined) return
    if (current?.platform === null || current === undefined) {
      refuse(instruction, "the stage's platform is not known")
      return
    }
    images.push({ kind, image: name, platform: current.platform, line: instruction.line, word })
  }

  for (const instruction of dockerfile.instructions) {
    const { keyword } = instruction
    if (keyword === 'from') {
      if (targetReached) break
      const info = planFrom(instruction)
      stages.push(info)
      current = info
      scope = new Map()
      if (
        options.targetStage !== '' &&
        info.name?.toLowerCase() === options.targetStage.toLowerCase()
      ) {
        targetReached = true
      }
      continue
    }
    if (keyword === 'arg') {
      for (const { name, value } of argDeclarations(instruction)) {
        if (current === undefined) {
          // A build arg reaches FROM only through a global ARG, as with BuildKit.
          global.set(
            name,
            given(options, name) ??
              (value === undefined ? undefined : (expandArgs(value, global) ?? value))
          )
          continue
        }
        const inherited = global.has(name) ? global.get(name) : automatic.get(name)
        const expanded = value === undefined ? inherited : expandArgs(value, scope, true)
        scope.set(name, given(options, name) ?? expanded)
      }
      continue
    }
    if (current === undefined) continue
    if (keyword === 'copy') {
      for (const flag of leadingFlags(instruction)) {
        const from = flagValue(flag, 'from')
        if (from !== undefined) pinImageUse(instruction, 'copy', from)
      }
    }
    if (keyword === 'run') {
      for (const flag of leadingFlags(instruction)) {
        const mount = flagValue(flag, 'mount')
        if (mount === undefined) continue
        if (/["']/.test(mount.text) && /from=/i.test(mount.text)) {
          refuse(instruction, 'a quoted mount option')
          continue
        }
        let at = 0
        for (const field of mount.text.split(',')) {
          if (/^from=/i.test(field)) {
            pinImageUse(
              instruction,
              'mount',
              sliceWord(mount, at + 'from='.length, at + field.length)
            )
          }
          at += field.length + 1
        }
      }
    }
  }
  return { images, stages: stagePins, unresolved, platformFlags, finalBase }

  function planFrom(instruction: Instruction): StageInfo {
    const flags = leadingFlags(instruction)
    const rest = instruction.words.slice(flags.length)
    const baseWord = rest[0]
    const name = rest[1]?.text.toLowerCase() === 'as' ? rest[2]?.text : undefined
    const platformFlag = flags.find(flag => flagValue(flag, 'platform') !== undefined)
    if (platformFlag !== undefined) platformFlags = true
    const values = new Map<string, string | undefined>(global)
    // The automatic args reach FROM without a declaration, unless `build-args` names them.
    for (const [key, value] of automatic)
      if (given(options, key) === undefined) values.set(key, value)
    const image = baseWord === undefined ? undefined : expandArgs(baseWord.text, values)
    let platform: Platform | undefined = options.target
    const platformWord =
      platformFlag === undefined ? undefined : flagValue(platformFlag, 'platform')
    if (platformWord !== undefined) {
      const text = expandArgs(platformWord.text, values)
      try {
        platform = text === undefined ? undefined : parsePlatform(text)
      } catch {
        platform = undefined
      }
    }
    finalBase = undefined
    if (image === undefined || image === '' || baseWord === undefined) {
      refuse(instruction, 'a base the action cannot expand as buildah would')
      return { name, platform: null }
    }
    if (platform === undefined) {
      refuse(instruction, 'a platform the action cannot read')
      return { name, platform: null }
    }
    if (flags.length > (platformFlag === undefined ? 0 : 1)) {
      refuse(instruction, 'a FROM flag the action does not know')
      return { name, platform: null }
    }
    if (image.toLowerCase() === 'scratch') return { name, platform }
    const earlier = stageReference(image)
    if (earlier === null) {
      refuse(instruction, `\`${image}\` names no earlier stage`)
      return { name, platform: null }
    }
    if (earlier !== undefined) {
      // A stage's own image keeps the platform it was built for, as with BuildKit.
      const stagePlatform = platformFlag === undefined ? earlier.platform : platform
      if (stagePlatform === null) {
        refuse(instruction, "the earlier stage's platform is not known")
        return { name, platform: null }
      }
      stagePins.push({
        line: instruction.line,
        platform: stagePlatform,
        word: baseWord,
        platformFlag
      })
      return { name, platform: stagePlatform }
    }
    images.push({
      kind: 'from',
      image,
      platform,
      line: instruction.line,
      word: baseWord,
      platformFlag
    })
    finalBase = image
    return { name, platform }
  }
}

function stageNameOf(instruction: Instruction): string | undefined {
  const rest = instruction.words.slice(leadingFlags(instruction).length)
  return rest[1]?.text.toLowerCase() === 'as' ? rest[2]?.text : undefined
}

/** The key under which a reference's pulled image is kept: one image per name and platform. */
export function pinKey(image: string, platform: Platform): string {
  return `${image} ${formatPlatform(platform)}`
}

/**
 * The edits that name each planned reference by the id `ids` holds for it (and each FROM's
 * platform); undefined when an id is missing.
 */
export function pinEdits(plan: PinPlan, ids: ReadonlyMap<string, string>): Edit[] | undefined {
  const edits: Edit[] = []
  const platformEdit = (platformFlag: Word | undefined, base: Word, platform: Platform): Edit => {
    const text = `--platform=${formatPlatform(platform)}`
    if (platformFlag !== undefined) return { ...wordRange(platformFlag), text }
    const { start } = wordRange(base)
    return { start, end: start, text: `${text} ` }
  }
  for (const pin of plan.images) {
    const id = ids.get(pinKey(pin.image, pin.platform))
    if (id === undefined) return undefined
    if (pin.kind === 'from') edits.push(platformEdit(pin.platformFlag, pin.word, pin.platform))
    edits.push({ ...wordRange(pin.word), text: id })
  }
  for (const stage of plan.stages) {
    edits.push(platformEdit(stage.platformFlag, stage.word, stage.platform))
  }
  return edits
}

/** Which images to pull: each name and platform once, in file order. */
export function imagesToPull(
  plans: readonly PinPlan[]
): { readonly image: string; readonly platform: Platform }[] {
  const seen = new Set<string>()
  const wanted: { image: string; platform: Platform }[] = []
  for (const plan of plans) {
    for (const pin of plan.images) {
      const key = pinKey(pin.image, pin.platform)
      if (seen.has(key)) continue
      seen.add(key)
      wanted.push({ image: pin.image, platform: pin.platform })
    }
  }
  return wanted
}
