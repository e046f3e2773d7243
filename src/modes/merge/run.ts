import { cleanUp } from '../../cancel.js'
import * as core from '@actions/core'
import { firstAt, formatAnnotation } from '../../annotations.js'
import { Input, Output } from '../../constants.js'
import { ActionError, InputError, errorMessage } from '../../errors.js'
import type { Inputs } from '../../inputs.js'
import { credentialsFor, loginsFrom, maskCredentials } from '../../login.js'
import { dockerMetadataKeys } from '../../docker-metadata.js'
import { writeOutputs } from '../../outputs.js'
import { RegistryPool } from '../../registry/pool.js'
import { readBack } from '../../registry/readback.js'
import { formatPlatform } from '../../platform.js'
import { formatReference, repositoryName } from '../../reference.js'
import { REGISTRY_CONCURRENCY, mapBounded } from '../../bounded.js'
import { type LegRecord, readLegRecord } from '../../leg-record.js'
import { type PushedImage } from '../../registry/readback.js'
import {
  type BuildSummary,
  type PlatformRow,
  archCheckOf,
  registryWebLink,
  writeBuildSummary
} from '../../summary.js'
import { type PlatformVerification, verifyPlatforms } from '../../verify/image.js'
import { runMerge } from './merge.js'

/**
 * The fan-out at a glance: every platform's digest, size and architecture check (this
 * merge's own), and how and where its leg built it, from the leg's record.
 */
export function mergeSummary(
  inputs: Pick<Inputs, 'platforms' | 'tags'>,
  image: PushedImage,
  verification: readonly PlatformVerification[],
  records: ReadonlyMap<string, LegRecord | undefined>
): BuildSummary {
  const [first] = inputs.tags
  return {
    title: `${repositoryName(first ?? { registry: '', repository: 'merge' })} (merged)`,
    engine: 'registry API',
    indexDigest: image.digest,
    tags: inputs.tags.map(formatReference),
    rows: inputs.platforms.map(formatPlatform).map((platform): PlatformRow => {
      const checked = verification.find(entry => entry.platform === platform)
      const record = records.get(platform)
      const digest = image.digests[platform]
      return {
        platform,
        emulated: record?.emulated,
        ...(record === undefined
          ? { runsNote: 'no leg record' }
          : {
              ...(record.runner === undefined ? {} : { runner: record.runner }),
              ...(record.probed ? { runsNote: 'probed' } : {})
            }),
        digest,
        link:
          first === undefined || digest === undefined
            ? undefined
            : registryWebLink(first.registry, first.repository, digest),
        layers: checked?.layers ?? record?.layers,
        bytes: checked?.bytes ?? record?.bytes,
        buildSeconds: record?.buildSeconds,
        archCheck: archCheckOf(checked),
        smokeTest: { status: 'skipped' as const }
      }
    }),
    failure: undefined,
    nextSteps: [],
    notes: [
      `${records.size} legs; ${[...records.values()].filter(record => record !== undefined).length} left a record of how they were built`
    ]
  }
}

/** `mode: merge`: legs' images -> one index -> tags -> read back -> outputs. */
export async function runMergeMode(inputs: Inputs): Promise<void> {
  const refused = firstAt(inputs.annotations, ['index-descriptor'])
  if (refused !== undefined) {
    throw new InputError(
      Input.Annotations,
      `\`${formatAnnotation(refused)}\` asks for the index-descriptor level, which only an OCI layout's index.json carries; a merge pushes to a registry`,
      'Use the index level for the index, manifest-descriptor for its entries'
    )
  }
  const logins = loginsFrom(inputs)
  for (const login of logins) maskCredentials(login.credentials)
  const lookup = (registry: string) => credentialsFor(registry, logins)
  const pool = new RegistryPool(lookup, core.info)
  const verification: PlatformVerification[] = []
  try {
    const merged = await runMerge(
      inputs.platforms,
      inputs.tags,
      inputs.sources,
      pool,
      images =>
        core.group("Check each platform's binaries", () =>
          verifyPlatforms(images, inputs.verifyArch, inputs.verifyArchAllow, verification)
        ),
      inputs.annotations
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
    const records = await core.group("Read the legs' records", async () => {
      const found = await mapBounded(merged.legs, REGISTRY_CONCURRENCY, async leg =>
        leg.digest === undefined
          ? undefined
          : readLegRecord(
              await pool.get(leg.source.registry),
              leg.source.repository,
              leg.digest,
              leg.platform
            ).catch((error: unknown) => {
              core.warning(
                `${leg.platform}: its leg record could not be read (${errorMessage(error)})`
              )
              return undefined
            })
      )
      for (const [position, leg] of merged.legs.entries()) {
        const record = found[position]
        core.info(
          record === undefined
            ? `${leg.platform}: no leg record (the leg was not built by this action, or left none)`
            : `${leg.platform}: built ${record.emulated ? 'under QEMU' : 'natively'}${record.runner === undefined ? '' : ` on ${record.runner}`} by ${record.engine}${record.buildSeconds === undefined ? '' : ` in ${record.buildSeconds.toFixed(1)} s`}`
        )
      }
      return new Map(merged.legs.map((leg, position) => [leg.platform, found[position]]))
    })
    await writeBuildSummary(mergeSummary(inputs, image, verification, records))
    writeOutputs({
      [Output.Digest]: image.digest,
      [Output.Digests]: JSON.stringify(image.digests),
      [Output.Attestations]: JSON.stringify(image.attestations),
      [Output.Manifest]: image.manifest,
      [Output.Images]: image.images.join('\n'),
      [Output.Metadata]: JSON.stringify(
        dockerMetadataKeys(
          { ...image, bytes: image.manifest },
          inputs.tags.map(formatReference),
          {}
        )
      )
    })
  } finally {
    // A client that will not close must not take the place of the merge's own error.
    await cleanUp([['closing registry connections', () => pool.close()]])
  }
}
