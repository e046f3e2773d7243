/**
 * The one way a built image becomes a published one, for every engine, in this order:
 * check the architecture -> smoke test -> push by digest -> move the tags -> read back and
 * compare. Each stage runs only when every stage before it passed, so no tag ever moves to
 * an image that failed a check, and an output is never what the build merely claimed.
 */
import { ActionError } from '../errors.js'
import type { BuiltImage, Group, SmokeResult } from '../engines/engine.js'
import type { PlannedPlatform } from '../plan.js'
import type { PushedImage } from '../registry/readback.js'
import type { PlatformImage, VerifyPolicy } from '../verify/image.js'
import {
  type DigestComparison,
  type ExpectedDigests,
  compareDigests,
  comparisonFailure
} from './compare.js'
import type { ResultImage } from './result-image.js'

export const Stage = {
  Compare: 'Compare with expect-digests',
  Verify: "Check each platform's binaries",
  Smoke: 'Smoke test',
  Push: 'Push by digest (no tag moves yet)',
  Tags: 'Move the tags',
  ReadBack: 'Read back from the registry'
} as const

export interface PublishSettings {
  readonly platforms: readonly PlannedPlatform[]
  readonly push: boolean
  readonly verifyArch: VerifyPolicy
  /** Empty: no smoke test. */
  readonly smokeTest: string
  readonly smokeTestExpect: RegExp | undefined
  /** An earlier run's `digests`, compared before anything is pushed; undefined: none. */
  readonly expectDigests: ExpectedDigests | undefined
}

/** The effects the pipeline orders; the build mode wires the real ones, tests wire fakes. */
export interface PublishSteps {
  open(image: BuiltImage): Promise<ResultImage>
  /** One line of the log. */
  report(line: string): void
  verify(images: readonly PlatformImage[]): Promise<void>
  smokeTest(image: BuiltImage): Promise<readonly SmokeResult[]>
  pushByDigest(result: ResultImage, image: BuiltImage): Promise<void>
  moveTags(result: ResultImage): Promise<void>
  readBack(): Promise<PushedImage>
}

export interface SmokeOutcome {
  readonly platform: string
  readonly passed: boolean
  readonly seconds: number
  readonly output: string
}

/** What the pipeline learnt, filled as it goes so that a failure's summary still shows it. */
export interface PublishRecord {
  result: ResultImage | undefined
  pushed: PushedImage | undefined
  readonly smoke: SmokeOutcome[]
  /** Checks that did not run, each with its reason, for the log and the summary. */
  readonly skipped: string[]
  /** `expect-digests` against what was built, per platform; undefined: not asked for. */
  comparison: DigestComparison[] | undefined
}

export function emptyRecord(): PublishRecord {
  return { result: undefined, pushed: undefined, smoke: [], skipped: [], comparison: undefined }
}

export async function publish(
  image: BuiltImage,
  settings: PublishSettings,
  steps: PublishSteps,
  group: Group,
  record: PublishRecord = emptyRecord()
): Promise<PublishRecord> {
  if (image.kind === 'unavailable') {
    if (settings.expectDigests !== undefined) {
      throw new ActionError(`\`expect-digests\` cannot be compared: the image ${image.reason}`)
    }
    if (settings.push) throw new ActionError(`nothing can be pushed: the image ${image.reason}`)
    if (settings.smokeTest !== '') {
      throw new ActionError(
        `the smoke test cannot run: the image ${image.reason}`,
        'Set `push: true`, or `outputs: type=oci,dest=DIR,tar=false`, so the image can be read'
      )
    }
    if (settings.verifyArch !== 'off') {
      record.skipped.push(`architecture check: the image ${image.reason}`)
    }
    return record
  }
  const result = await steps.open(image)
  record.result = result
  const expected = settings.expectDigests
  if (expected !== undefined) {
    // First, before any check or push: a rebuild that differs has nothing to publish.
    await group(Stage.Compare, () => {
      const rows = compareDigests(expected, result.digests)
      record.comparison = rows
      for (const row of rows) steps.report(describeRow(row))
      const failure = comparisonFailure(rows)
      return failure === undefined ? Promise.resolve() : Promise.reject(failure)
    })
  }
  if (settings.verifyArch === 'off') record.skipped.push('architecture check: `verify-arch: off`')
  else await group(Stage.Verify, () => steps.verify(result.platforms))
  if (settings.smokeTest !== '') {
    await group(Stage.Smoke, async () => {
      record.smoke.push(...judgeSmoke(await steps.smokeTest(image), settings.smokeTestExpect))
      const failed = record.smoke.filter(outcome => !outcome.passed)
      if (failed.length > 0) throw smokeFailure(settings, failed)
    })
  }
  if (!settings.push) return record
  await group(Stage.Push, () => steps.pushByDigest(result, image))
  await group(Stage.Tags, () => steps.moveTags(result))
  record.pushed = await group(Stage.ReadBack, async () => {
    const pushed = await steps.readBack()
    if (pushed.digest !== result.digest) {
      throw new ActionError(
        `the registry serves ${pushed.digest} under the tags, but this run pushed ${result.digest}`,
        'Another push moved a tag meanwhile; no output names an image this run did not build'
      )
    }
    return pushed
  })
  return record
}

function describeRow(row: DigestComparison): string {
  if (row.match) return `${row.platform}: ${row.built ?? ''} as expected`
  return `${row.platform}: expected ${row.expected ?? '(none)'}, built ${row.built ?? '(none)'}`
}

/** Pass or fail per platform: exit code 0, and the output matching the expectation if any. */
export function judgeSmoke(
  results: readonly SmokeResult[],
  expect: RegExp | undefined
): SmokeOutcome[] {
  return results.map(result => ({
    platform: result.platform,
    passed: result.exitCode === 0 && (expect?.test(result.output) ?? true),
    seconds: result.seconds,
    output: result.output
  }))
}

function smokeFailure(settings: PublishSettings, failed: readonly SmokeOutcome[]): ActionError {
  return new ActionError(
    `smoke test \`${settings.smokeTest}\` failed on ${failed
      .map(
        outcome => `${outcome.platform} (output: ${JSON.stringify(outcome.output.slice(0, 200))})`
      )
      .join(', ')}${
      settings.smokeTestExpect
        ? `; expected output matching /${settings.smokeTestExpect.source}/`
        : ''
    }`,
    'No tag was moved'
  )
}
