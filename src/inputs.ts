import { availableParallelism } from 'node:os'
import {
  checkBuildxOptions,
  checkBuildxVersion,
  parseAppendLine,
  parseDriver
} from './buildx-inputs.js'
import { Input } from './constants.js'
import { InputError, errorMessage } from './errors.js'
import { type Annotation, AnnotationError, parseAnnotationLine } from './annotations.js'
import { parseList } from './input-list.js'
import { type ExpectedDigests, parseExpectDigests } from './publish/compare.js'
import { type EpochSetting, parseSourceDateEpoch } from './source-date-epoch.js'
import { type Platform, PlatformError, formatPlatform, parsePlatforms } from './platform.js'
import { type ImageReference, parseReference } from './reference.js'
import {
  ARM32_CHOICES,
  type Arm32Choice,
  RUNNER_SET_NAMES,
  type RunnerSet,
  type BuildSecret,
  type BuildxOptions,
  type CacheSpec,
  type KeyValue,
  type RunnerMap,
  parseOutputSpec
} from './values.js'

/** Where input values come from: the runner's INPUT_* variables, a plain record in tests. */
export interface InputSource {
  getInput(name: string): string
  getBooleanInput(name: string): boolean
}

export const MODES = ['build', 'matrix', 'merge'] as const
export type Mode = (typeof MODES)[number]
export const ENGINES = ['auto', 'buildx', 'buildah'] as const
export type EngineChoice = (typeof ENGINES)[number]
export const QEMU_CHOICES = ['auto', 'true', 'false'] as const
export const VERIFY_POLICIES = ['error', 'warn', 'off'] as const
export type QemuChoice = (typeof QEMU_CHOICES)[number]

export interface Registration {
  readonly registry: string | undefined
  readonly username: string
  readonly password: string
}

/** Every input, read and validated once. Nothing downstream calls getInput. */
export interface Inputs {
  readonly mode: Mode
  /** Normalised, de-duplicated, in the order given; empty means "the host's platform". */
  readonly platforms: readonly Platform[]
  readonly context: string
  /** The Dockerfile; empty means `<context>/Dockerfile`. */
  readonly file: string
  readonly tags: readonly ImageReference[]
  readonly labels: readonly KeyValue[]
  /** With their levels (docker/metadata-action's prefixes); none given: the image manifests. */
  readonly annotations: readonly Annotation[]
  readonly buildArgs: readonly KeyValue[]
  readonly secrets: readonly BuildSecret[]
  readonly target: string
  readonly noCache: boolean
  readonly pull: boolean
  readonly push: boolean
  /** Build leg of a fan-out: push by digest, tag only `<tag>-<platform-slug>`. */
  readonly pushByDigest: boolean
  /** Merge mode: the legs' images as `image@digest`; empty: the per-platform tags. */
  readonly sources: readonly ImageReference[]
  readonly cacheFrom: readonly CacheSpec[]
  readonly cacheTo: readonly CacheSpec[]
  readonly engine: EngineChoice
  readonly qemu: QemuChoice
  /** Platforms to register QEMU for instead of the plan's emulated ones; undefined: follow the plan. */
  readonly qemuPlatforms: readonly Platform[] | undefined
  /** May install qemu-user-static through apt when no emulator is on the machine. */
  readonly qemuInstall: boolean
  readonly runners: RunnerMap
  /** `auto`: 32-bit Arm goes to arm64 runners, which probe whether they run it natively. */
  readonly nativeArm32: Arm32Choice
  /** Native runner families beyond GitHub's own that the matrix may use. */
  readonly runnerSets: readonly RunnerSet[]
  readonly login: Registration
  /** A shell command run in each platform's image before anything is pushed; empty: none. */
  readonly smokeTest: string
  /** What a file of another architecture in a layer does: fail, warn, or nothing is read. */
  readonly verifyArch: (typeof VERIFY_POLICIES)[number]
  /** Path patterns whose foreign binaries are meant to be there (firmware, cross toolchains). */
  readonly verifyArchAllow: readonly string[]
  /** What the smoke test's output must match; undefined: only its exit code counts. */
  readonly smokeTestExpect: RegExp | undefined
  /** How many platforms build at once; from empty, the runner's CPU count. */
  readonly maxParallelism: number
  /** What only the buildx engine reads. */
  readonly buildx: BuildxOptions
  /** `source-date-epoch` (or the job's SOURCE_DATE_EPOCH); undefined: builds are stamped with now. */
  readonly sourceDateEpoch: EpochSetting | undefined
  /** `expect-digests`: platform -> digest an earlier run built; undefined: no comparison. */
  readonly expectDigests: ExpectedDigests | undefined
  /** Inputs given a value other than their default (buildah refuses buildx-only ones). */
  readonly customised: readonly Input[]
}

