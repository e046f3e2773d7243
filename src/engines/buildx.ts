import * as core from '@actions/core'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import path from 'node:path'
import { State } from '../constants.js'
import { ActionError, InputError } from '../errors.js'
import { ExecError, type ExecResult, exec } from '../exec.js'
import type { CacheSpec, KeyValue } from '../inputs.js'
import { PlatformError, canonicalPlatformName, formatPlatform, parsePlatform } from '../platform.js'
import type { PlannedPlatform } from '../plan.js'
import { type ImageReference, formatReference } from '../reference.js'
import { VERSION_INPUT, buildxAtLeast, ensureBuildx } from './buildx-install.js'
import { type OciLayoutImage, digestsFromOciLayout, parseMetadataFile } from './buildx-metadata.js'
import type { BuildRequest, BuildResult, Engine } from './engine.js'

export const DRIVERS = ['docker', 'docker-container', 'kubernetes', 'remote'] as const
export type BuildxDriver = (typeof DRIVERS)[number]

/** Inputs only the buildx engine reads, named as docker/setup-buildx-action and build-push-action do. */
export const BuildxInput = {
  Version: VERSION_INPUT,
  Driver: 'driver',
  DriverOpts: 'driver-opts',
  BuildkitdConfigInline: 'buildkitd-config-inline',
  Endpoint: 'endpoint',
  BuilderName: 'builder-name',
  Builder: 'builder',
  Append: 'append'
} as const

/** What the buildx engine needs beyond the shared BuildRequest; one field per action input. */
export interface BuildxOptions {
  /** `buildx-version`: `latest`, an exact version or a semver range; empty: the installed one. */
  readonly version: string
  /** `driver`, parsed with `parseDriver`. */
  readonly driver: BuildxDriver
  /** `driver-opts`: one `key=value` per item, passed as `--driver-opt`. */
  readonly driverOpts: readonly string[]
  /** `buildkitd-config-inline`: buildkitd.toml content; empty: none. */
  readonly buildkitdConfigInline: string
  /** `endpoint`: docker context or address of the first node (needed by driver `remote`). */
  readonly endpoint: string
  /** `builder-name`: name of the builder to create; empty: a generated one. */
  readonly builderName: string
  /** `builder`: an existing builder to use as it is; nothing is created or removed. */
  readonly builder: string
  /** `append`: extra nodes, one `PLATFORMS=ENDPOINT[,driver=D][,driver-opt=K=V]...` per line. */
  readonly append: readonly string[]
  /** `build-contexts`: `name=value`. */
  readonly buildContexts: readonly KeyValue[]
  /** `secret-envs`: secret id = environment variable name. */
  readonly secretEnvs: readonly KeyValue[]
  /** `secret-files`: secret id = file path. */
  readonly secretFiles: readonly KeyValue[]
  /** `ssh`: `default` or `id=path[,path]`. */
  readonly ssh: readonly string[]
  readonly network: string
  /** `add-hosts`: `host:ip`. */
  readonly addHosts: readonly string[]
  readonly shmSize: string
  /** `ulimit`: `type=soft:hard`. */
  readonly ulimits: readonly string[]
  /** `provenance`: `false`, `true`, `mode=max`...; empty: buildx's default. */
  readonly provenance: string
  /** `sbom`: `false`, `true`, `generator=...`; empty: buildx's default. */
  readonly sbom: string
  /** `outputs`: buildx `--output` CSV entries. */
  readonly outputs: readonly string[]
  readonly load: boolean
}

/** Secret files as written for one build: `--secret id=...,src=...` points at them. */
export interface SecretFile {
  readonly id: string
  readonly file: string
}

/** Names and files of one `buildx build` run. */
export interface BuildxRun {
  readonly builder: string
  readonly metadataFile: string
  readonly iidFile: string
  readonly secretFiles: readonly SecretFile[]
}

