import * as core from '@actions/core'
import { untrusted, untrustedLines } from '../untrusted.js'
import { randomBytes } from 'node:crypto'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError, InputError, errorMessage } from '../errors.js'
import { settleBounded } from '../bounded.js'
import { ExecError, type ExecResult, commandLine, exec, execStreaming } from '../exec.js'
import { annotationsAt, firstAt, formatAnnotation } from '../annotations.js'
import { Input } from '../constants.js'
import type { PlannedPlatform } from '../plan.js'
import { type Platform, formatPlatform } from '../platform.js'
import type { CacheSpec, KeyValue } from '../values.js'
import type {
  BuildRequest,
  BuildResult,
  Engine,
  Group,
  PlatformBuild,
  SmokeResult
} from './engine.js'
import { annotateLayoutIndex } from '../registry/layout.js'
import { type SecretFile, removeSecretFiles, writeSecretFiles } from './secrets.js'
import {
  type ParsedDockerfile,
  type StagePlan,
  buildPlatformArgs,
  parseDockerfile,
  pinStages,
  planStages,
  withoutAutomaticArgWarning
} from './stage-platforms.js'

/** buildah takes one cache repository each way; buildx's `type=registry,ref=X` names it. */
export function buildahCacheRepository(
  specs: readonly CacheSpec[],
  input: string
): string | undefined {
  if (specs.length === 0) return undefined
  const [spec, ...extra] = specs
  if (spec === undefined || extra.length > 0) {
    throw new ActionError(`input \`${input}\`: the buildah engine takes one cache repository`)
  }
  const ref = spec.attributes.ref
  if (spec.type !== 'registry' || ref === undefined) {
    throw new ActionError(
      `input \`${input}\`: cache type \`${spec.type}\` is not available with the buildah engine`,
      'Use type=registry,ref=REGISTRY/REPOSITORY (or just REGISTRY/REPOSITORY)'
    )
  }
  // buildah wants a repository; a tag in the ref is the buildx habit, so drop it.
  return ref.replace(/:[\w][\w.-]*$/, '')
}

/** Where one platform's build reads from and writes to, beyond the request. */
export interface PlatformBuildFiles {
  /** The rewritten Dockerfile (see stage-platforms.ts); undefined: the request's file. */
  readonly file?: string
  /** The ignore file next to the original Dockerfile, which buildah would no longer find. */
  readonly ignoreFile?: string
  readonly iidFile?: string
  /** Build args the action adds (the build host's platform). */
  readonly extraBuildArgs?: readonly KeyValue[]
  /**
   * Every base is named by the id the action pulled, as `pull` asked: buildah must not pull
   * again (it refuses `--pull=always` for an id).
   */
  readonly basesPulled?: boolean
}

/** argv for `buildah build` of one platform into an image of its own. */
export function buildahBuildArgs(
  request: BuildRequest,
  platform: PlannedPlatform,
  secretFiles: readonly SecretFile[],
  authFile: string | undefined,
  files: PlatformBuildFiles = {}
): string[] {
  // --force-rm: a failed or stopped build leaves no working container behind.
  const args = ['build', '--platform', platform.name, '--layers', '--force-rm']
  if (files.iidFile !== undefined) args.push('--iidfile', files.iidFile)
  if (authFile !== undefined) args.push('--authfile', authFile)
  const file = files.file ?? request.file
  if (file !== '') args.push('--file', file)
  if (files.ignoreFile !== undefined) args.push('--ignorefile', files.ignoreFile)
  if (request.target !== '') args.push('--target', request.target)
  for (const { key, value } of [...request.buildArgs, ...(files.extraBuildArgs ?? [])]) {
    args.push('--build-arg', `${key}=${value}`)
  }
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  // Manifest level only: the action writes the index's own into the exported layout.
  const annotations = annotationsAt(request.annotations, 'manifest', platform.name)
  for (const [key, value] of Object.entries(annotations))
    args.push('--annotation', `${key}=${value}`)
  // Created time, history and every file of the layers: the same bytes in any store.
  if (request.sourceDateEpoch !== undefined) {
    args.push('--timestamp', String(request.sourceDateEpoch))
  }
  for (const secret of secretFiles) args.push('--secret', `id=${secret.id},src=${secret.file}`)
  if (request.noCache) args.push('--no-cache')
  args.push(`--pull=${request.pull && files.basesPulled !== true ? 'always' : 'false'}`)
  const cacheFrom = buildahCacheRepository(request.cacheFrom, 'cache-from')
  const cacheTo = buildahCacheRepository(request.cacheTo, 'cache-to')
  if (cacheFrom !== undefined) args.push('--cache-from', cacheFrom)
  if (cacheTo !== undefined) args.push('--cache-to', cacheTo)
  args.push(request.context)
  return args
}