/**
 * Past these, an input is a mistake or an attack. The kernel caps one environment string
 * (how the runner passes an input) at 128 KiB, so the limit sits below that to be reachable.
 */
export const MAX_INPUT_BYTES = 100 * 1024
export const MAX_ITEM_BYTES = 32 * 1024
const REGISTRY_HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** Every input passes through here, so no input can be larger than the limit. */
function sizedSource(source: InputSource): InputSource {
  return {
    getInput(name: string): string {
      const value = source.getInput(name)
      const bytes = Buffer.byteLength(value)
      if (bytes > MAX_INPUT_BYTES) {
        throw new InputError(
          name,
          `is ${bytes} bytes; the limit is ${MAX_INPUT_BYTES}`,
          'Move large values into files in the build context'
        )
      }
      return value
    },
    getBooleanInput: name => source.getBooleanInput(name)
  }
}

export function readInputs(
  untrusted: InputSource,
  environment: Readonly<Record<string, string | undefined>> = process.env
): Inputs {
  const source = sizedSource(untrusted)
  const mode = oneOf(source, Input.Mode, MODES)
  const platforms = platformList(source, Input.Platforms)
  if (platforms.length === 0 && mode !== 'build') {
    throw new InputError(
      Input.Platforms,
      `is empty, and mode \`${mode}\` needs at least one platform`,
      'Example: platforms: linux/amd64,linux/arm64'
    )
  }
  const qemuPlatformsList = platformList(source, Input.QemuPlatforms)
  const push = boolean(source, Input.Push)
  const tags = list(source, Input.Tags, true).map(tag => imageTag(tag))
  const pushByDigest = boolean(source, Input.PushByDigest)
  if (pushByDigest && (mode !== 'build' || !push || platforms.length !== 1)) {
    throw new InputError(
      Input.PushByDigest,
      'needs mode `build`, `push: true` and exactly one platform',
      'A fan-out leg builds one platform: platforms: ${{ matrix.platform }}'
    )
  }
  if (mode === 'merge' && tags.length === 0) {
    throw new InputError(Input.Tags, 'is empty, and mode `merge` pushes the index to tags')
  }
  const sources = list(source, Input.Sources, true).map(text => sourceReference(text))
  if (sources.length > 0 && mode !== 'merge') {
    throw new InputError(Input.Sources, 'is for mode `merge` only')
  }
  if (mode === 'build' && push && tags.length === 0) {
    throw new InputError(
      Input.Tags,
      'is empty but `push` is true',
      'Name at least one tag to push to'
    )
  }
  const username = source.getInput(Input.Username)
  const password = source.getInput(Input.Password)
  if (password !== '' && username === '') {
    throw new InputError(Input.Username, 'is empty while `password` is set', 'Set both or neither')
  }
  if (/[\s:]/.test(username)) {
    throw new InputError(
      Input.Username,
      'holds a blank, a line break or a colon',
      'Give the bare user name'
    )
  }
  if (/[\r\n]/.test(password)) {
    throw new InputError(
      Input.Password,
      'holds a line break',
      'Give the password or token on one line'
    )
  }
  const registry = source.getInput(Input.Registry).trim()
  if (registry !== '' && !REGISTRY_HOST.test(registry)) {
    throw new InputError(
      Input.Registry,
      `\`${registry}\` is not a registry host`,
      'Give host[:port], e.g. ghcr.io or 127.0.0.1:5000, without a scheme or path'
    )
  }
  const expectDigests = parseExpectDigests(source.getInput(Input.ExpectDigests))
  if (expectDigests !== undefined && mode !== 'build') {
    throw new InputError(
      Input.ExpectDigests,
      `is for mode \`build\`, not \`${mode}\``,
      'Rebuild with mode: build (push: false needs no registry) and compare there'
    )
  }
  const maxParallelism = parallelism(source)
  const customised = customisedInputs(source)
  const inputs: Inputs = {
    mode,
    platforms,
    context: contextPath(source),
    file: source.getInput(Input.File),
    tags,
    labels: keyValues(source, Input.Labels, /^[^\s=]+$/),
    annotations: annotationLines(source),
    buildArgs: keyValues(source, Input.BuildArgs, /^[A-Za-z_][A-Za-z0-9_.-]*$/),
    secrets: keyValues(source, Input.Secrets, /^[A-Za-z0-9_.-]+$/).map(({ key, value }) => ({
      id: key,
      value
    })),
    target: stageName(source),
    noCache: boolean(source, Input.NoCache),
    pull: boolean(source, Input.Pull),
    push,
    pushByDigest,
    sources,
    cacheFrom: cacheSpecs(source, Input.CacheFrom),
    cacheTo: cacheSpecs(source, Input.CacheTo),
    engine: oneOf(source, Input.Engine, ENGINES),
    qemu: oneOf(source, Input.Qemu, QEMU_CHOICES),
    qemuPlatforms: qemuPlatformsList.length === 0 ? undefined : qemuPlatformsList,
    qemuInstall: boolean(source, Input.QemuInstall),
    runners: runnerMap(source),
    nativeArm32: oneOf(source, Input.NativeArm32, ARM32_CHOICES),
    runnerSets: list(source, Input.RunnerSets, true).map(name => {
      const set = RUNNER_SET_NAMES.find(known => known === name.trim().toLowerCase())
      if (set === undefined) {
        throw new InputError(
          Input.RunnerSets,
          `\`${name}\` is not a runner set`,
          `Valid: ${RUNNER_SET_NAMES.join(', ')} (ibm: s390x and ppc64le, rise: riscv64)`
        )
      }
      return set
    }),
    login: { registry: registry === '' ? undefined : registry, username, password },
    smokeTest: source.getInput(Input.SmokeTest).trim(),
    verifyArch: oneOf(source, Input.VerifyArch, VERIFY_POLICIES),
    verifyArchAllow: list(source, Input.VerifyArchAllow, true),
    smokeTestExpect: expectation(source),
    maxParallelism,
    buildx: buildxOptions(
      source,
      push,
      customised.includes(Input.MaxParallelism) ? maxParallelism : undefined
    ),
    sourceDateEpoch: parseSourceDateEpoch(
      source.getInput(Input.SourceDateEpoch),
      environment.SOURCE_DATE_EPOCH
    ),
    expectDigests,
    customised
  }
  return deepFreeze(inputs)
}

