/** The real effects behind the publish pipeline in build mode: registry, layout, engine. */
import * as core from '@actions/core'
import { untrusted } from '../../untrusted.js'
import type { BuiltImage, Engine } from '../../engines/engine.js'
import type { PlannedPlatform } from '../../plan.js'
import type { PublishSteps } from '../../publish/pipeline.js'
import { layoutPlatformImage, openResult } from '../../publish/result-image.js'
import type { ImageReference } from '../../reference.js'
import { ActionError, errorMessage } from '../../errors.js'
import { readLayout } from '../../registry/layout.js'
import type { RegistryPool } from '../../registry/pool.js'
import { copyByDigest, moveTags, pushByDigest } from '../../registry/publish.js'
import { readBack } from '../../registry/readback.js'
import {
  type LayerScans,
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
  verification: PlatformVerification[],
  /** The run's layer scans, some perhaps started as the engine wrote each platform. */
  scans: LayerScans
): PublishSteps {
  const platforms = settings.plan.map(entry => entry.platform)
  return {
    open: image => openResult(image, platforms, pool),
    report: line => {
      core.info(line)
    },
    verify: async images => {
      await verifyPlatforms(
        images,
        settings.verifyArch,
        settings.verifyArchAllow,
        verification,
        false,
        scans
      )
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

/**
 * Start the architecture check on one platform's image in the OCI layout the engine wrote
 * for it alone, while the other platforms still build; settles once its layers are read.
 * The check proper takes these scans up by layer digest, and reports and judges them; a
 * part that cannot be read here is simply read again there.
 */
export function checkAsWritten(
  scans: LayerScans
): (platform: PlannedPlatform, dir: string) => Promise<void> {
  return async (platform, dir) => {
    try {
      const local = await readLayout(dir)
      const [manifest, ...others] = local.manifests
      if (manifest === undefined || others.length > 0 || manifest.attestation) return
      const { layerScans } = scans.start(layoutPlatformImage(dir, platform.name, manifest.layers))
      await Promise.allSettled(layerScans)
      core.debug(`${platform.name}: its layers were read for the check as its image was written`)
    } catch (error) {
      core.debug(`${platform.name}: the check starts after the build (${errorMessage(error)})`)
    }
  }
}
