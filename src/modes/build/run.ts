import * as core from '@actions/core'
import { realpath, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { cleanUp, onCancel } from '../../cancel.js'
import { Input, Output } from '../../constants.js'
import type { BuildRequest, BuiltImage } from '../../engines/engine.js'
import { InputError, errorMessage } from '../../errors.js'
import type { Inputs } from '../../inputs.js'
import { type LegRecord, runnerName, writeLegRecord } from '../../leg-record.js'
import { credentialsFor, loginsFrom, maskCredentials } from '../../login.js'
import { writeOutputs } from '../../outputs.js'
import { type Platform, formatPlatform } from '../../platform.js'
import { type PlannedPlatform, legTag, planBuild } from '../../plan.js'
import { type ImageReference, formatReference } from '../../reference.js'
import { dockerMetadataKeys } from '../../docker-metadata.js'
import { resolveSourceDateEpoch } from '../../source-date-epoch.js'
import { type PublishRecord, emptyRecord, publish } from '../../publish/pipeline.js'
import { probeArm32 } from '../../qemu/arm32-probe.js'
import { describeOutcome, qemuVersion, setupQemu } from '../../qemu/setup.js'
import { RegistryPool } from '../../registry/pool.js'
import { runTempDir } from '../../state.js'
import { writeBuildSummary } from '../../summary.js'
import { selectEngine } from './engine-choice.js'
import { type BuildProgress, engineLabel, summaryOf } from './progress.js'
import { LayerScans } from '../../verify/image.js'
import { buildSteps, checkAsWritten } from './steps.js'

/**
 * `mode: build`: plan -> QEMU -> engine -> the publish pipeline (check, smoke test, push by
 * digest, tags, read-back) -> outputs.
 */
export async function runBuild(inputs: Inputs, host: Platform): Promise<void> {
  // Inputs that can be wrong are checked before anything runs, the probe included.
  const { context, file } = await resolvePaths(inputs)
  const sourceDateEpoch = await resolveSourceDateEpoch(inputs.sourceDateEpoch, context)
  if (sourceDateEpoch !== undefined) {
    core.info(
      `source-date-epoch: ${sourceDateEpoch} (${new Date(sourceDateEpoch * 1000).toISOString()}${inputs.sourceDateEpoch?.kind === 'commit' ? ", HEAD's commit time" : ''}${inputs.sourceDateEpoch?.from === 'environment' ? ', from SOURCE_DATE_EPOCH' : ''})`
    )
  }
  const logins = loginsFrom(inputs)
  const tempDir = await runTempDir()
  const arm32 = await arm32Natively(inputs, host, tempDir)
  const plan = planBuild(inputs.platforms, host, { arm32OnArm64: arm32.native })
  core.debug(
    `plan on ${formatPlatform(host)}: ${plan.map(entry => `${entry.name} ${entry.emulated ? 'emulated (QEMU)' : 'native'}`).join(', ')}${arm32.note === undefined ? '' : `; ${arm32.note}`}`
  )
  // A fan-out leg leaves its platform under `<tag>-<slug>` for the merge; no final tag moves.
  const [legPlatform] = plan
  const finalTags =
    inputs.pushByDigest && legPlatform !== undefined
      ? inputs.tags.map(tag => legTag(tag, legPlatform.platform))
      : inputs.tags
  for (const login of logins) maskCredentials(login.credentials)
  for (const secret of inputs.secrets) core.setSecret(secret.value)

  // The engine is chosen first: a runner where nothing can build is refused before QEMU is touched.
  const engine = await selectEngine(inputs, core.group)

  const qemu = await core.group('Set up QEMU', async () => {
    const reports = await setupQemu(plan, {
      choice: inputs.qemu,
      platforms: inputs.qemuPlatforms,
      allowInstall: inputs.qemuInstall
    })
    for (const report of reports) core.info(describeOutcome(report))
    const found = await qemuVersion(reports)
    if (found !== undefined) core.info(`QEMU ${found.version} (${found.interpreter})`)
    return found
  })

  // Layers already read by the time the check runs are not read again.
  const scans = new LayerScans(inputs.verifyArchAllow)
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
    // The comparison and the index annotations need the result where the action can read it.
    keepForChecks:
      inputs.verifyArch !== 'off' ||
      inputs.smokeTest !== '' ||
      inputs.expectDigests !== undefined ||
      inputs.annotations.some(annotation => annotation.level !== 'manifest'),
    cacheFrom: inputs.cacheFrom,
    cacheTo: inputs.cacheTo,
    logins,
    tempDir,
    maxParallelism: inputs.maxParallelism,
    sourceDateEpoch,
    buildPlatform: host,
    ...(inputs.verifyArch === 'off' ? {} : { onPlatformLayout: checkAsWritten(scans) })
  }
  const forget = onCancel(() => engine.dispose())
  // One client per registry for the whole run: push, read-back and check share connections and tokens.
  const pool = new RegistryPool(registry => credentialsFor(registry, logins), core.info)
  const progress: BuildProgress = {
    engine: engineLabel({ version: engine.version || undefined }, engine.name),
    tags: finalTags,
    builds: [],
    verification: [],
    record: emptyRecord(),
    notes: [
      ...(arm32.note === undefined ? [] : [arm32.note]),
      ...(qemu === undefined ? [] : [`QEMU ${qemu.version}`])
    ],
    probed:
      arm32.note === undefined
        ? []
        : plan.filter(entry => entry.platform.architecture === 'arm').map(entry => entry.name)
  }
  let image: BuiltImage | undefined
  try {
    try {
      await core.group('Set up the builder', () => engine.prepare(request))
    } finally {
      // Known once prepare() found or installed it, also when the builder then failed.
      progress.engine = engineLabel({ version: engine.version || undefined }, engine.name)
    }
    const result = await engine.build(request)
    image = result.image
    progress.engine = engineLabel(result.metadata, engine.name)
    progress.builds = result.builds
    progress.notes.push(...(result.notes ?? []))
    const steps = buildSteps(
      engine,
      pool,
      {
        plan,
        tags: finalTags,
        smokeTest: inputs.smokeTest,
        verifyArch: inputs.verifyArch,
        verifyArchAllow: inputs.verifyArchAllow
      },
      progress.verification,
      scans
    )
    const record = await publish(
      result.image,
      {
        platforms: plan,
        push: inputs.push,
        verifyArch: inputs.verifyArch,
        smokeTest: inputs.smokeTest,
        smokeTestExpect: inputs.smokeTestExpect,
        expectDigests: inputs.expectDigests
      },
      steps,
      core.group,
      progress.record
    )
    if (!inputs.push) reportLocal(record)
    if (inputs.pushByDigest && record.pushed !== undefined) {
      await core.group('Leave a record for the merge', () =>
        leaveLegRecord(progress, plan, finalTags, pool)
      )
    }
    await writeBuildSummary(summaryOf(progress, plan, undefined))
    const described = record.pushed ?? record.result
    const emulated = plan.filter(entry => entry.emulated).map(entry => entry.name)
    writeOutputs({
      [Output.Digest]: described?.digest,
      [Output.Digests]: described === undefined ? undefined : JSON.stringify(described.digests),
      [Output.Attestations]:
        described === undefined ? undefined : JSON.stringify(described.attestations),
      [Output.Manifest]: record.pushed?.manifest ?? record.result?.bytes.toString('utf8'),
      [Output.Images]: record.pushed?.images.join('\n'),
      [Output.ImageId]: result.imageId,
      [Output.Metadata]: JSON.stringify({
        ...result.metadata,
        ...(qemu === undefined ? {} : { qemu: qemu.version }),
        builds: result.builds,
        smoke: record.smoke,
        attestations: described?.attestations ?? {},
        skipped: record.skipped,
        ...(sourceDateEpoch === undefined ? {} : { sourceDateEpoch }),
        ...(record.comparison === undefined ? {} : { expectDigests: record.comparison }),
        ...dockerMetadataKeys(
          record.pushed === undefined
            ? record.result
            : { ...record.pushed, bytes: record.pushed.manifest },
          finalTags.map(formatReference),
          result.dockerKeys ?? {}
        )
      }),
      [Output.Emulated]: emulated.join(',')
    })
  } catch (error) {
    await writeBuildSummary(summaryOf(progress, plan, error)).catch(() => undefined)
    throw error
  } finally {
    // Every step runs, and none of them replaces the error that failed the build.
    await cleanUp([
      ['closing registry connections', () => pool.close()],
      [
        'the engine',
        async () => {
          forget()
          await engine.dispose()
        }
      ],
      [
        "removing the action's OCI layout",
        async () => {
          // A layout of the action's own can be as large as the image; it has served its purpose.
          if (image?.kind === 'layout' && image.temporary) {
            await rm(image.dir, { recursive: true, force: true })
          }
        }
      ]
    ])
  }
}

