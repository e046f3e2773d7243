import { REGISTRY_CONCURRENCY, mapBounded } from '../bounded.js'
import type { RegistryClient } from '../registry/client.js'
import type { PlatformImage } from './image.js'

/** Platform images held by a registry repository, their layers streamed from it. */
export async function registryPlatformImages(
  client: RegistryClient,
  registry: string,
  repository: string,
  manifests: readonly { readonly platform: string; readonly digest: string }[]
): Promise<PlatformImage[]> {
  // One request per manifest, a few at a time: a 60-platform merge should not wait 60 round trips.
  return mapBounded(manifests, REGISTRY_CONCURRENCY, async ({ platform, digest }) => {
    const manifest = await client.getManifest({ registry, repository, digest })
    const parsed = JSON.parse(manifest.raw.toString('utf8')) as {
      layers?: { digest: string; size: number; mediaType: string }[]
    }
    return {
      platform,
      layers: parsed.layers ?? [],
      open: (layer: string) => client.getBlob(repository, layer)
    }
  })
}
