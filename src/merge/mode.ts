import * as core from '@actions/core'
import { Output } from '../constants.js'
import type { Inputs } from '../inputs.js'
import { credentialsFor, loginsFrom } from '../login.js'
import { writeOutputs } from '../outputs.js'
import { RegistryPool } from '../registry/publish.js'
import { readBack } from '../registry/readback.js'
import { writeBuildSummary } from '../summary.js'
import { runMerge } from './run.js'

/** `mode: merge`: legs' images -> one index -> tags -> read back -> outputs. */
export async function runMergeMode(inputs: Inputs): Promise<void> {
  const logins = loginsFrom(inputs)
  for (const login of logins) core.setSecret(login.credentials.password)
  const lookup = (registry: string) => credentialsFor(registry, logins)
  const pool = new RegistryPool(lookup)
  try {
    const merged = await runMerge(inputs.platforms, inputs.tags, inputs.sources, pool)
    const image = await core.group('Read back from the registry', async () => {
      const pushed = await readBack(inputs.tags, inputs.platforms, lookup)
      if (pushed.digest !== merged.digest) {
        throw new Error(`the registry serves ${pushed.digest}, but ${merged.digest} was pushed`)
      }
      for (const [platform, digest] of Object.entries(pushed.digests)) {
        core.info(`${platform}: ${digest}`)
      }
      return pushed
    })
    await writeBuildSummary(
      'Multi-arch merge',
      Object.entries(image.digests).map(([platform, digest]) => ({
        platform,
        digest,
        emulated: false
      })),
      image.digest
    )
    writeOutputs({
      [Output.Digest]: image.digest,
      [Output.Digests]: JSON.stringify(image.digests),
      [Output.Manifest]: image.manifest,
      [Output.Images]: image.images.join('\n')
    })
  } finally {
    await pool.close()
  }
}