/** What this leg knew, next to its image in each tag's repository (see leg-record.ts). */
async function leaveLegRecord(
  progress: BuildProgress,
  plan: readonly PlannedPlatform[],
  tags: readonly ImageReference[],
  pool: RegistryPool
): Promise<void> {
  const pushed = progress.record.pushed
  const [leg] = plan
  if (pushed === undefined || leg === undefined) return
  const verification = progress.verification.find(entry => entry.platform === leg.name)
  const record: LegRecord = {
    platform: leg.name,
    digest: pushed.digest,
    emulated: leg.emulated,
    probed: progress.probed.includes(leg.name),
    runner: runnerName(process.env),
    engine: progress.engine,
    buildSeconds: progress.builds.find(build => build.platform === leg.name)?.seconds,
    archCheck: verification?.status ?? 'skipped',
    layers: verification?.layers,
    bytes: verification?.bytes
  }
  const subject = {
    digest: pushed.digest,
    mediaType: pushed.mediaType,
    raw: Buffer.from(pushed.manifest)
  }
  const done = new Set<string>()
  for (const tag of tags) {
    const key = `${tag.registry}/${tag.repository}`
    if (done.has(key)) continue
    done.add(key)
    try {
      const client = await pool.get(tag.registry)
      const written = await writeLegRecord(client, tag.repository, record, subject)
      core.info(`${key}:${written}: ${JSON.stringify(record)}`)
    } catch (error) {
      // The image is published; only the merge's summary loses this leg's facts.
      core.warning(
        `could not leave the leg record in ${key} (${errorMessage(error)}); the merge's summary will show ${leg.name} without them`
      )
    }
  }
}

