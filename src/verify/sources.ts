import type { RegistryClient } from '../registry/client.js'
import type { PlatformImage } from './image.js'

/** Platform images held by a registry repository, their layers streamed from it. */
export async function registryPlatformImages(
  client: RegistryClient,
  registry: string,
  repository: string,
  manifests: readonly { readonly platform: string; readonly digest: string }[]
): Promise<PlatformImage[]> {
  const images: PlatformImage[] = []
  for (const { platform, digest } of manifests) {
    const manifest = await client.getManifest({ registry, repository, digest })
    const parsed = JSON.parse(manifest.raw.toString('utf8')) as {
      layers?: { digest: string; size: number; mediaType: string }[]
    }
    images.push({
      platform,
      layers: parsed.layers ?? [],
      open: layer => client.getBlob(repository, layer)
    })
  }
  return images
}