function list(source: InputSource, name: Input, commas: boolean): string[] {
  const value = source.getInput(name)
  let items: string[]
  try {
    items = parseList(value, { commas })
  } catch (error) {
    throw new InputError(
      name,
      `is not a valid list (${errorMessage(error)})`,
      'Separate items by newlines or commas; quote an item that holds a comma with "double quotes"'
    )
  }
  const large = items.find(item => Buffer.byteLength(item) > MAX_ITEM_BYTES)
  if (large !== undefined) {
    throw new InputError(
      name,
      `has an item of ${Buffer.byteLength(large)} bytes; the limit is ${MAX_ITEM_BYTES}`,
      'Move large values into files in the build context'
    )
  }
  return items
}

function contextPath(source: InputSource): string {
  const value = source.getInput(Input.Context).trim() || '.'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^git@/.test(value)) {
    throw new InputError(
      Input.Context,
      `\`${value}\` is a URL`,
      'Check the repository out (actions/checkout) and give its directory'
    )
  }
  return value
}

function stageName(source: InputSource): string {
  const value = source.getInput(Input.Target).trim()
  if (value !== '' && !STAGE_NAME.test(value)) {
    throw new InputError(
      Input.Target,
      `\`${value}\` is not a stage name`,
      'Give the name after AS in a FROM line: letters, digits, _ . -'
    )
  }
  return value
}

function boolean(source: InputSource, name: Input): boolean {
  try {
    return source.getBooleanInput(name)
  } catch {
    throw new InputError(
      name,
      `is \`${source.getInput(name)}\`, not a boolean`,
      'Valid: true, True, TRUE, false, False, FALSE'
    )
  }
}