export function parseDriver(text: string): BuildxDriver {
  const value = text.trim().toLowerCase()
  const driver = DRIVERS.find(candidate => candidate === value)
  if (driver === undefined) {
    throw new InputError(
      BuildxInput.Driver,
      `is \`${text.trim()}\``,
      `Valid: ${DRIVERS.join(', ')}`
    )
  }
  return driver
}

/** buildx's rule for builder names. */
const BUILDER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/

/** Cross-input rules, checked before anything runs; returns the parsed `append` lines. */
export function checkBuildxOptions(options: BuildxOptions): AppendNode[] {
  const creating: [string, boolean][] = [
    [BuildxInput.DriverOpts, options.driverOpts.length > 0],
    [BuildxInput.BuildkitdConfigInline, options.buildkitdConfigInline.trim() !== ''],
    [BuildxInput.BuilderName, options.builderName !== ''],
    [BuildxInput.Append, options.append.length > 0]
  ]
  if (options.builder !== '') {
    const reused: [string, boolean][] = [
      ...creating,
      [BuildxInput.Endpoint, options.endpoint !== '']
    ]
    const [ignored] = reused.find(([, set]) => set) ?? []
    if (ignored !== undefined) {
      throw new InputError(
        BuildxInput.Builder,
        `reuses the existing builder \`${options.builder}\`, so \`${ignored}\` would have no effect`,
        'Set `builder` to use a builder as it is, or the builder inputs to create one'
      )
    }
    return []
  }
  if (options.builderName !== '' && !BUILDER_NAME.test(options.builderName)) {
    throw new InputError(
      BuildxInput.BuilderName,
      `\`${options.builderName}\` is not a builder name`,
      'Use letters, digits, `.`, `_` and `-`, starting with a letter or digit'
    )
  }
  if (options.driver === 'docker') {
    // The docker driver is the daemon's own builder: buildx cannot create or configure it.
    const [configured] = creating.find(([, set]) => set) ?? []
    if (configured !== undefined) {
      throw new InputError(
        configured,
        'does not apply to driver `docker` (the docker daemon builds, with its own settings)',
        'Use driver docker-container, kubernetes or remote'
      )
    }
  }
  if (options.driver === 'remote' && options.endpoint === '') {
    throw new InputError(
      BuildxInput.Endpoint,
      'is empty, and driver `remote` needs the address of a BuildKit daemon',
      'Example: tcp://buildkitd.example.com:1234'
    )
  }
  return options.append.map(line => parseAppendLine(line, options.driver))
}

export interface BuilderSpec {
  readonly name: string
  readonly driver: BuildxDriver
  readonly driverOpts: readonly string[]
  /** buildkitd.toml written from `buildkitd-config-inline`. */
  readonly configFile?: string
  readonly endpoint?: string
  /** The buildx version, for the spelling of the config flag. */
  readonly version: string
}

/** argv for `docker buildx create`; no `--use`: every later command names the builder. */
export function createBuilderArgs(spec: BuilderSpec): string[] {
  const args = ['buildx', 'create', '--name', spec.name, '--driver', spec.driver]
  for (const option of spec.driverOpts) args.push('--driver-opt', option)
  if (spec.configFile !== undefined) {
    // buildx 0.13 renamed --config to --buildkitd-config.
    args.push(buildxAtLeast(spec.version, '0.13.0') ? '--buildkitd-config' : '--config')
    args.push(spec.configFile)
  }
  if (spec.endpoint !== undefined && spec.endpoint !== '') args.push(spec.endpoint)
  return args
}

/** One `append` line, parsed. */
export interface AppendNode {
  /** Canonical platform names the node builds. */
  readonly platforms: readonly string[]
  /** Docker context, `tcp://`, `ssh://` or `unix://` address; empty: the driver's default. */
  readonly endpoint: string
  readonly driverOpts: readonly string[]
}

const APPEND_FIX =
  'Write PLATFORMS=ENDPOINT[,driver=DRIVER][,driver-opt=KEY=VALUE]..., e.g. linux/arm64=ssh://user@arm-host'

