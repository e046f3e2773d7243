/** The buildah engine: one `buildah build` per platform, side by side, into one manifest list. */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { exec } from '../../exec.js'
import type { PlannedPlatform } from '../../plan.js'
import { formatPlatform } from '../../platform.js'
import { parseReference } from '../../reference.js'
import type { KeyValue } from '../../values.js'
import type { BuildRequest, BuildResult, Engine, Group, SmokeResult } from '../engine.js'
import { removeSecretFiles, writeSecretFiles } from '../secrets.js'
import { annotateLayoutIndex, joinLayouts } from '../../registry/layout.js'
import { buildahCacheRepository, refuseIndexDescriptor } from './argv.js'
import { pullImages } from './bases.js'
import { applyEdits, parseDockerfile } from './dockerfile.js'
import { login } from './login.js'
import { createList, exportImage, removeList } from './manifest.js'
import {
  type PinPlan,
  buildPlatformArgs,
  imagesToPull,
  pinEdits,
  pinKey,
  planPins
} from './pins.js'
import { type BuildJob, buildAll } from './schedule.js'
import { smokeTest } from './smoke.js'
import { needsPins } from './version.js'

/** Pulls at once: they wait on the network more than on the store. */
const PULLS_AT_ONCE = 4

const BASE_NAME_ANNOTATION = 'org.opencontainers.image.base.name'

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

/**
 * The base name buildah records for a named base (`registry/repository:tag`), which a base
 * pinned by id loses once another platform's pull moved the name; undefined for names only
 * registries.conf can qualify, and for digests.
 */
export function recordedBaseName(image: string): string | undefined {
  const first = image.split('/')[0] ?? ''
  if (!image.includes('/') || !/[.:]|^localhost$/.test(first) || image.includes('@')) {
    return undefined
  }
  try {
    const reference = parseReference(image)
    return `${reference.registry}/${reference.repository}:${reference.tag ?? 'latest'}`
  } catch {
    return undefined
  }
}

export class BuildahEngine implements Engine {
  readonly name = 'buildah'
  private manifestList: string | undefined
  /** Each platform's image id, for the smoke test. */
  private images = new Map<string, string>()
  private authFile: string | undefined
  /** The list's creation, which dispose() lets end before it removes the list. */
  private listing: Promise<string> | undefined
  /** The list's removal, once the build no longer needs it. */
  private removing: Promise<void> | undefined

  constructor(
    readonly version: string,
    private readonly group: Group
  ) {}

  /** The installed buildah's version, or undefined when there is none. */
  /**
   * buildah's version; undefined when it is not on PATH; a problem when it is there and will
   * not run (a storage.conf it cannot read, say), so the refusal says that and not "missing".
   */
  static async detect(): Promise<string | { readonly problem: string } | undefined> {
    const result = await exec('buildah', ['--version'], { silent: true, allowFailure: true }).catch(
      () => undefined
    )
    if (result === undefined) return undefined
    if (result.exitCode !== 0) {
      const said = result.stderr.trim().split('\n').at(-1) ?? ''
      return {
        problem: `\`buildah --version\` exited with code ${result.exitCode}${said === '' ? '' : `: ${said}`}`
      }
    }
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
    this.authFile = await login(request)
    for (const { registry } of request.logins) {
      core.info(`logged in to ${registry} (private auth file)`)
    }
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const secretFiles = await writeSecretFiles(request.secrets, request.tempDir)
    // The action checks, pushes by digest, then moves tags: it gets the bytes as an OCI
    // layout. Each platform's image is written out as its build ends, beside the builds
    // still running, and the parts are joined into one layout once all are in.
    const exporting = request.push || request.keepForChecks
    const exportRoot = path.join(request.tempDir, `layout-${randomBytes(4).toString('hex')}`)
    const exports = new Map<string, Promise<void>>()
    const exportDir = (platform: PlannedPlatform): string =>
      path.join(`${exportRoot}.parts`, platform.slug)
    // buildah makes the layout's folder, not its parent.
    if (exporting) await mkdir(`${exportRoot}.parts`)
    const manifestList = `localhost/multiarch-build-${randomBytes(6).toString('hex')}`
    let result
    try {
      const { jobs, limit } = await this.planJobs(request)
      const built = await buildAll(
        request,
        jobs,
        limit,
        secretFiles,
        this.authFile,
        this.group,
        (name, id) => {
          const platform = request.platforms.find(entry => entry.name === name)
          if (!exporting || platform === undefined) return
          const dir = exportDir(platform)
          // The checks may read the part while the other platforms still build.
          const exported = exportImage(id, dir).then(() =>
            request.onPlatformLayout?.(platform, dir)
          )
          exported.catch(() => undefined)
          exports.set(name, exported)
        }
      )
      // The list gives the outputs the builder's id of the result; it is made beside the
      // exports still writing.
      const ids = request.platforms.map(platform => built.images.get(platform.name) ?? '')
      // Removed by dispose() whatever happens from here on.
      this.manifestList = manifestList
      this.listing = createList(manifestList, ids)
      this.listing.catch(() => undefined)
      await Promise.all(exports.values())
      result = built
    } catch (error) {
      // No export may still be writing when the step cleans up.
      await Promise.allSettled(exports.values())
      throw error
    } finally {
      await removeSecretFiles(secretFiles)
    }
    this.images = result.images
    let layout: string | undefined
    if (exporting) {
      layout = exportRoot
      await joinLayouts(
        request.platforms.map(platform => ({
          dir: exportDir(platform),
          platform: platform.platform
        })),
        layout
      )
      await rm(`${exportRoot}.parts`, { recursive: true, force: true })
      // buildah 1.28 writes no index annotations: the action adds them to the exported index.
      if (await annotateLayoutIndex(layout, request.annotations)) {
        core.info('wrote the index and index-entry annotations into the exported index')
      }
      core.info(
        `exported each platform's image to an OCI layout as its build ended, for the checks${request.push ? ' and the push' : ''}`
      )
    }
    const imageId = await this.listing
    // Nothing reads the list again: it goes while the checks and the push run.
    this.manifestList = undefined
    this.removing = removeList(manifestList).catch(() => undefined)
    return {
      image:
        layout === undefined
          ? { kind: 'unavailable', reason: "it stays in buildah's image store" }
          : { kind: 'layout', dir: layout, temporary: true },
      imageId,
      builds: result.builds,
      metadata: { engine: 'buildah', version: this.version, manifestList, imageId }
    }
  }