/** A whole number of builds at once, 1 to 64; empty is the runner's CPU count. */
function parallelism(source: InputSource): number {
  const value = source.getInput(Input.MaxParallelism).trim()
  if (value === '') return Math.min(64, availableParallelism())
  const count = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new InputError(
      Input.MaxParallelism,
      `is \`${value}\``,
      `Valid: a whole number from 1 to 64, or empty for this runner's CPU count (${availableParallelism()})`
    )
  }
  return count
}

function oneOf<T extends string>(source: InputSource, name: Input, valid: readonly T[]): T {
  const value = source.getInput(name).trim()
  const match = valid.find(candidate => candidate === value.toLowerCase())
  if (match === undefined) {
    throw new InputError(name, `is \`${value}\``, `Valid: ${valid.join(', ')}`)
  }
  return match
}

function platformList(source: InputSource, name: Input): Platform[] {
  return platformsOf(name, list(source, name, true))
}

function platformsOf(name: Input, items: readonly string[]): Platform[] {
  try {
    return parsePlatforms(items)
  } catch (error) {
    if (error instanceof PlatformError) throw new InputError(name, error.message)
    throw error
  }
}

function imageTag(text: string): ImageReference {
  let reference: ImageReference
  try {
    reference = parseReference(text)
  } catch (error) {
    throw new InputError(Input.Tags, errorMessage(error), 'Example: ghcr.io/owner/app:1.2.3')
  }
  if (reference.digest !== undefined) {
    throw new InputError(
      Input.Tags,
      `\`${text}\` is a digest reference`,
      'A tag names where to push; give registry/repository:tag without @sha256:...'
    )
  }
  return reference.tag === undefined ? { ...reference, tag: 'latest' } : reference
}

function sourceReference(text: string): ImageReference {
  let reference: ImageReference
  try {
    reference = parseReference(text)
  } catch (error) {
    throw new InputError(Input.Sources, errorMessage(error))
  }
  if (reference.digest === undefined) {
    throw new InputError(
      Input.Sources,
      `\`${text}\` has no digest`,
      'Give each leg as registry/repository@sha256:..., from its `digest` output'
    )
  }
  return reference
}

function annotationLines(source: InputSource): Annotation[] {
  return list(source, Input.Annotations, false).flatMap(line => {
    try {
      return parseAnnotationLine(line)
    } catch (error) {
      if (error instanceof AnnotationError) {
        throw new InputError(Input.Annotations, error.message, error.fix)
      }
      throw error
    }
  })
}

function keyValues(source: InputSource, name: Input, validKey: RegExp): KeyValue[] {
  return list(source, name, false).map(line => {
    const equals = line.indexOf('=')
    const key = equals === -1 ? line : line.slice(0, equals).trim()
    if (equals === -1 || !validKey.test(key)) {
      throw new InputError(
        name,
        `line \`${equals === -1 ? redact(line) : key}\` is not KEY=value`,
        `Write one KEY=value per line; KEY matches ${validKey.source}`
      )
    }
    return { key, value: line.slice(equals + 1) }
  })
}

/** Never echo what may be a secret value back into a log. */
function redact(line: string): string {
  return line.length > 3 ? `${line.slice(0, 3)}...` : '...'
}

function cacheSpecs(source: InputSource, name: Input): CacheSpec[] {
  return list(source, name, false).map(line => {
    if (!line.includes('=')) {
      cacheReference(name, line)
      return { type: 'registry', attributes: { ref: line } }
    }
    const attributes: Record<string, string> = {}
    for (const field of line.split(',')) {
      const equals = field.indexOf('=')
      if (equals <= 0) {
        throw new InputError(
          name,
          `\`${line}\` has a field \`${field}\` that is not key=value`,
          'Example: type=registry,ref=ghcr.io/owner/app:cache'
        )
      }
      attributes[field.slice(0, equals).trim()] = field.slice(equals + 1).trim()
    }
    const { type = 'registry', ...rest } = attributes
    if (rest.ref !== undefined) cacheReference(name, rest.ref)
    return { type, attributes: rest }
  })
}

function expectation(source: InputSource): RegExp | undefined {
  const pattern = source.getInput(Input.SmokeTestExpect).trim()
  if (pattern === '') return undefined
  try {
    return new RegExp(pattern, 'm')
  } catch (error) {
    throw new InputError(
      Input.SmokeTestExpect,
      `is not a regular expression (${errorMessage(error)})`,
      'Example: ^(x86_64|aarch64)$'
    )
  }
}

