import * as core from '@actions/core'
import { Output } from '../../constants.js'
import { ActionError } from '../../errors.js'
import type { Inputs } from '../../inputs.js'
import { credentialsFor, loginsFrom, maskCredentials } from '../../login.js'
import { writeOutputs } from '../../outputs.js'
import { RegistryPool } from '../../registry/pool.js'
import { readBack } from '../../registry/readback.js'
import { formatPlatform } from '../../platform.js'
import { formatReference, repositoryName } from '../../reference.js'
import { writeBuildSummary } from '../../summary.js'
import { type PlatformVerification, verifyPlatforms } from '../../verify/image.js'
import { runMerge } from './merge.js'

/** `mode: merge`: legs' images -> one index -> tags -> read back -> outputs. */
export async function runMergeMode(inputs: Inputs): Promise<void> {
  const logins = loginsFrom(inputs)
  for (const login of logins) maskCredentials(login.credentials)
  const lookup = (registry: string) => credentialsFor(registry, logins)
  const pool = new RegistryPool(lookup, core.info)
  const verification: PlatformVerification[] = []
  try {
    const merged = await runMerge(inputs.platforms, inputs.tags, inputs.sources, pool, images =>
      core.group("Check each platform's binaries", () =>
        verifyPlatforms(images, inputs.verifyArch, inputs.verifyArchAllow, verification)
      )
    )
    const image = await core.group('Read back from the registry', async () => {
      const pushed = await readBack(inputs.tags, inputs.platforms, pool)
      if (pushed.digest !== merged.digest) {
        throw new ActionError(
          `the registry serves ${pushed.digest} under the tags, but this run pushed ${merged.digest}`,
          'Another push moved a tag meanwhile'
        )
      }
      for (const [platform, digest] of Object.entries(pushed.digests)) {
        core.info(`${platform}: ${digest}`)
      }
      return pushed
    })
    await writeBuildSummary({
      title: `${repositoryName(inputs.tags[0] ?? { registry: '', repository: 'merge' })} (merged)`,
      engine: 'registry API',
      indexDigest: image.digest,
      tags: inputs.tags.map(formatReference),
      rows: inputs.platforms.map(formatPlatform).map(platform => {
        const checked = verification.find(entry => entry.platform === platform)
        const [mismatch] = checked?.mismatches ?? []
        return {
          platform,
          emulated: false,
          digest: image.digests[platform],
          link: undefined,
          layers: checked?.layers,
          bytes: checked?.bytes,
          buildSeconds: undefined,
          archCheck:
            checked === undefined
              ? { status: 'skipped' as const }
              : {
                  status: checked.status,
                  ...(mismatch === undefined
                    ? {}
                    : { detail: `${mismatch.path} is ${mismatch.found}` })
                },
          smokeTest: { status: 'skipped' as const }
        }
      }),
      failure: undefined,
      nextSteps: []
    })
    writeOutputs({
      [Output.Digest]: image.digest,
      [Output.Digests]: JSON.stringify(image.digests),
      [Output.Attestations]: JSON.stringify(image.attestations),
      [Output.Manifest]: image.manifest,
      [Output.Images]: image.images.join('\n')
    })
  } finally {
    await pool.close()
  }
}