/**
 * Parse an `append` line: `PLATFORMS=ENDPOINT[,driver=DRIVER][,driver-opt=KEY=VALUE]...`.
 * PLATFORMS is one or more platforms joined by commas (they hold no `=`, so the first `=`
 * ends them); ENDPOINT may be empty, or `kubernetes` as short for `,driver=kubernetes`.
 * Driver-opt values cannot hold commas. Every node of a builder runs on the builder's driver.
 */
export function parseAppendLine(line: string, driver: BuildxDriver): AppendNode {
  const text = line.trim()
  const equals = text.indexOf('=')
  if (equals <= 0) {
    throw new InputError(BuildxInput.Append, `line \`${text}\` names no platform`, APPEND_FIX)
  }
  let platforms: string[]
  try {
    platforms = text
      .slice(0, equals)
      .split(',')
      .map(name => formatPlatform(parsePlatform(name)))
  } catch (error) {
    if (error instanceof PlatformError) throw new InputError(BuildxInput.Append, error.message)
    throw error
  }
  const [first = '', ...fields] = text.slice(equals + 1).split(',')
  let endpoint = first.trim()
  let nodeDriver: string = driver
  if (endpoint === 'kubernetes') {
    endpoint = ''
    nodeDriver = 'kubernetes'
  }
  const driverOpts: string[] = []
  for (const field of fields) {
    const split = field.indexOf('=')
    const key = field.slice(0, Math.max(split, 0)).trim()
    const value = field.slice(split + 1).trim()
    if (key === 'driver') nodeDriver = value
    else if (key === 'driver-opt' && value !== '') driverOpts.push(value)
    else {
      throw new InputError(
        BuildxInput.Append,
        `line \`${text}\` has a field \`${field.trim()}\`; valid fields: driver=, driver-opt=`,
        APPEND_FIX
      )
    }
  }
  if (driver === 'docker') {
    throw new InputError(
      BuildxInput.Append,
      'adds nodes, which a `docker` driver builder cannot have',
      'Use driver docker-container, kubernetes or remote'
    )
  }
  if (nodeDriver !== driver) {
    throw new InputError(
      BuildxInput.Append,
      `line \`${text}\` asks for driver \`${nodeDriver}\`, but the builder uses \`${driver}\``,
      `buildx runs every node of a builder on one driver: set \`driver: ${nodeDriver}\` or drop it from the line`
    )
  }
  if (endpoint === '' && driver !== 'kubernetes') {
    throw new InputError(
      BuildxInput.Append,
      `line \`${text}\` names no endpoint`,
      'Give a docker context, tcp://HOST:PORT or ssh://USER@HOST after the `='
    )
  }
  return { platforms, endpoint, driverOpts }
}

/** argv adding one `append` node; buildx names the first node `<builder>0`, these follow. */
export function appendNodeArgs(builder: string, node: AppendNode, index: number): string[] {
  const args = [
    'buildx',
    'create',
    '--name',
    builder,
    '--append',
    '--node',
    `${builder}${index + 1}`
  ]
  args.push('--platform', node.platforms.join(','))
  for (const option of node.driverOpts) args.push('--driver-opt', option)
  if (node.endpoint !== '') args.push(node.endpoint)
  return args
}

export function bootstrapArgs(name: string): string[] {
  return ['buildx', 'inspect', '--bootstrap', '--builder', name]
}

