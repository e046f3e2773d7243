/** The buildx engine: one `docker buildx build` of every platform, pushed by digest only. */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { firstAt, formatAnnotation } from '../../annotations.js'
import { Input } from '../../constants.js'
import { buildxKeys } from '../../docker-metadata.js'
import { ActionError, InputError } from '../../errors.js'
import { ExecError, type ExecResult, commandLine, exec } from '../../exec.js'
import type { PlannedPlatform } from '../../plan.js'
import { repositoryName } from '../../reference.js'
import { readLayout } from '../../registry/layout.js'
import { type BuildxOptions, parseOutputSpec } from '../../values.js'
import type {
  BuildRequest,
  BuildResult,
  BuiltImage,
  Engine,
  Group,
  SmokeResult
} from '../engine.js'
import { removeSecretFiles, writeSecretFiles } from '../secrets.js'
import {
  type BuildxRun,
  type SmokeBase,
  buildxBuildArgs,
  smokeBuildArgs,
  smokeDockerfile
} from './argv.js'
import {
  type Builder,
  type BuilderBeside,
  builderAfterBuild,
  checkedBesideBuild,
  prepareBuilder,
  removeBuilder
} from './builder.js'
import { privateDockerEnv } from './docker-config.js'
import { type CacheFailure, type CachePlan, cachePlan, describeCache } from './cache.js'
import { ensureBuildx, installedBuildxVersion } from './install.js'
import { parseMetadataFile } from './metadata.js'
import { describeFailure, refusedSecondOutput, summarizeProgress } from './progress.js'
import { rewriteTimestampProblem, timedProvenance } from './reproducible.js'
import {
  type OutputPlan,
  builtImage,
  layoutBesidePush,
  onThisMachine,
  planOutputs
} from './result.js'

/** A reused builder whose inspect and buildx version run beside the build (see BuilderBeside). */
type Beside = BuilderBeside & { readonly version: Promise<string | undefined> }

export class BuildxEngine implements Engine {
  readonly name = 'buildx'
  version = ''
  private tempDir = ''
  private builder: Builder | undefined
  private beside: Beside | undefined
  /** OCI layouts BuildKit wrote beside a push, for the checks; removed by dispose(). */
  private readonly besideLayouts: string[] = []

  constructor(
    private readonly options: BuildxOptions,
    private readonly group: Group
  ) {}

