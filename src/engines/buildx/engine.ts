/** The buildx engine: one `docker buildx build` of every platform, pushed by digest only. */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import { firstAt, formatAnnotation } from '../../annotations.js'
import { Input } from '../../constants.js'
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
import { type Builder, prepareBuilder, removeBuilder } from './builder.js'
import { privateDockerEnv } from './docker-config.js'
import { type CacheFailure, type CachePlan, cachePlan, describeCache } from './cache.js'
import { buildxKeys } from '../../docker-metadata.js'
import { ensureBuildx } from './install.js'
import { parseMetadataFile } from './metadata.js'
import { describeFailure, summarizeProgress } from './progress.js'
import { rewriteTimestampProblem, timedProvenance } from './reproducible.js'
import { builtImage, planOutputs } from './result.js'

export class BuildxEngine implements Engine {
  readonly name = 'buildx'
  version = ''
  private tempDir = ''
  private builder: Builder | undefined

  constructor(
    private readonly options: BuildxOptions,
    private readonly group: Group
  ) {}

  async prepare(request: BuildRequest): Promise<void> {
    this.tempDir = request.tempDir
    refuseIndexDescriptor(request, this.options)
    this.version = await ensureBuildx(this.options.version, this.options.githubToken)
    const env = await privateDockerEnv(request)
    this.builder = await prepareBuilder(
      this.options,
      request.platforms,
      this.version,
      env,
      request.tempDir
    )
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
    const builder = this.requireBuilder()
    const names = request.platforms.map(entry => entry.name)
    const id = randomBytes(4).toString('hex')
    const [first] = request.tags
    const outputs = planOutputs(
      this.options.outputs,
      this.options.load,
      request.push,
      request.keepForChecks,
      path.join(request.tempDir, `layout-${id}`)
    )
    if (outputs.kind === 'push' && first === undefined) {
      throw new ActionError('the buildx engine was asked to push, but no tag names a repository')
    }
    const secretFiles = await writeSecretFiles(request.secrets, request.tempDir)
    const run: BuildxRun = {
      builder: builder.name,
      metadataFile: path.join(request.tempDir, `buildx-metadata-${id}.json`),
      iidFile: path.join(request.tempDir, `buildx-iid-${id}`),
      secretFiles,
      ...(outputs.kind === 'push' && first !== undefined ? { pushTo: first } : {}),
      ...(outputs.kind === 'layout' && outputs.temporary ? { layoutDir: outputs.dir } : {})
    }
    const started = performance.now()
    const buildArgs = buildxBuildArgs(request, this.options, run, process.env)
    let result: ExecResult
    try {
      result = await this.group(`Build ${names.join(', ')}`, () =>
        exec('docker', buildArgs, {
          env: builder.env,
          allowFailure: true
        })
      )
    } finally {
      await removeSecretFiles(secretFiles)
    }
    const seconds = (performance.now() - started) / 1000
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
    const metadataJson = await readJson(run.metadataFile, 'buildx metadata file')
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
    const imageId = (await readFile(run.iidFile, 'utf8').catch(() => '')).trim()
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
