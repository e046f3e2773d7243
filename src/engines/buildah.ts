import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError, errorMessage } from '../errors.js'
import { ExecError, exec } from '../exec.js'
import type { PlannedPlatform } from '../plan.js'
import type { CacheSpec } from '../values.js'
import type {
  BuildRequest,
  BuildResult,
  Engine,
  Group,
  PlatformBuild,
  SmokeResult
} from './engine.js'
import { type SecretFile, removeSecretFiles, writeSecretFiles } from './secrets.js'

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

/** argv for `buildah build` of one platform into the shared manifest list. */
export function buildahBuildArgs(
  request: BuildRequest,
  platform: PlannedPlatform,
  manifestList: string,
  secretFiles: readonly SecretFile[],
  authFile: string | undefined,
  iidFile?: string
): string[] {
  const args = ['build', '--platform', platform.name, '--manifest', manifestList, '--layers']
  if (iidFile !== undefined) args.push('--iidfile', iidFile)
  if (authFile !== undefined) args.push('--authfile', authFile)
  if (request.file !== '') args.push('--file', request.file)
  if (request.target !== '') args.push('--target', request.target)
  for (const { key, value } of request.buildArgs) args.push('--build-arg', `${key}=${value}`)
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  for (const { key, value } of request.annotations) args.push('--annotation', `${key}=${value}`)
  for (const secret of secretFiles) args.push('--secret', `id=${secret.id},src=${secret.file}`)
  if (request.noCache) args.push('--no-cache')
  args.push(`--pull=${request.pull ? 'always' : 'false'}`)
  const cacheFrom = buildahCacheRepository(request.cacheFrom, 'cache-from')
  const cacheTo = buildahCacheRepository(request.cacheTo, 'cache-to')
  if (cacheFrom !== undefined) args.push('--cache-from', cacheFrom)
  if (cacheTo !== undefined) args.push('--cache-to', cacheTo)
  args.push(request.context)
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
    core.info(
      `buildah ${this.version}: no builder to set up; each platform builds in this runner's image store`
    )
    this.authFile = await this.login(request)
    for (const { registry } of request.logins)
      core.info(`logged in to ${registry} (private auth file)`)
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const version = this.version
    const authFile = this.authFile
    const manifestList = `localhost/multiarch-build-${randomBytes(6).toString('hex')}`
    this.manifestList = manifestList
    const secretFiles = await writeSecretFiles(request.secrets, request.tempDir)
    const builds: PlatformBuild[] = []
    try {
      for (const platform of request.platforms) {
        const started = performance.now()
        const label = `${platform.name}${platform.emulated ? ' (emulated)' : ''}`
        const iidFile = path.join(request.tempDir, `iid-${platform.slug}`)
        const result = await this.group(`Build ${label}`, async () => {
          try {
            return await exec(
              'buildah',
              buildahBuildArgs(request, platform, manifestList, secretFiles, authFile, iidFile)
            )
          } catch (error) {
            throw new ActionError(
              `build of ${platform.name} failed${platform.emulated ? ' (under QEMU)' : ''}: ${errorMessage(error)}`,
              'Nothing was pushed'
            )
          }
        })
        this.images.set(platform.name, (await readFile(iidFile, 'utf8')).trim())
        await rm(iidFile, { force: true })
        builds.push({
          platform: platform.name,
          seconds: (performance.now() - started) / 1000,
          cacheHits: countCacheHits(`${result.stdout}\n${result.stderr}`)
        })
      }
    } finally {
      await removeSecretFiles(secretFiles)
    }
    // The list id is only for the outputs: look it up while the push runs.
    const imageIdLookup = this.listId(manifestList)
    let layout: string | undefined
    if (request.push || request.keepForChecks) {
      // The action checks, pushes by digest, then moves tags: hand it the bytes.
      layout = path.join(request.tempDir, `layout-${randomBytes(4).toString('hex')}`)
      await exec('buildah', buildahExportArgs(manifestList, layout), { silent: true })
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