/** buildah leaves no OCI layout of the user's whose `index.json` could carry these. */
export function refuseIndexDescriptor(request: Pick<BuildRequest, 'annotations'>): void {
  const refused = firstAt(request.annotations, ['index-descriptor'])
  if (refused !== undefined) {
    throw new InputError(
      Input.Annotations,
      `\`${formatAnnotation(refused)}\` asks for the index-descriptor level, which the buildah engine cannot write: it leaves no OCI layout whose index.json would carry it`,
      'Use the index or manifest-descriptor level, or the buildx engine with an `outputs: type=oci` layout'
    )
  }
}

/** argv to pull one stage's base for one platform; it prints the image id. */
export function buildahPullArgs(
  image: string,
  platform: Platform,
  pull: boolean,
  authFile: string | undefined
): string[] {
  const args = ['pull', '--quiet', '--platform', formatPlatform(platform)]
  args.push('--policy', pull ? 'always' : 'missing')
  if (authFile !== undefined) args.push('--authfile', authFile)
  args.push(image)
  return args
}

/** argv to add one platform's image to the list, described the way `--manifest` does. */
export function buildahManifestAddArgs(
  manifestList: string,
  platform: PlannedPlatform,
  imageId: string
): string[] {
  const args = ['manifest', 'add', '--os', platform.platform.os]
  args.push('--arch', platform.platform.architecture)
  if (platform.platform.variant !== undefined) args.push('--variant', platform.platform.variant)
  args.push(manifestList, imageId)
  return args
}

/** argv to write the list and every image in it to an OCI layout folder. */
export function buildahExportArgs(manifestList: string, layoutDir: string): string[] {
  return ['manifest', 'push', '--all', manifestList, `oci:${layoutDir}`]
}

/** How many steps buildah took from its layer cache, from its build log. */
export function countCacheHits(log: string): number {
  return log.split('\n').filter(line => /^--> Using cache [0-9a-f]+/.test(line.trim())).length
}

/** What to do about a failed `buildah login`, from what it said: not every failure is the password. */
export function loginFix(registry: string, detail: string): string {
  if (/x509|certificate/i.test(detail)) {
    return `The runner does not trust ${registry}'s certificate: put its CA in /etc/containers/certs.d/${registry}/ca.crt`
  }
  if (/no such host|connection refused|i\/o timeout|network is unreachable/i.test(detail)) {
    return `Check that ${registry} is reachable from the runner`
  }
  return 'Check `username` and `password`'
}

/** How often a build with platforms side by side says which are still running. */
const HEARTBEAT_MS = 60_000

interface BuildJob {
  readonly platform: PlannedPlatform
  readonly dockerfile: ParsedDockerfile
  readonly stages: StagePlan
  /** Where buildah writes the image id. */
  readonly iidFile: string
}

/** A `FROM <image id>` line of the log, with the image's name put back. */
export function namedFromLine(line: string, names: ReadonlyMap<string, string>): string {
  const from = /^(.*\bFROM )([0-9a-f]{64})\b(.*)$/.exec(line)
  const name = from === null ? undefined : names.get(from[2] ?? '')
  if (from === null || name === undefined) return line
  return `${from[1] ?? ''}${name} (image ${(from[2] ?? '').slice(0, 12)})${from[3] ?? ''}`
}

/** `<Dockerfile>.dockerignore` (or `.containerignore`), which buildah reads beside the file. */
async function ignoreFileBeside(file: string): Promise<string | undefined> {
  for (const suffix of ['.dockerignore', '.containerignore']) {
    const candidate = `${file}${suffix}`
    if (
      await stat(candidate).then(
        found => found.isFile(),
        () => false
      )
    ) {
      return candidate
    }
  }
  return undefined
}

/** One log group written at once, so that platforms finishing together do not interleave. */
function printGroup(title: string, lines: readonly string[]): void {
  core.startGroup(title)
  if (lines.length > 0) untrusted(`${lines.join('\n')}\n`)
  core.endGroup()
}

export class BuildahEngine implements Engine {
  readonly name = 'buildah'
  private manifestList: string | undefined
  /** Each platform's image id, for the smoke test. */
  private readonly images = new Map<string, string>()

  private authFile: string | undefined

  constructor(
    readonly version: string,
    private readonly group: Group
  ) {}

