/** What a build run learnt along the way, turned into the job summary (also after a failure). */
import type { PlatformBuild } from '../../engines/engine.js'
import { errorMessage } from '../../errors.js'
import type { PlannedPlatform } from '../../plan.js'
import type { PublishRecord } from '../../publish/pipeline.js'
import { type ImageReference, formatReference, repositoryName } from '../../reference.js'
import { type BuildSummary, type PlatformRow, archCheckOf, registryWebLink } from '../../summary.js'
import type { PlatformVerification } from '../../verify/image.js'

export interface BuildProgress {
  engine: string
  readonly tags: readonly ImageReference[]
  builds: readonly PlatformBuild[]
  readonly verification: PlatformVerification[]
  /** The publish pipeline's record: smoke outcomes, the local result, what was pushed. */
  readonly record: PublishRecord
  /** Lines for under the summary's table, such as the 32-bit Arm probe's verdict. */
  readonly notes: string[]
  /** Platforms whose native or emulated build the 32-bit Arm probe decided. */
  readonly probed: readonly string[]
}

/** `buildah 1.28.2` from the engine's metadata. */
export function engineLabel(metadata: Readonly<Record<string, unknown>>, name: string): string {
  const version = metadata.version
  return typeof version === 'string' ? `${name} ${version}` : name
}

/** What to try next, from what failed. */
export function nextSteps(progress: BuildProgress, failure: string): string[] {
  const steps: string[] = []
  for (const result of progress.verification.filter(entry => entry.status === 'failed')) {
    const [first] = result.mismatches
    if (first === undefined) continue
    steps.push(
      `${result.platform} holds \`${first.path}\` built for ${first.found}: build it FROM a base image of ${result.platform}, or cross-compile for it; if it is meant to be foreign, list its path in \`verify-arch-allow\``
    )
  }
  for (const outcome of progress.record.smoke.filter(entry => !entry.passed)) {
    steps.push(
      `The smoke test failed on ${outcome.platform}; reproduce it in that image (under QEMU: \`qemu-user-static\`) before pushing again`
    )
  }
  if (/exec format error/i.test(failure)) {
    steps.push(
      '`exec format error`: no QEMU handler ran a foreign binary; keep `qemu: auto` or register QEMU before this step'
    )
  }
  if (/registry \S+:/.test(failure) && steps.length === 0) {
    steps.push(
      'Check that the registry is reachable from the runner and that `username`/`password` may push there'
    )
  }
  return steps
}

function linkFor(progress: BuildProgress, digest: string | undefined): string | undefined {
  const [tag] = progress.tags
  // Only a pushed image has a page to link to.
  return tag === undefined || digest === undefined || progress.record.pushed === undefined
    ? undefined
    : registryWebLink(tag.registry, tag.repository, digest)
}

export function summaryOf(
  progress: BuildProgress,
  plan: readonly PlannedPlatform[],
  error: unknown
): BuildSummary {
  const failure = error === undefined ? undefined : errorMessage(error)
  const digests = (progress.record.pushed ?? progress.record.result)?.digests ?? {}
  const rows: PlatformRow[] = plan.map(entry => {
    const build = progress.builds.find(item => item.platform === entry.name)
    const verification = progress.verification.find(item => item.platform === entry.name)
    const smoke = progress.record.smoke.find(item => item.platform === entry.name)
    return {
      platform: entry.name,
      emulated: entry.emulated,
      ...(progress.probed.includes(entry.name) ? { runsNote: 'probed' } : {}),
      digest: digests[entry.name],
      link: linkFor(progress, digests[entry.name]),
      layers: verification?.layers,
      bytes: verification?.bytes,
      buildSeconds: build?.seconds,
      archCheck: archCheckOf(verification),
      smokeTest:
        smoke === undefined
          ? { status: 'skipped' }
          : {
              status: smoke.passed ? 'passed' : 'failed',
              seconds: smoke.seconds,
              ...(smoke.passed ? {} : { output: smoke.output })
            }
    }
  })
  return {
    title: progress.tags[0] === undefined ? 'Multi-arch build' : repositoryName(progress.tags[0]),
    engine: progress.engine,
    indexDigest: (progress.record.pushed ?? progress.record.result)?.digest,
    tags: progress.tags.map(formatReference),
    rows,
    failure,
    nextSteps: failure === undefined ? [] : nextSteps(progress, failure),
    notes: [...progress.notes, ...progress.record.skipped.map(note => `Skipped the ${note}`)],
    ...(progress.record.comparison === undefined ? {} : { comparison: progress.record.comparison })
  }
}