function buildxOptions(
  source: InputSource,
  push: boolean,
  workerParallelism: number | undefined
): BuildxOptions {
  const driver = parseDriver(source.getInput(Input.Driver))
  const options: BuildxOptions = {
    version: checkBuildxVersion(source.getInput(Input.BuildxVersion)),
    githubToken: source.getInput(Input.GithubToken).trim(),
    driver,
    driverOpts: list(source, Input.DriverOpts, false),
    buildkitdConfigInline: source.getInput(Input.BuildkitdConfigInline),
    workerParallelism,
    endpoint: source.getInput(Input.Endpoint).trim(),
    builderName: source.getInput(Input.BuilderName).trim(),
    builder: source.getInput(Input.Builder).trim(),
    append: list(source, Input.Append, false).map(line => parseAppendLine(line, driver)),
    buildContexts: keyValues(source, Input.BuildContexts, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    secretEnvs: keyValues(source, Input.SecretEnvs, /^[A-Za-z0-9_.-]+$/),
    secretFiles: keyValues(source, Input.SecretFiles, /^[A-Za-z0-9_.-]+$/),
    ssh: list(source, Input.Ssh, false),
    network: source.getInput(Input.Network).trim(),
    addHosts: list(source, Input.AddHosts, true),
    shmSize: source.getInput(Input.ShmSize).trim(),
    ulimits: list(source, Input.Ulimit, false),
    provenance: source.getInput(Input.Provenance).trim(),
    sbom: source.getInput(Input.Sbom).trim(),
    outputs: list(source, Input.Outputs, false),
    load: boolean(source, Input.Load)
  }
  checkBuildxOptions(options)
  checkOutputs(options.outputs, push)
  return options
}

/**
 * The action moves tags itself, after the checks: an output that pushes to tags would move
 * them first, and with `push` a second export is one more than buildx before 0.13 takes.
 */
function checkOutputs(outputs: readonly string[], push: boolean): void {
  for (const output of outputs) {
    const fields = parseOutputSpec(output)
    const type = fields.get('type')
    if (type === 'registry' || (type === 'image' && fields.get('push') === 'true')) {
      throw new InputError(
        Input.Outputs,
        `\`${output}\` pushes to tags before any check runs`,
        'Use `push: true` with `tags`: the action pushes by digest, checks, then moves the tags'
      )
    }
  }
  if (push && outputs.length > 0) {
    throw new InputError(
      Input.Outputs,
      "is set while `push` is true; the push is the build's one output",
      'Remove `outputs` to push, or set `push: false` to write only the outputs'
    )
  }
}

/** Which inputs differ from action.yml's defaults, as far as the action can tell: set ones. */
function customisedInputs(source: InputSource): Input[] {
  const defaults: Partial<Record<Input, string>> = {
    [Input.Driver]: 'docker-container',
    [Input.Load]: 'false'
  }
  return Object.values(Input).filter(
    name => source.getInput(name).trim() !== (defaults[name] ?? '')
  )
}

function cacheReference(name: Input, ref: string): void {
  try {
    parseReference(ref)
  } catch (error) {
    throw new InputError(
      name,
      errorMessage(error),
      'Example: type=registry,ref=ghcr.io/owner/app-cache'
    )
  }
}

function runnerMap(source: InputSource): RunnerMap {
  const byPlatform: Record<string, string> = {}
  let fallback: string | undefined
  for (const line of list(source, Input.Runners, false)) {
    const equals = line.indexOf('=')
    const key = line.slice(0, Math.max(equals, 0)).trim()
    const label = line.slice(equals + 1).trim()
    if (equals <= 0 || label === '') {
      throw new InputError(
        Input.Runners,
        `line \`${line}\` is not platform=label`,
        'Example: linux/s390x=self-hosted-s390x, or default=ubuntu-24.04'
      )
    }
    if (key === 'default') {
      fallback = label
      continue
    }
    const [platform] = platformsOf(Input.Runners, [key])
    if (platform !== undefined) byPlatform[formatPlatform(platform)] = label
  }
  return { byPlatform, fallback }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