  /** The installed buildah's version, or undefined when there is none. */
  static async detect(): Promise<string | undefined> {
    const result = await exec('buildah', ['--version'], { silent: true, allowFailure: true }).catch(
      () => undefined
    )
    if (result === undefined || result.exitCode !== 0) return undefined
    return /version (\S+)/.exec(result.stdout)?.[1] ?? 'unknown'
  }

  async prepare(request: BuildRequest): Promise<void> {
    // Refuse cache settings buildah cannot honour before anything runs.
    buildahCacheRepository(request.cacheFrom, 'cache-from')
    buildahCacheRepository(request.cacheTo, 'cache-to')
    refuseIndexDescriptor(request)
    core.info(
      `buildah ${this.version}: no builder to set up; each platform builds in this runner's image store`
    )
    this.authFile = await this.login(request)
    for (const { registry } of request.logins)
      core.info(`logged in to ${registry} (private auth file)`)
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const version = this.version
    const manifestList = `localhost/multiarch-build-${randomBytes(6).toString('hex')}`
    const secretFiles = await writeSecretFiles(request.secrets, request.tempDir)
    let builds: PlatformBuild[]
    try {
      const jobs = await this.planJobs(request)
      const unresolved = jobs.flatMap(job => job.stages.unresolved)
      let limit = Math.max(1, Math.min(request.maxParallelism, jobs.length))
      if (limit > 1 && unresolved.length > 0) {
        core.info(
          `building one platform at a time: buildah would resolve \`${unresolved[0] ?? ''}\` by name, and builds side by side could take each other's base`
        )
        limit = 1
      }
      builds = await this.buildAll(request, jobs, limit, secretFiles)
      // The list exists only once every platform built, so no failed run leaves half of one.
      this.manifestList = manifestList
      await exec('buildah', ['manifest', 'create', manifestList], { silent: true })
      for (const job of jobs) {
        const image = this.images.get(job.platform.name) ?? ''
        await exec('buildah', buildahManifestAddArgs(manifestList, job.platform, image), {
          silent: true
        })
      }
    } finally {
      await removeSecretFiles(secretFiles)
    }
    // The list id is only for the outputs: look it up while the export runs.
    const imageIdLookup = this.listId(manifestList)
    let layout: string | undefined
    if (request.push || request.keepForChecks) {
      // The action checks, pushes by digest, then moves tags: hand it the bytes.
      layout = path.join(request.tempDir, `layout-${randomBytes(4).toString('hex')}`)
      await exec('buildah', buildahExportArgs(manifestList, layout), { silent: true })
      // buildah 1.28 writes no index annotations: the action adds them to the exported index.
      if (await annotateLayoutIndex(layout, request.annotations)) {
        core.info('wrote the index and index-entry annotations into the exported index')
      }
      core.info(
        `exported the list to an OCI layout for the checks${request.push ? ' and the push' : ''}`
      )
    }
    const imageId = await imageIdLookup
    return {
      image:
        layout === undefined
          ? { kind: 'unavailable', reason: "it stays in buildah's image store" }
          : { kind: 'layout', dir: layout, temporary: true },
      imageId,
      builds,
      metadata: { engine: 'buildah', version, manifestList, imageId }
    }
  }

  /** Each platform's stages, read from the Dockerfile once (nothing runs yet). */
  private async planJobs(request: BuildRequest): Promise<BuildJob[]> {
    const dockerfile = parseDockerfile(await readFile(request.file, 'utf8'))
    return request.platforms.map(platform => ({
      platform,
      dockerfile,
      stages: planStages(dockerfile, {
        target: platform.platform,
        host: request.buildPlatform,
        buildArgs: request.buildArgs,
        targetStage: request.target
      }),
      iidFile: path.join(request.tempDir, `iid-${platform.slug}`)
    }))
  }

  /**
   * Where one platform builds from: every stage's base pulled for its platform and the
   * Dockerfile's copy naming it by id (see stage-platforms.ts). Also the log lines that say
   * which image each base is, and the ids' names for the build's own log.
   */
  private async pinnedFiles(
    request: BuildRequest,
    job: BuildJob,
    pulled: Map<string, string>
  ): Promise<{ file: string; said: string[]; baseNames: ReadonlyMap<string, string> }> {
    const stagePins: { line: number; platform: Platform; base: string }[] = []
    const baseNames = new Map<string, string>()
    const said: string[] = []
    for (const base of job.stages.bases) {
      if (base.fromStage) {
        stagePins.push({ line: base.line, platform: base.platform, base: base.image })
        continue
      }
      const key = `${base.image} ${formatPlatform(base.platform)}`
      let id = pulled.get(key)
      if (id === undefined) {
        id = await this.pullBase(base.image, base.platform, request.pull)
        pulled.set(key, id)
      }
      said.push(`base ${base.image} for ${formatPlatform(base.platform)}: image ${id.slice(0, 12)}`)
      stagePins.push({ line: base.line, platform: base.platform, base: id })
      baseNames.set(id, base.image)
    }
    const file = path.join(request.tempDir, `Dockerfile.${job.platform.slug}`)
    await writeFile(file, pinStages(job.dockerfile, stagePins), { mode: 0o600 })
    return { file, said, baseNames }
  }