  async prepare(request: BuildRequest): Promise<void> {
    this.tempDir = request.tempDir
    refuseIndexDescriptor(request, this.options)
    const env = await privateDockerEnv(request)
    // A reproducible build must know the builder's BuildKit before it starts: not beside it.
    if (checkedBesideBuild(this.options) && request.sourceDateEpoch === undefined) {
      // Any installed buildx will do and the builder is used as it is: the build need not wait
      // for either round trip, so both run beside it and are judged when it ends.
      const version = installedBuildxVersion()
      version.catch(() => undefined)
      this.beside = { name: this.options.builder, env, version }
      core.info(
        `reusing builder \`${this.options.builder}\` as it is; buildx and the builder are checked when it has built`
      )
      return
    }
    // The version and the builder's inspect are each a round trip: they run side by side.
    const version = ensureBuildx(this.options.version, this.options.githubToken)
    version.catch(() => undefined)
    this.builder = await prepareBuilder(
      this.options,
      request.platforms,
      version,
      env,
      request.tempDir
    )
    this.version = await version
    if (request.sourceDateEpoch !== undefined) {
      const problem = rewriteTimestampProblem(this.version, this.builder.buildkitVersions)
      if (problem !== undefined) {
        throw new InputError(
          Input.SourceDateEpoch,
          `is set, but ${problem}`,
          'Use `buildx-version: ">=0.13"` and a builder with BuildKit 0.13 or later, or the buildah engine'
        )
      }
      core.info(
        `source-date-epoch ${request.sourceDateEpoch}: SOURCE_DATE_EPOCH build arg and rewrite-timestamp on the image output (BuildKit ${this.builder.buildkitVersions.join(', ') || 'version not listed'})`
      )
    }
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    const beside = this.beside
    this.beside = undefined
    const target = this.builder ?? beside
    if (target === undefined) throw new Error('BuildxEngine.prepare() must run first')
    const names = request.platforms.map(entry => entry.name)
    const id = randomBytes(4).toString('hex')
    const [first] = request.tags
    const registry = first?.registry ?? ''
    const besidePush =
      this.builder !== undefined
        ? layoutBesidePush(
            this.version,
            this.builder.driver,
            this.builder.buildkitVersions,
            registry
          )
        : onThisMachine(registry)
          ? layoutBesidePush('', '', [], registry)
          : {
              layout: true,
              reason:
                'buildx and BuildKit are learnt beside the build, so a second output is tried; a refusal builds again with the push alone'
            }
    let outputs = planOutputs(
      this.options.outputs,
      this.options.load,
      request.push,
      request.keepForChecks,
      path.join(request.tempDir, `layout-${id}`),
      besidePush.layout
    )
    if (outputs.kind === 'push' && first === undefined) {
      throw new ActionError('the buildx engine was asked to push, but no tag names a repository')
    }
    if (outputs.kind === 'push' && request.keepForChecks) {
      core.debug(
        besidePush.layout
          ? `the checks read the layers from an OCI layout written beside the push: ${besidePush.reason}`
          : `the checks read the layers back from the registry: ${besidePush.reason}`
      )
    }
    const secretFiles = await writeSecretFiles(request.secrets, request.tempDir)
    const metadataFile = path.join(request.tempDir, `buildx-metadata-${id}.json`)
    const iidFile = path.join(request.tempDir, `buildx-iid-${id}`)
    const runOf = (plan: OutputPlan): BuildxRun => ({
      builder: target.name,
      metadataFile,
      iidFile,
      secretFiles,
      ...(plan.kind === 'push' && first !== undefined ? { pushTo: first } : {}),
      ...(plan.kind === 'layout' && plan.temporary ? { layoutDir: plan.dir } : {}),
      ...(plan.kind === 'push' && plan.besideLayout !== undefined
        ? { layoutDir: plan.besideLayout }
        : {})
    })
    const started = performance.now()
    let buildArgs = buildxBuildArgs(request, this.options, runOf(outputs), process.env)
    const run = async () => {
      try {
        return await exec('docker', buildArgs, { env: target.env, allowFailure: true })
      } catch (error) {
        // No docker at all: the version probe beside the build says so more plainly.
        await beside?.version
        throw error
      }
    }
    let installed: string | undefined
    let result: ExecResult
    try {
      result = await this.group(`Build ${names.join(', ')}`, async () => {
        if (outputs.kind === 'push' && outputs.besideLayout !== undefined) {
          this.besideLayouts.push(outputs.besideLayout)
        }
        let attempt = await run()
        if (
          attempt.exitCode !== 0 &&
          beside !== undefined &&
          (await beside.version) === undefined
        ) {
          // docker has no buildx plugin: install one, as ensureBuildx does before other builds.
          installed = await ensureBuildx(this.options.version, this.options.githubToken)
          attempt = await run()
        }
        if (
          attempt.exitCode === 0 ||
          outputs.kind !== 'push' ||
          outputs.besideLayout === undefined ||
          !refusedSecondOutput(attempt.stderr)
        ) {
          return attempt
        }
        // buildx refuses before it builds anything, so trying cost only a start of the CLI.
        core.info(
          'this buildx or BuildKit takes one output per build: building again with the push alone'
        )
        outputs = { kind: 'push' }
        buildArgs = buildxBuildArgs(request, this.options, runOf(outputs), process.env)
        return run()
      })
    } finally {
      await removeSecretFiles(secretFiles)
    }
    const seconds = (performance.now() - started) / 1000
    // Judged before the result is read or a failure reported: a builder that lacks a
    // platform, or is not there, says more than the build's own error.
    if (beside !== undefined) {
      await this.settleBeside(beside, installed, request.platforms, {
        succeeded: result.exitCode === 0,
        log: result.stdout + '\n' + result.stderr
      })
    }
    const builder = this.requireBuilder()
    const progress = summarizeProgress(`${result.stdout}\n${result.stderr}`, names)
    const cache = cachePlan(request, this.options.driver, process.env)
    const cacheLine = describeCache(cache, progress.cacheHits, progress.cacheFailures)
    core.info(cacheLine)
    const cacheWarnings = progress.cacheFailures.map(failure => cacheWarning(cache, failure))
    for (const warning of cacheWarnings) core.warning(warning)
    if (result.exitCode !== 0) {
      const failedCommand = new ExecError(commandLine('docker', buildArgs), result).message
      const exportFailure = progress.cacheFailures.find(failure => failure.direction === 'export')
      if (progress.failed.length === 0 && exportFailure !== undefined) {
        throw new ActionError(
          `the build succeeded, but the cache export to ${exportFailure.target} failed (${exportFailure.message})${
            progress.pushed === undefined
              ? ''
              : `; the image had been pushed by digest as ${progress.pushed} and stays untagged`
          }: ${failedCommand}`,
          'No tag was moved. Mend the cache backend, or add ignore-error=true to `cache-to` so its failure does not fail the build'
        )
      }
      // BuildKit pushes by digest only, so whatever it pushed before failing is untagged.
      throw new ActionError(
        `${describeFailure(request.platforms, progress.failed)}: ${failedCommand}`,
        'No tag was moved'
      )
    }
    const metadataJson = await readJson(metadataFile, 'buildx metadata file')
    const metadata = parseMetadataFile(metadataJson)
    if (outputs.kind === 'push' && metadata.digest === undefined) {
      throw new ActionError('buildx pushed, but its metadata names no image digest')
    }
    const image = await builtImage(
      outputs,
      first !== undefined && metadata.digest !== undefined
        ? { registry: first.registry, repository: first.repository, digest: metadata.digest }
        : undefined,
      request.tempDir
    )
    const imageId = (await readFile(iidFile, 'utf8').catch(() => '')).trim()
    return {
      image,
      imageId,
      // One build covers every platform, so each shares its duration.
      builds: names.map(platform => ({
        platform,
        seconds,
        cacheHits: progress.cacheHits[platform] ?? 0
      })),
      dockerKeys:
        typeof metadataJson === 'object' && metadataJson !== null
          ? buildxKeys(metadataJson as Record<string, unknown>)
          : {},
      metadata: {
        engine: 'buildx',
        version: this.version,
        builder: builder.name,
        driver: builder.driver,
        ...metadata,
        imageId,
        cache: {
          chosenBy: cache.chosenBy,
          from: cache.from,
          to: cache.to,
          ...(cache.reason === undefined ? {} : { reason: cache.reason }),
          failures: progress.cacheFailures
        }
      },
      notes: [cacheLine, ...cacheWarnings, ...reproducibilityNotes(request, this.options)]
    }
  }

