/** The real effects behind the publish pipeline in build mode: registry, layout, engine. */
import * as core from '@actions/core'
import { untrusted } from '../../untrusted.js'
import type { BuiltImage, Engine } from '../../engines/engine.js'
import type { PlannedPlatform } from '../../plan.js'
import type { PublishSteps } from '../../publish/pipeline.js'
import { openResult } from '../../publish/result-image.js'
import type { ImageReference } from '../../reference.js'
import { ActionError } from '../../errors.js'
import type { RegistryPool } from '../../registry/pool.js'
import { copyByDigest, moveTags, pushByDigest } from '../../registry/publish.js'
import { readBack } from '../../registry/readback.js'
import {
  type PlatformVerification,
  type VerifyPolicy,
  verifyPlatforms
} from '../../verify/image.js'

export interface StepSettings {
  readonly plan: readonly PlannedPlatform[]
  readonly tags: readonly ImageReference[]
  readonly smokeTest: string
  readonly verifyArch: VerifyPolicy
  readonly verifyArchAllow: readonly string[]
}

export function buildSteps(
  engine: Engine,
  pool: RegistryPool,
  settings: StepSettings,
  /** Filled as platforms are checked, for the summary. */
  verification: PlatformVerification[]
): PublishSteps {
  const platforms = settings.plan.map(entry => entry.platform)
  return {
    open: image => openResult(image, platforms, pool),
    report: line => {
      core.info(line)
    },
    verify: async images => {
      await verifyPlatforms(images, settings.verifyArch, settings.verifyArchAllow, verification)
    },
    smokeTest: async (image: BuiltImage) => {
      const results = await engine.smokeTest(settings.plan, settings.smokeTest, image)
      for (const result of results) {
        const entry = settings.plan.find(planned => planned.name === result.platform)
        core.info(
          `${result.platform}${entry?.emulated ? ' (emulated)' : ''}: exit ${result.exitCode} in ${result.seconds.toFixed(1)} s; its output:`
        )
        // The image wrote it: printed inside the fence, never read as a workflow command.
        untrusted(result.output.slice(0, 2000))
      }
      return results
    },
    pushByDigest: async (result, image) => {
      if (result.local !== undefined) await pushByDigest(result.local, settings.tags, pool)
      else if (image.kind === 'registry') await copyByDigest(image, settings.tags, pool)
      else throw new ActionError('the built image has neither a layout nor a registry copy')
    },
    moveTags: result => moveTags(result, settings.tags, pool),
    readBack: async () => {
      const pushed = await readBack(
        settings.tags,
        settings.plan.map(entry => entry.platform),
        pool
      )
      core.info(`digest: ${pushed.digest}`)
      for (const [platform, digest] of Object.entries(pushed.digests)) {
        core.info(`${platform}: ${digest}`)
      }
      return pushed
    }
  }
}