  private async pullBase(image: string, platform: Platform, pull: boolean): Promise<string> {
    try {
      const result = await exec('buildah', buildahPullArgs(image, platform, pull, this.authFile), {
        silent: true
      })
      return result.stdout.trim().split('\n').at(-1) ?? ''
    } catch (error) {
      const detail = error instanceof ExecError ? error.result.stderr.trim() : errorMessage(error)
      throw new ActionError(
        `base image ${image} for ${formatPlatform(platform)} could not be pulled: ${detail}`,
        `Check that ${image} exists with a ${formatPlatform(platform)} image and that the runner may pull it`
      )
    }
  }

  /**
   * Build every platform, `limit` at a time; the first failure stops the rest. The bases are
   * pulled one at a time, in the order given, and each platform starts building once its own
   * are in: a build names its bases by id, so a later pull under the same name cannot reach it.
   */
  private async buildAll(
    request: BuildRequest,
    jobs: readonly BuildJob[],
    limit: number,
    secretFiles: readonly SecretFile[]
  ): Promise<PlatformBuild[]> {
    const side = limit > 1
    const pins = side || jobs.some(job => job.stages.platformFlags)
    const ignoreFile = pins ? await ignoreFileBeside(request.file) : undefined
    const common: PlatformBuildFiles = {
      extraBuildArgs: buildPlatformArgs(request.buildPlatform, request.buildArgs)
    }
    const pulled = new Map<string, string>()
    let previous: Promise<unknown> = Promise.resolve()
    const ready = jobs.map(job => {
      if (!pins || job.stages.unresolved.length > 0) {
        return Promise.resolve({ files: common, said: [], baseNames: new Map<string, string>() })
      }
      const files = previous
        .then(() => this.pinnedFiles(request, job, pulled))
        .then(({ file, said, baseNames }) => ({
          files: {
            ...common,
            file,
            ...(ignoreFile === undefined ? {} : { ignoreFile }),
            basesPulled: true
          },
          said,
          baseNames
        }))
      previous = files.catch(() => undefined)
      // Awaited when the platform's build starts; one that never starts must not count as unhandled.
      files.catch(() => undefined)
      return files
    })
    const running = new Map<string, number>()
    if (side) {
      core.info(
        `building ${jobs.length} platforms, ${limit} at a time (max-parallelism): each log follows as its platform finishes`
      )
    }
    const heartbeat = side
      ? setInterval(() => {
          const now = performance.now()
          const names = [...running].map(
            ([name, started]) => `${name} (${Math.round((now - started) / 1000)} s)`
          )
          if (names.length > 0) core.info(`still building: ${names.join(', ')}`)
        }, HEARTBEAT_MS)
      : undefined
    heartbeat?.unref()
    try {
      const outcomes = await settleBounded(jobs, limit, async (job, signal, index) => {
        const label = `${job.platform.name}${job.platform.emulated ? ' (emulated)' : ''}`
        const started = performance.now()
        running.set(label, started)
        const log: string[] = []
        const live = untrustedLines()
        const write = (line: string): void => {
          if (side) log.push(line)
          else live(line)
        }
        let args: string[] = []
        const run = async (): Promise<ExecResult> => {
          const { files, said, baseNames } = await (ready[index] ??
            Promise.reject(new Error('no job')))
          // Said once its bases are in and buildah starts, not while it waits for a pull.
          if (side) core.info(`started ${label}`)
          for (const line of said) write(line)
          const onLine = (line: string): void => {
            const filtered = withoutAutomaticArgWarning(line)
            if (filtered !== undefined) write(namedFromLine(filtered, baseNames))
          }
          args = buildahBuildArgs(request, job.platform, secretFiles, this.authFile, {
            ...files,
            iidFile: job.iidFile
          })
          return execStreaming('buildah', args, { onLine, signal })
        }
        let result: ExecResult | undefined
        try {
          result = side ? await run() : await this.group(`Build ${label}`, run)
        } finally {
          running.delete(label)
          const seconds = (performance.now() - started) / 1000
          if (side) {
            const how =
              result?.exitCode === 0
                ? `${seconds.toFixed(1)} s`
                : signal.aborted
                  ? 'stopped'
                  : 'failed'
            printGroup(`Build ${label}: ${how}`, log)
          }
        }
        if (result.exitCode !== 0) {
          if (signal.aborted) throw new Error('stopped')
          throw new Error(
            `build of ${job.platform.name} failed${job.platform.emulated ? ' (under QEMU)' : ''}: ${new ExecError(commandLine('buildah', args), result).message}`
          )
        }
        const iidFile = job.iidFile
        // The bare id: `sha256:<id>` reads as a name to some commands, which then ask Docker Hub.
        const id = (await readFile(iidFile, 'utf8')).trim().replace(/^sha256:/, '')
        this.images.set(job.platform.name, id)
        await rm(iidFile, { force: true })
        return {
          platform: job.platform.name,
          seconds: (performance.now() - started) / 1000,
          cacheHits: countCacheHits(`${result.stdout}\n${result.stderr}`)
        }
      })
      const failed = outcomes.find(outcome => outcome.status === 'failed')
      if (failed !== undefined) {
        const names = (status: string): string[] =>
          jobs
            .filter((_job, index) => outcomes[index]?.status === status)
            .map(job => job.platform.name)
        const stopped = names('stopped')
        const waiting = names('not-started')
        throw new ActionError(
          [
            errorMessage(failed.error),
            ...(stopped.length > 0 ? [`Stopped the builds of ${stopped.join(', ')}`] : []),
            ...(waiting.length > 0 ? [`Never started ${waiting.join(', ')}`] : [])
          ].join('. '),
          'Nothing was pushed'
        )
      }
      return outcomes.flatMap(outcome => (outcome.status === 'done' ? [outcome.value] : []))
    } finally {
      if (heartbeat !== undefined) clearInterval(heartbeat)
    }
  }

