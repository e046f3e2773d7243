/**
 * What a fan-out leg knew about its build, left next to its image for the merge to read
 * back: a small OCI artifact (an image manifest whose one layer is this JSON) tagged
 * `sha256-<hex>.leg` after the leg's digest, so it is found from the digest alone, with no
 * GitHub service in between. The merge shows it; nothing of it is guessed.
 */
import { Readable } from 'node:stream'
import type { RegistryClient } from './registry/client.js'
import { digestOf } from './registry/digest.js'
import { MEDIA_TYPES, type Manifest } from './registry/oci.js'

export const LEG_RECORD_TYPE = 'application/vnd.multiarch-build.leg.v1+json'
const EMPTY_TYPE = 'application/vnd.oci.empty.v1+json'
const EMPTY = Buffer.from('{}')

export interface LegRecord {
  readonly platform: string
  /** The leg's image manifest digest: the record describes that image and no other. */
  readonly digest: string
  readonly emulated: boolean
  /** The 32-bit Arm probe decided `emulated`. */
  readonly probed: boolean
  /** `RUNNER_NAME (RUNNER_ARCH)` of the leg's runner, where the runner said. */
  readonly runner: string | undefined
  readonly engine: string
  readonly buildSeconds: number | undefined
  readonly archCheck: 'passed' | 'failed' | 'warned' | 'skipped'
  readonly layers: number | undefined
  readonly bytes: number | undefined
}

/** `sha256-<hex>.leg`: the tag of the record of the image with that digest. */
export function legRecordTag(digest: string): string {
  return `${digest.replace(':', '-')}.leg`
}

/** The runner as the leg sees it; undefined off a runner. */
export function runnerName(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const name = env.RUNNER_NAME ?? ''
  if (name === '') return undefined
  return env.RUNNER_ARCH === undefined || env.RUNNER_ARCH === ''
    ? name
    : `${name} (${env.RUNNER_ARCH})`
}

/** The artifact manifest for a record of `subject`, and the blobs it needs. Pure. */
export function legRecordManifest(
  record: LegRecord,
  subject: Manifest
): { manifest: Buffer; blobs: { digest: string; bytes: Buffer }[] } {
  const body = Buffer.from(JSON.stringify(record))
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: LEG_RECORD_TYPE,
      config: { mediaType: EMPTY_TYPE, digest: digestOf(EMPTY), size: EMPTY.length },
      layers: [{ mediaType: LEG_RECORD_TYPE, digest: digestOf(body), size: body.length }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.raw.length }
    })
  )
  return {
    manifest,
    blobs: [
      { digest: digestOf(EMPTY), bytes: EMPTY },
      { digest: digestOf(body), bytes: body }
    ]
  }
}

export async function writeLegRecord(
  client: RegistryClient,
  repository: string,
  record: LegRecord,
  subject: Manifest
): Promise<string> {
  const { manifest, blobs } = legRecordManifest(record, subject)
  for (const blob of blobs) {
    await client.uploadBlob(repository, blob.digest, blob.bytes.length, () =>
      Readable.from([blob.bytes])
    )
  }
  const tag = legRecordTag(record.digest)
  await client.putManifest(repository, tag, manifest, MEDIA_TYPES.ociManifest)
  return tag
}

/** A record is taken only when it names this very image and platform. Pure. */
export function parseLegRecord(
  value: unknown,
  digest: string,
  platform: string
): LegRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Partial<LegRecord>
  if (record.digest !== digest || record.platform !== platform) return undefined
  if (typeof record.emulated !== 'boolean' || typeof record.engine !== 'string') return undefined
  const number = (field: unknown) => (typeof field === 'number' ? field : undefined)
  return {
    platform,
    digest,
    emulated: record.emulated,
    probed: record.probed === true,
    runner: typeof record.runner === 'string' ? record.runner : undefined,
    engine: record.engine,
    buildSeconds: number(record.buildSeconds),
    archCheck:
      record.archCheck === 'passed' ||
      record.archCheck === 'failed' ||
      record.archCheck === 'warned'
        ? record.archCheck
        : 'skipped',
    layers: number(record.layers),
    bytes: number(record.bytes)
  }
}

/** The record of the image `digest` in `repository`; undefined when the leg left none. */
export async function readLegRecord(
  client: RegistryClient,
  repository: string,
  digest: string,
  platform: string
): Promise<LegRecord | undefined> {
  const reference = { registry: client.registry, repository, tag: legRecordTag(digest) }
  if (!(await client.hasManifest(reference))) return undefined
  const manifest = await client.getManifest(reference)
  const parsed = JSON.parse(manifest.raw.toString('utf8')) as {
    layers?: { mediaType?: string; digest: string }[]
  }
  const layer = parsed.layers?.find(entry => entry.mediaType === LEG_RECORD_TYPE)
  if (layer === undefined) return undefined
  return parseLegRecord(await client.getBlobJson(repository, layer.digest), digest, platform)
}