  /** The version and the builder learnt beside the build, logged as prepare() logs them. */
  private async settleBeside(
    beside: Beside,
    installed: string | undefined,
    platforms: readonly PlannedPlatform[],
    build: { readonly succeeded: boolean; readonly log: string }
  ): Promise<void> {
    const version = installed ?? (await beside.version)
    if (version === undefined) throw new ActionError('docker has no buildx plugin')
    if (installed === undefined) core.info(`buildx ${version} (installed)`)
    this.version = version
    this.builder = await builderAfterBuild(beside, this.options.driver, platforms, build)
  }

  /**
   * One throwaway build of every platform FROM the built image, on the same builder (so on
   * the native node or under the same QEMU), that records the command's output and exit code.
   */
  async smokeTest(
    platforms: readonly PlannedPlatform[],
    command: string,
    image: BuiltImage
  ): Promise<SmokeResult[]> {
    const builder = this.requireBuilder()
    const base = await smokeBase(image)
    const dir = path.join(this.tempDir, `smoke-${randomBytes(4).toString('hex')}`)
    const contextDir = path.join(dir, 'context')
    const outDir = path.join(dir, 'out')
    await mkdir(contextDir, { recursive: true })
    await writeFile(path.join(contextDir, 'Dockerfile'), smokeDockerfile(base))
    const names = platforms.map(entry => entry.name)
    const started = performance.now()
    try {
      const smokeArgs = smokeBuildArgs(
        this.version,
        builder.name,
        names,
        base,
        command,
        contextDir,
        outDir
      )
      const result = await exec('docker', smokeArgs, {
        env: builder.env,
        silent: true,
        allowFailure: true
      })
      if (result.exitCode !== 0) {
        throw new ActionError(
          `the smoke test's build failed: ${new ExecError(commandLine('docker', smokeArgs), result).message}`,
          'The image needs /bin/sh for the smoke test; no tag was moved'
        )
      }
      const seconds = (performance.now() - started) / 1000
      return await Promise.all(
        platforms.map(async entry => {
          // A one-platform local output is flat; more platforms get a folder each.
          const folder =
            platforms.length === 1 ? outDir : path.join(outDir, entry.name.replaceAll('/', '_'))
          const output = await readFile(path.join(folder, '.smoke-output'), 'utf8')
          const exitCode = Number.parseInt(
            await readFile(path.join(folder, '.smoke-exit'), 'utf8'),
            10
          )
          return { platform: entry.name, exitCode, output: output.trim(), seconds }
        })
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async dispose(): Promise<void> {
    const builder = this.builder
    this.builder = undefined
    // Layouts written beside a push have served the checks, which ran before this.
    const layouts = this.besideLayouts.splice(0)
    await Promise.all(layouts.map(dir => rm(dir, { recursive: true, force: true })))
    if (builder !== undefined) await removeBuilder(builder)
  }

  private requireBuilder(): Builder {
    if (this.builder === undefined) throw new Error('BuildxEngine.prepare() must run first')
    return this.builder
  }
}

/**
 * BuildKit writes the index-descriptor level only into an OCI layout's index.json: refuse it
 * by name where the build writes none.
 */
function refuseIndexDescriptor(request: BuildRequest, options: BuildxOptions): void {
  const refused = firstAt(request.annotations, ['index-descriptor'])
  const layout = options.outputs.some(output => parseOutputSpec(output).get('type') === 'oci')
  if (refused !== undefined && !layout) {
    throw new InputError(
      Input.Annotations,
      `\`${formatAnnotation(refused)}\` asks for the index-descriptor level, which only an OCI layout's index.json carries, and this build writes none`,
      'Use the index or manifest-descriptor level, or `push: false` with `outputs: type=oci,dest=DIR`'
    )
  }
}

/** Reproducible images next to attestations that are not: the summary says so. */
function reproducibilityNotes(request: BuildRequest, options: BuildxOptions): string[] {
  if (request.sourceDateEpoch === undefined) return []
  if (!timedProvenance(options.provenance, process.env)) return []
  return [
    `The images are reproducible (source-date-epoch ${request.sourceDateEpoch}: the same per-platform digests on every rebuild); the provenance attestations are not: they record this build's own start and finish times, so the index that holds them differs per run. Set \`provenance: false\` for a reproducible index too`
  ]
}

async function smokeBase(image: BuiltImage): Promise<SmokeBase> {
  switch (image.kind) {
    case 'registry':
      return { kind: 'registry', reference: `${repositoryName(image)}@${image.digest}` }
    case 'layout':
      return { kind: 'layout', dir: image.dir, digest: (await readLayout(image.dir)).digest }
    case 'unavailable':
      throw new ActionError(`the smoke test cannot run: ${image.reason}`)
  }
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

/** What a failed cache import or export means for this build. */
function cacheWarning(plan: CachePlan, failure: CacheFailure): string {
  const what =
    failure.direction === 'import'
      ? `cache import from ${failure.target} failed (${failure.message}); the build went on without it`
      : `cache export to ${failure.target} failed (${failure.message})`
  if (failure.direction === 'import') return what
  return plan.chosenBy === 'action'
    ? `${what}; the action's own cache never fails the build, and the next build starts with less cache`
    : `${what}; buildx decides whether that fails the build (\`ignore-error=true\` in \`cache-to\` lets it go on)`
}