  /** Run `command` in a container of each platform's image: under QEMU where it is foreign. */
  async smokeTest(platforms: readonly PlannedPlatform[], command: string): Promise<SmokeResult[]> {
    const results: SmokeResult[] = []
    for (const platform of platforms) results.push(await this.smokeTestOne(platform, command))
    return results
  }

  private async smokeTestOne(platform: PlannedPlatform, command: string): Promise<SmokeResult> {
    const image = this.images.get(platform.name)
    if (image === undefined) throw new ActionError(`${platform.name} has no image to smoke-test`)
    const started = performance.now()
    const container = (
      await exec('buildah', ['from', '--pull=never', '--platform', platform.name, image], {
        silent: true
      })
    ).stdout.trim()
    try {
      const result = await exec('buildah', ['run', container, '--', 'sh', '-c', command], {
        silent: true,
        allowFailure: true
      })
      return {
        platform: platform.name,
        exitCode: result.exitCode,
        output: `${result.stdout}${result.stderr}`.trim(),
        seconds: (performance.now() - started) / 1000
      }
    } finally {
      await exec('buildah', ['rm', container], { silent: true, allowFailure: true })
    }
  }

  async dispose(): Promise<void> {
    if (this.manifestList === undefined) return
    const list = this.manifestList
    this.manifestList = undefined
    const removed = await exec('buildah', ['manifest', 'rm', list], {
      silent: true,
      allowFailure: true
    })
    // A build killed mid-way can leave a list that `manifest rm` cannot read, and a list
    // like that breaks every later `buildah images` on the runner: remove it by force.
    if (removed.exitCode !== 0) {
      await exec('buildah', ['rmi', '--force', list], { silent: true, allowFailure: true })
    }
  }

  private async listId(manifestList: string): Promise<string> {
    const result = await exec(
      'buildah',
      ['images', '--noheading', '--no-trunc', '--format', '{{.ID}}', manifestList],
      { silent: true, allowFailure: true }
    )
    return result.stdout.trim().split('\n')[0] ?? ''
  }

  /** Log in with the given credentials into a private auth file; the password goes on stdin. */
  private async login(request: BuildRequest): Promise<string | undefined> {
    if (request.logins.length === 0) return undefined
    const authFile = path.join(request.tempDir, 'auth.json')
    await writeFile(authFile, '{}', { mode: 0o600 })
    for (const { registry, credentials } of request.logins) {
      try {
        await exec(
          'buildah',
          [
            'login',
            '--authfile',
            authFile,
            '--username',
            credentials.username,
            '--password-stdin',
            registry
          ],
          { input: Buffer.from(credentials.password), silent: true }
        )
      } catch (error) {
        const detail = error instanceof ExecError ? error.result.stderr.trim() : errorMessage(error)
        throw new ActionError(`login to ${registry} failed: ${detail}`, loginFix(registry, detail))
      }
    }
    return authFile
  }
}