export function removeBuilderArgs(name: string): string[] {
  return ['buildx', 'rm', name]
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

/** Planned platforms the builder does not offer; none when it listed nothing to compare with. */
export function unsupportedPlatforms(
  planned: readonly PlannedPlatform[],
  available: readonly string[]
): string[] {
  if (available.length === 0) return []
  return planned.map(entry => entry.name).filter(name => !available.includes(name))
}

/** buildx reads `--secret`, `--cache-*` and `--output` values as CSV: quote what needs it. */
function csvField(field: string): string {
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

/** argv for the one `docker buildx build` that builds every planned platform. */
export function buildxBuildArgs(
  request: BuildRequest,
  options: BuildxOptions,
  run: BuildxRun,
  env: Readonly<Record<string, string | undefined>>
): string[] {
  const args = ['buildx', 'build', '--builder', run.builder]
  // Plain progress is what summarizeProgress reads, whatever BUILDKIT_PROGRESS says.
  args.push('--progress', 'plain')
  args.push('--platform', request.platforms.map(entry => entry.name).join(','))
  if (request.file !== '') args.push('--file', request.file)
  if (request.target !== '') args.push('--target', request.target)
  for (const tag of request.tags) args.push('--tag', formatReference(tag))
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  for (const { key, value } of request.annotations) args.push('--annotation', `${key}=${value}`)
  for (const { key, value } of request.buildArgs) args.push('--build-arg', `${key}=${value}`)
  for (const { key, value } of options.buildContexts)
    args.push('--build-context', `${key}=${value}`)
  // Secret values reach buildx only through files and environment variables, never argv.
  for (const { id, file } of run.secretFiles) args.push('--secret', secretSpec(id, 'src', file))
  for (const { key, value } of options.secretEnvs)
    args.push('--secret', secretSpec(key, 'env', value))
  for (const { key, value } of options.secretFiles)
    args.push('--secret', secretSpec(key, 'src', value))
  for (const ssh of options.ssh) args.push('--ssh', ssh)
  if (request.noCache) args.push('--no-cache')
  if (request.pull) args.push('--pull')
  if (options.network !== '') args.push('--network', options.network)
  for (const host of options.addHosts) args.push('--add-host', host)
  if (options.shmSize !== '') args.push('--shm-size', options.shmSize)
  for (const ulimit of options.ulimits) args.push('--ulimit', ulimit)
  args.push(...cacheArgs(request, options.driver, env))
  if (options.provenance !== '') args.push(`--provenance=${options.provenance}`)
  if (options.sbom !== '') args.push(`--sbom=${options.sbom}`)
  for (const output of options.outputs) args.push('--output', output)
  if (request.push) args.push('--push')
  if (options.load) args.push('--load')
  args.push('--metadata-file', run.metadataFile, '--iidfile', run.iidFile)
  args.push(request.context)
  return args
}

function secretSpec(id: string, kind: 'src' | 'env', value: string): string {
  return [`id=${id}`, `${kind}=${value}`].map(csvField).join(',')
}

/** The `dest` of an `--output type=oci,...,tar=false`: a layout directory to read digests from. */
export function ociLayoutDestination(outputs: readonly string[]): string | undefined {
  for (const output of outputs) {
    const fields = new Map(
      output.split(',').map(field => {
        const equals = field.indexOf('=')
        return [field.slice(0, Math.max(equals, 0)).trim(), field.slice(equals + 1).trim()]
      })
    )
    const dest = fields.get('dest')
    if (fields.get('type') === 'oci' && fields.get('tar') === 'false' && dest !== undefined) {
      return dest
    }
  }
  return undefined
}

export interface ProgressSummary {
  /** Steps taken from cache, per platform. */
  readonly cacheHits: Readonly<Record<string, number>>
  /** Platforms with a failed step, in the order the log shows them. */
  readonly failed: readonly string[]
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
  for (const raw of log.split('\n')) {
    const line = raw.trim()
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
  return { cacheHits, failed }
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

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** Where docker keeps credentials for a registry: Docker Hub has its legacy key. */
function authKey(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry
}

/**
 * A docker config.json for this run: the user's settings plus the action's logins. A helper
 * for one of these registries, or a `credsStore` (it serves every registry), would shadow the
 * inline `auths`, so both go: registries known only to that store lose their login here.
 */
export function dockerConfigWithLogins(
  original: unknown,
  logins: BuildRequest['logins']
): Record<string, unknown> {
  const base = { ...record(original) }
  const auths = { ...record(base.auths) }
  const helpers = { ...record(base.credHelpers) }
  for (const { registry, credentials } of logins) {
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    auths[authKey(registry)] = { auth }
    Reflect.deleteProperty(helpers, authKey(registry))
  }
  Reflect.deleteProperty(base, 'credsStore')
  return { ...base, auths, credHelpers: helpers }
}

type Env = Readonly<Record<string, string>>

export class BuildxEngine implements Engine {
  readonly name = 'buildx'
  private readonly appendNodes: readonly AppendNode[]
  /** The builder this engine created, and the environment that finds it. */
  private created: { readonly builder: string; readonly env: Env } | undefined

  constructor(private readonly options: BuildxOptions) {
    this.appendNodes = checkBuildxOptions(options)
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const version = await core.group('Set up buildx', () => ensureBuildx(this.options.version))
    const env = await privateDockerEnv(request)
    const builder = await core.group('Set up the builder', () =>
      this.prepareBuilder(request, version, env)
    )
    const names = request.platforms.map(entry => entry.name)
    const id = randomBytes(4).toString('hex')
    const secretFiles = await writeSecrets(request, id)
    const run: BuildxRun = {
      builder,
      metadataFile: path.join(request.tempDir, `buildx-metadata-${id}.json`),
      iidFile: path.join(request.tempDir, `buildx-iid-${id}`),
      secretFiles
    }
    const started = performance.now()
    let result: ExecResult
    try {
      result = await core.group(`Build ${names.join(', ')}`, () =>
        exec('docker', buildxBuildArgs(request, this.options, run, process.env), {
          env,
          allowFailure: true
        })
      )
    } finally {
      await Promise.all(secretFiles.map(secret => rm(secret.file, { force: true })))
    }
    const seconds = (performance.now() - started) / 1000
    const progress = summarizeProgress(`${result.stdout}\n${result.stderr}`, names)
    if (result.exitCode !== 0) {
      // A failed step stops the build before any export; a failed push may have reached some tags.
      throw new ActionError(
        `${describeFailure(request.platforms, progress.failed)}: ${new ExecError('docker buildx build', result).message}`,
        progress.failed.length > 0 ? 'Nothing was pushed' : undefined
      )
    }
    const metadata = parseMetadataFile(await readJson(run.metadataFile, 'buildx metadata file'))
    if (metadata.warning !== undefined) core.warning(metadata.warning)
    if (request.push && metadata.digest === undefined) {
      throw new ActionError('buildx pushed, but its metadata names no image digest')
    }
    const layout = ociLayoutDestination(this.options.outputs)
    const ociLayout = layout === undefined ? undefined : await readOciLayout(layout)
    const imageId = (await readFile(run.iidFile, 'utf8').catch(() => '')).trim()
    return {
      pushed: request.push ? [...request.tags] : [],
      imageId,
      // One build covers every platform, so each shares its duration.
      builds: names.map(platform => ({
        platform,
        seconds,
        cacheHits: progress.cacheHits[platform] ?? 0
      })),
      metadata: {
        engine: 'buildx',
        version,
        builder,
        driver: this.options.driver,
        ...metadata,
        imageId,
        ...(ociLayout === undefined ? {} : { ociLayout })
      }
    }
  }

  async dispose(): Promise<void> {
    const created = this.created
    if (created === undefined) return
    this.created = undefined
    await exec('docker', removeBuilderArgs(created.builder), {
      env: created.env,
      silent: true,
      allowFailure: true
    })
  }

  /** Create (or pick) the builder, boot it, and check it offers every planned platform. */
  private async prepareBuilder(request: BuildRequest, version: string, env: Env): Promise<string> {
    const options = this.options
    let builder = options.builder
    if (builder === '' && options.driver === 'docker') {
      // The docker driver's builder carries the name of the docker context.
      builder =
        options.endpoint ||
        (await exec('docker', ['context', 'show'], { silent: true, env })).stdout.trim()
    } else if (builder === '') {
      builder = options.builderName || `multiarch-${randomBytes(4).toString('hex')}`
      let configFile: string | undefined
      if (options.buildkitdConfigInline.trim() !== '') {
        configFile = path.join(request.tempDir, `buildkitd-${builder}.toml`)
        await writeFile(configFile, options.buildkitdConfigInline, { mode: 0o600 })
      }
      const spec: BuilderSpec = {
        name: builder,
        driver: options.driver,
        driverOpts: options.driverOpts,
        endpoint: options.endpoint,
        version,
        ...(configFile === undefined ? {} : { configFile })
      }
      await exec('docker', createBuilderArgs(spec), { env })
      this.created = { builder, env }
      // Should this step die before dispose(), the post step removes the builder.
      core.saveState(State.CreatedBuilder, builder)
      for (const [index, node] of this.appendNodes.entries()) {
        await exec('docker', appendNodeArgs(builder, node, index), { env })
      }
    }
    const inspect = await exec('docker', bootstrapArgs(builder), { env })
    const available = parseInspectPlatforms(inspect.stdout)
    const missing = unsupportedPlatforms(request.platforms, available)
    if (available.length === 0) {
      core.warning(`builder \`${builder}\` lists no platforms; the plan was not checked against it`)
    }
    if (missing.length > 0) {
      throw new ActionError(
        `builder \`${builder}\` cannot build ${missing.join(', ')}; it offers ${available.join(', ')}`,
        'Let this action set up QEMU for them (`qemu: auto`), or `append` a node that builds them'
      )
    }
    return builder
  }
}

async function writeSecrets(request: BuildRequest, id: string): Promise<SecretFile[]> {
  const files: SecretFile[] = []
  for (const [index, secret] of request.secrets.entries()) {
    const file = path.join(request.tempDir, `buildx-secret-${id}-${index}`)
    await writeFile(file, secret.value, { mode: 0o600 })
    files.push({ id: secret.id, file })
  }
  return files
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new ActionError(`buildx wrote no ${what} (${file})`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new ActionError(`the ${what} (${file}) is not JSON`)
  }
}

async function readOciLayout(dir: string): Promise<OciLayoutImage> {
  const index = await readJson(path.join(dir, 'index.json'), 'OCI layout index')
  return digestsFromOciLayout(index, digest => {
    // Only well-formed digests become paths: index.json must not steer reads outside blobs/.
    const match = /^sha256:([a-f0-9]{64})$/.exec(digest)
    if (match?.[1] === undefined) return undefined
    try {
      return JSON.parse(
        readFileSync(path.join(dir, 'blobs', 'sha256', match[1]), 'utf8')
      ) as unknown
    } catch {
      return undefined
    }
  })
}

/**
 * With logins, buildx gets a private DOCKER_CONFIG so credentials never land in the user's
 * config.json. Plugins and contexts stay shared through links, builders through BUILDX_CONFIG.
 */
async function privateDockerEnv(request: BuildRequest): Promise<Env> {
  if (request.logins.length === 0) return {}
  const original = process.env.DOCKER_CONFIG ?? path.join(homedir(), '.docker')
  const dir = path.join(request.tempDir, 'docker-config')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // A missing or broken config.json leaves only the action's logins, as docker would read it.
  const existing = await readFile(path.join(original, 'config.json'), 'utf8')
    .then((text): unknown => JSON.parse(text))
    .catch(() => ({}))
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify(dockerConfigWithLogins(existing, request.logins)),
    { mode: 0o600 }
  )
  for (const shared of ['cli-plugins', 'contexts']) {
    await symlink(path.join(original, shared), path.join(dir, shared)).catch(() => undefined)
  }
  return {
    DOCKER_CONFIG: dir,
    BUILDX_CONFIG: process.env.BUILDX_CONFIG ?? path.join(original, 'buildx')
  }
}
