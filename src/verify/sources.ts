import * as core from '@actions/core'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { pipeline } from 'node:stream'
import { REGISTRY_CONCURRENCY, mapBounded } from '../bounded.js'
import { ActionError } from '../errors.js'
import type { RegistryClient } from '../registry/client.js'
import { digestOf, verifyingStream } from '../registry/digest.js'
import { blobPath } from '../registry/layout.js'
import type { PlatformImage } from './image.js'

/** Blobs an OCI layout on disk holds, by digest; what it lacks is read from elsewhere. */
export interface LocalBlobs {
  /** A manifest's bytes, checked against its digest; undefined when the layout lacks it. */
  manifest(digest: string): Promise<Buffer | undefined>
  /** A blob's bytes as a stream that fails at its end unless they match the digest. */
  open(digest: string): Promise<AsyncIterable<unknown> | undefined>
}

const absent = (error: unknown) => (error as { code?: unknown }).code === 'ENOENT'

/** The blobs of the OCI layout in `dir`, held to the same digest checks as a registry's. */
export function localBlobs(dir: string): LocalBlobs {
  const mismatch = (digest: string) => (actual: string) =>
    new ActionError(
      `${blobPath(dir, digest)} hashes to ${actual}, not to the ${digest} it is named`
    )
  return {
    manifest: async digest => {
      const bytes = await readFile(blobPath(dir, digest)).catch((error: unknown) => {
        if (absent(error)) return undefined
        throw error
      })
      if (bytes === undefined) return undefined
      const actual = digestOf(bytes)
      if (actual !== digest) throw mismatch(digest)(actual)
      return bytes
    },
    open: async digest => {
      const file = blobPath(dir, digest)
      const found = await stat(file).catch((error: unknown) => {
        if (absent(error)) return undefined
        throw error
      })
      if (found === undefined) return undefined
      // A failed read ends the verifying stream with that error; its consumer sees it.
      return pipeline(createReadStream(file), verifyingStream(digest, mismatch(digest)), () => {})
    }
  }
}

/**
 * Platform images held by a registry repository, their layers streamed from it, or read
 * from `local` where it holds the same digests (an OCI layout written by the same build).
 */
export async function registryPlatformImages(
  client: RegistryClient,
  registry: string,
  repository: string,
  manifests: readonly { readonly platform: string; readonly digest: string }[],
  local?: LocalBlobs
): Promise<PlatformImage[]> {
  // One request per manifest, a few at a time: a 60-platform merge should not wait 60 round trips.
  return mapBounded(manifests, REGISTRY_CONCURRENCY, async ({ platform, digest }) => {
    const raw =
      (await local?.manifest(digest)) ??
      (await client.getManifest({ registry, repository, digest })).raw
    const parsed = JSON.parse(raw.toString('utf8')) as {
      layers?: { digest: string; size: number; mediaType: string }[]
    }
    return {
      platform,
      layers: parsed.layers ?? [],
      open: async (layer: string) => {
        const stream = await local?.open(layer)
        if (stream !== undefined) return stream
        if (local !== undefined)
          core.debug(`${layer}: not in the local layout, read from the registry`)
        return client.getBlob(repository, layer)
      }
    }
  })
}