/**
 * Whether this runner runs 32-bit Arm natively: `true`/`false` say so; `auto` runs the probe
 * when an arm/v7 or arm/v6 platform is planned, and says what it found.
 */
async function arm32Natively(
  inputs: Inputs,
  host: Platform,
  tempDir: string
): Promise<{ native: boolean; note?: string }> {
  if (inputs.nativeArm32 !== 'auto') return { native: inputs.nativeArm32 === 'true' }
  const arm32 = inputs.platforms.filter(platform => platform.architecture === 'arm')
  if (arm32.length === 0 || host.architecture === 'arm') return { native: false }
  return core.group('Probe 32-bit Arm', async () => {
    const verdict = await probeArm32(tempDir)
    const native = verdict.native && host.architecture === 'arm64'
    const names = arm32.map(formatPlatform).join(', ')
    const note = native
      ? `32-bit Arm probe: this ${host.architecture} runner runs it natively (${verdict.detail}), so ${names} build without QEMU`
      : `32-bit Arm probe: this ${host.architecture} runner does not run it natively (${verdict.detail}), so ${names} build under QEMU`
    core.info(note)
    return { native, note }
  })
}

/** Without a push, say plainly what the checks saw of the local result and what they skipped. */
function reportLocal(record: PublishRecord): void {
  const ran: string[] = []
  if (
    record.result !== undefined &&
    !record.skipped.some(note => note.startsWith('architecture'))
  ) {
    ran.push('architecture check')
  }
  if (record.smoke.length > 0) ran.push('smoke test')
  core.notice(
    [
      '`push` is false: nothing was pushed and no tag moved.',
      ran.length > 0 ? `Ran on the local result: ${ran.join(', ')}.` : 'No check ran.',
      ...record.skipped.map(note => `Skipped ${note}.`),
      record.result === undefined
        ? '`digest`, `digests` and `manifest` stay empty.'
        : '`digest`, `digests` and `manifest` describe the local result; `images` stays empty.'
    ].join(' ')
  )
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
