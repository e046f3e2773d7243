import * as core from '@actions/core'
import { createReadStream } from 'node:fs'
import { realpath, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { onCancel } from './cancel.js'
import { BUILDX_ONLY_INPUTS, Input, Output } from './constants.js'
import type { BuildRequest, Engine } from './engines/engine.js'
import { selectEngine } from './engines/select.js'
import { ActionError, InputError } from './errors.js'
import type { Inputs } from './inputs.js'
import { writeOutputs } from './outputs.js'
import type { Platform } from './platform.js'
import { type PlannedPlatform, planBuild } from './plan.js'
import { describeOutcome, setupQemu } from './qemu/setup.js'
import { credentialsFor, loginsFrom } from './login.js'
import { legTag } from './merge/run.js'
import { type LocalImage, blobPath, readLayout } from './registry/layout.js'
import { type PlatformImage, verifyPlatforms } from './verify/image.js'
import { registryPlatformImages } from './verify/sources.js'
import { RegistryPool } from './registry/pool.js'
import { moveTags, pushByDigest } from './registry/publish.js'
import { readBack } from './registry/readback.js'
import { runTempDir } from './state.js'
import { type BuildProgress, type SmokeOutcome, engineLabel, summaryOf } from './build-summary.js'
import { writeBuildSummary } from './summary.js'

/** `mode: build`: plan -> QEMU -> engine -> registry read-back -> outputs. */
export async function runBuild(inputs: Inputs, host: Platform): Promise<void> {
  const plan = planBuild(inputs.platforms, host, { arm32OnArm64: inputs.nativeArm32 })
  const { context, file } = await resolvePaths(inputs)
  const logins = loginsFrom(inputs)
  // A fan-out leg leaves its platform under `<tag>-<slug>` for the merge; no final tag moves.
  const [legPlatform] = plan
  const finalTags =
    inputs.pushByDigest && legPlatform !== undefined
      ? inputs.tags.map(tag => legTag(tag, legPlatform.platform))
      : inputs.tags
  for (const login of logins) core.setSecret(login.credentials.password)
  for (const secret of inputs.secrets) core.setSecret(secret.value)

  await core.group('Set up QEMU', async () => {
    const reports = await setupQemu(plan, {
      choice: inputs.qemu,
      platforms: inputs.qemuPlatforms,
      allowInstall: inputs.qemuInstall
    })
    for (const report of reports) core.info(describeOutcome(report))
  })

  const engine = await core.group('Set up the builder', async () => {
    const selected = await selectEngine(inputs)
    core.info(`engine: ${selected.name}`)
    if (selected.name === 'buildah') refuseBuildxOnlyInputs(inputs)
    return selected
  })

  const request: BuildRequest = {
    platforms: plan,
    context,
    file,
    tags: finalTags,
    labels: inputs.labels,
    annotations: inputs.annotations,
    buildArgs: inputs.buildArgs,
    secrets: inputs.secrets,
    target: inputs.target,
    noCache: inputs.noCache,
    pull: inputs.pull,
    push: inputs.push,
    cacheFrom: inputs.cacheFrom,
    cacheTo: inputs.cacheTo,
    logins,
    tempDir: await runTempDir()
  }
  const forget = onCancel(() => engine.dispose())
  let disposal: Promise<void> | undefined
  // One client per registry for the whole run: push, read-back and check share connections and tokens.
  const pool = new RegistryPool(registry => credentialsFor(registry, logins))
  const progress: BuildProgress = {
    engine: engine.name,
    tags: finalTags,
    builds: [],
    smoke: [],
    verification: [],
    digests: {},
    indexDigest: undefined
  }
  try {
    if (inputs.smokeTest !== '' && engine.smokeTest === undefined) {
      throw new InputError(
        Input.SmokeTest,
        `is not available with the ${engine.name} engine`,
        'Use engine: buildah'
      )
    }
    const result = await engine.build(request)
    progress.engine = engineLabel(result.metadata, engine.name)
    progress.builds = result.builds
    if (inputs.smokeTest !== '') await smokeTest(engine, plan, inputs, progress.smoke)
    const smoke = progress.smoke
    // The engine's local images are not needed past this point: remove them while we push.
    disposal = engine.dispose()
    const emulated = plan.filter(entry => entry.emulated).map(entry => entry.name)
    if (!inputs.push) {
      core.warning(
        '`push` is false: the image stays in the builder, so `digest`, `digests`, `manifest` and `images` are empty'
      )
      await writeBuildSummary(summaryOf(progress, plan, undefined))
      writeOutputs({
        [Output.ImageId]: result.imageId,
        [Output.Metadata]: JSON.stringify({ ...result.metadata, builds: result.builds, smoke }),
        [Output.Emulated]: emulated.join(',')
      })
      return
    }
    let tags = result.pushed
    let expectedDigest: string | undefined
    if (result.layout !== undefined) {
      const local = await readLayout(result.layout)
      await core.group("Check each platform's binaries", () =>
        verifyPlatforms(
          layoutPlatforms(local),
          inputs.verifyArch,
          inputs.verifyArchAllow,
          progress.verification
        )
      )
      try {
        await core.group('Push by digest (no tag moves yet)', () =>
          pushByDigest(local, finalTags, pool)
        )
        await core.group('Move the tags', () => moveTags(local, finalTags, pool))
      } finally {
        // The layout can be as large as the image; it has served its purpose.
        await rm(result.layout, { recursive: true, force: true })
      }
      tags = finalTags
      expectedDigest = local.digest
    }
    const pushed = await core.group('Read back from the registry', async () => {
      const image = await readBack(
        tags,
        plan.map(entry => entry.platform),
        pool
      )
      if (expectedDigest !== undefined && image.digest !== expectedDigest) {
        throw new ActionError(
          `the registry serves ${image.digest} under the tags, but ${expectedDigest} was pushed`
        )
      }
      core.info(`digest: ${image.digest}`)
      for (const [platform, digest] of Object.entries(image.digests))
        core.info(`${platform}: ${digest}`)
      return image
    })
    progress.digests = pushed.digests
    progress.indexDigest = pushed.digest
    if (result.layout === undefined && inputs.verifyArch !== 'off') {
      // An engine that pushes by itself (buildx) gets the check after the fact: late, but
      // it still fails the step before a release pipeline uses the image.
      const [first] = tags
      const images =
        first === undefined
          ? []
          : await registryPlatformImages(
              await pool.get(first.registry),
              first.registry,
              first.repository,
              Object.entries(pushed.digests).map(([platform, digest]) => ({ platform, digest }))
            )
      await core.group("Check each platform's binaries", () =>
        verifyPlatforms(
          images,
          inputs.verifyArch,
          inputs.verifyArchAllow,
          progress.verification,
          true
        )
      )
    }
    await writeBuildSummary(summaryOf(progress, plan, undefined))
    writeOutputs({
      [Output.Digest]: pushed.digest,
      [Output.Digests]: JSON.stringify(pushed.digests),
      [Output.Manifest]: pushed.manifest,
      [Output.Images]: pushed.images.join('\n'),
      [Output.ImageId]: result.imageId,
      [Output.Metadata]: JSON.stringify({ ...result.metadata, builds: result.builds, smoke }),
      [Output.Emulated]: emulated.join(',')
    })
  } catch (error) {
    await writeBuildSummary(summaryOf(progress, plan, error)).catch(() => undefined)
    throw error
  } finally {
    await pool.close()
    forget()
    await (disposal ?? engine.dispose())
  }
}

/** Run the smoke test in every platform's image; any failure stops the step before a push. */
async function smokeTest(
  engine: Engine,
  plan: readonly PlannedPlatform[],
  inputs: Inputs,
  outcomes: SmokeOutcome[]
): Promise<void> {
  await core.group('Smoke test', async () => {
    for (const platform of plan) {
      if (engine.smokeTest === undefined) break
      const result = await engine.smokeTest(platform, inputs.smokeTest)
      const matches = inputs.smokeTestExpect?.test(result.output) ?? true
      const passed = result.exitCode === 0 && matches
      outcomes.push({
        platform: platform.name,
        passed,
        seconds: result.seconds,
        output: result.output
      })
      core.info(
        `${platform.name}${platform.emulated ? ' (emulated)' : ''}: ${passed ? 'passed' : 'FAILED'} in ${result.seconds.toFixed(1)} s: ${result.output.slice(0, 200)}`
      )
    }
    const failed = outcomes.filter(outcome => !outcome.passed)
    if (failed.length > 0) {
      throw new ActionError(
        `smoke test \`${inputs.smokeTest}\` failed on ${failed
          .map(
            outcome =>
              `${outcome.platform} (output: ${JSON.stringify(outcome.output.slice(0, 200))})`
          )
          .join(
            ', '
          )}${inputs.smokeTestExpect ? `; expected output matching /${inputs.smokeTestExpect.source}/` : ''}`,
        'Nothing was pushed'
      )
    }
  })
}

/** The platform images of a local OCI layout, their layers read from its files. */
function layoutPlatforms(image: LocalImage): PlatformImage[] {
  return image.manifests.map(manifest => ({
    platform: manifest.platform ?? 'linux/amd64',
    layers: manifest.layers,
    open: digest => Promise.resolve(createReadStream(blobPath(image.dir, digest)))
  }))
}

/**
 * The context and Dockerfile, resolved against the workspace (symlinks followed) and
 * required to stay inside it: a build step has no business reading the runner's files.
 */
async function resolvePaths(inputs: Inputs): Promise<{ context: string; file: string }> {
  const workspace = await realpath(process.env.GITHUB_WORKSPACE ?? process.cwd())
  const context = await insideWorkspace(Input.Context, inputs.context, workspace, 'directory')
  const file = await insideWorkspace(
    Input.File,
    inputs.file === '' ? path.join(context, 'Dockerfile') : inputs.file,
    workspace,
    'file'
  )
  return { context, file }
}

async function insideWorkspace(
  input: Input,
  given: string,
  workspace: string,
  kind: 'file' | 'directory'
): Promise<string> {
  let resolved: string
  try {
    resolved = await realpath(path.resolve(workspace, given))
  } catch {
    throw new InputError(
      input,
      `\`${given}\` does not exist in the workspace`,
      input === Input.File
        ? 'Give the path of the Dockerfile (default: <context>/Dockerfile)'
        : 'Give a directory of the checked-out repository'
    )
  }
  const relative = path.relative(workspace, resolved)
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new InputError(
      input,
      `\`${given}\` is outside the workspace (${workspace})`,
      'Give a path inside the checked-out repository'
    )
  }
  const stats = await stat(resolved)
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) {
    throw new InputError(input, `\`${given}\` is not a ${kind}`)
  }
  return resolved
}

/** A buildx-only input that buildah would silently ignore is refused by name instead. */
function refuseBuildxOnlyInputs(inputs: Inputs): void {
  const ignored = inputs.customised.filter(name => BUILDX_ONLY_INPUTS.includes(name))
  const [first] = ignored
  if (first !== undefined) {
    throw new InputError(
      first,
      'is honoured by the buildx engine only, and this step builds with buildah',
      'Set `engine: buildx` on a runner with docker buildx, or remove the input'
    )
  }
}