  /**
   * Each platform's build, and how many run at once. buildah 1.40 and later get the
   * Dockerfile as written; older ones, side by side or with a FROM that names a platform, a
   * copy with every image reference pinned (pins.ts, version.ts), or, where a reference
   * cannot be pinned, one platform at a time.
   */
  private async planJobs(request: BuildRequest): Promise<{ jobs: BuildJob[]; limit: number }> {
    const extraBuildArgs = buildPlatformArgs(request.buildPlatform, request.buildArgs)
    const limit = Math.max(1, Math.min(request.maxParallelism, request.platforms.length))
    const plain = (platform: PlannedPlatform): BuildJob => ({
      platform,
      files: { extraBuildArgs, iidFile: path.join(request.tempDir, `iid-${platform.slug}`) },
      said: [],
      baseNames: new Map()
    })
    const text = await readFile(request.file, 'utf8')
    const dockerfile = parseDockerfile(text)
    const plans = request.platforms.map(platform =>
      planPins(dockerfile, {
        target: platform.platform,
        host: request.buildPlatform,
        buildArgs: request.buildArgs,
        targetStage: request.target
      })
    )
    if (
      !needsPins(
        this.version,
        limit > 1,
        plans.some(plan => plan.platformFlags)
      )
    ) {
      core.debug(
        `buildah ${this.version}: the Dockerfile goes to buildah as written (no pins needed)`
      )
      return { jobs: request.platforms.map(plain), limit }
    }
    const unresolved = plans.flatMap(plan => plan.unresolved)
    if (unresolved.length > 0) {
      core.info(
        `building one platform at a time: buildah ${this.version} looks images up by name, so platforms side by side could take each other's images, and the action cannot pin ${unresolved[0] ?? ''}`
      )
      return { jobs: request.platforms.map(plain), limit: 1 }
    }
    core.debug(
      `buildah ${this.version} looks images up by name: pinning every image reference per platform`
    )
    const pulled = await pullImages(imagesToPull(plans), {
      pull: request.pull,
      authFile: this.authFile,
      limit: PULLS_AT_ONCE
    })
    const ids = new Map([...pulled].map(([key, image]) => [key, image.id]))
    const ignoreFile = await ignoreFileBeside(request.file)
    const userNamesBase = request.annotations.some(({ key }) => key === BASE_NAME_ANNOTATION)
    const jobs: BuildJob[] = []
    for (const [index, platform] of request.platforms.entries()) {
      const plan = plans[index] as PinPlan
      const edits = pinEdits(plan, ids)
      if (edits === undefined)
        throw new Error(`no pulled image for a reference of ${platform.name}`)
      const file = path.join(request.tempDir, `Dockerfile.${platform.slug}`)
      await writeFile(file, applyEdits(text, edits), { mode: 0o600 })
      const said: string[] = []
      const baseNames = new Map<string, string>()
      for (const pin of plan.images) {
        const image = pulled.get(pinKey(pin.image, pin.platform))
        if (image === undefined || baseNames.has(image.id)) continue
        said.push(
          `${pin.kind === 'from' ? 'base' : 'image'} ${pin.image} for ${formatPlatform(pin.platform)}: image ${image.id.slice(0, 12)} (${image.fetched ? 'pulled' : 'in the store'})`
        )
        baseNames.set(image.id, pin.image)
      }
      const baseName = plan.finalBase === undefined ? undefined : recordedBaseName(plan.finalBase)
      const extraAnnotations: KeyValue[] =
        baseName === undefined || userNamesBase
          ? []
          : [{ key: BASE_NAME_ANNOTATION, value: baseName }]
      jobs.push({
        platform,
        files: {
          ...plain(platform).files,
          file,
          ...(ignoreFile === undefined ? {} : { ignoreFile }),
          extraAnnotations,
          basesPulled: true
        },
        said,
        baseNames
      })
    }
    return { jobs, limit }
  }

  smokeTest(platforms: readonly PlannedPlatform[], command: string): Promise<SmokeResult[]> {
    return smokeTest(platforms, this.images, command)
  }

  async dispose(): Promise<void> {
    await this.listing?.catch(() => undefined)
    await this.removing
    if (this.manifestList === undefined) return
    const list = this.manifestList
    this.manifestList = undefined
    await removeList(list)
  }
}
