import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { digestsFromOciLayout, parseMetadataFile } from '../../src/engines/buildx-metadata.js'

const fixtures = path.join(import.meta.dirname, '..', '..', '__fixtures__', 'buildx')

function json(...parts: string[]): unknown {
  return JSON.parse(readFileSync(path.join(fixtures, ...parts), 'utf8')) as unknown
}

function field(object: unknown, ...keys: string[]): unknown {
  let value = object
  for (const key of keys) value = (value as Record<string, unknown>)[key]
  return value
}

/** Blob reader over a fixture layout, as the engine reads one from disk. */
function blobs(layout: string): (digest: string) => unknown {
  return digest => {
    const file = path.join(fixtures, layout, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined
  }
}

describe('parseMetadataFile', () => {
  it('reads a many-platform push: index digest, both tags, provenance per platform', () => {
    const raw = json('metadata-push-multi.json')
    expect(parseMetadataFile(raw)).toEqual({
      digest: field(raw, 'containerimage.digest'),
      mediaType: 'application/vnd.oci.image.index.v1+json',
      imageNames: ['ghcr.io/acme/app:1.4.2', 'ghcr.io/acme/app:latest'],
      buildRef: 'multiarch-3f9a1c2e/multiarch-3f9a1c2e0/ktb7n2q5xw1o9c8yv3m4r6p0s',
      provenance: true,
      provenancePlatforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
    })
  })

  it('reads a single-platform push without attestations: a manifest and its config', () => {
    const raw = json('metadata-push-single.json')
    expect(parseMetadataFile(raw)).toEqual({
      digest: field(raw, 'containerimage.digest'),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      imageNames: ['docker.io/acme/app:1.4.2'],
      buildRef: 'multiarch-0b7d44a1/multiarch-0b7d44a10/p8w3zq0c1m5n7r2t9y4u6v1xa',
      configDigest: field(raw, 'containerimage.config.digest'),
      provenance: false,
      provenancePlatforms: []
    })
  })

  it('reads a single-platform push with attestations: an index, one provenance key', () => {
    const raw = json('metadata-push-single-attestations.json')
    const metadata = parseMetadataFile(raw)
    expect(metadata).toMatchObject({
      digest: field(raw, 'containerimage.digest'),
      mediaType: 'application/vnd.oci.image.index.v1+json',
      imageNames: ['127.0.0.1:5000/lab/busybox:s390x'],
      configDigest: field(raw, 'containerimage.config.digest'),
      provenance: true,
      provenancePlatforms: []
    })
    expect(metadata.warning).toBeUndefined()
  })

  it('reads a --load build: the exported manifest digest, no warning', () => {
    const raw = json('metadata-load.json')
    expect(parseMetadataFile(raw)).toMatchObject({
      digest: field(raw, 'containerimage.digest'),
      imageNames: ['docker.io/library/app:ci'],
      provenance: true
    })
    expect(parseMetadataFile(raw).warning).toBeUndefined()
  })

  it.each([['metadata-local.json'], ['metadata-cache-only.json']])(
    'warns when %s names no image digest',
    file => {
      const metadata = parseMetadataFile(json(file))
      expect(metadata.digest).toBeUndefined()
      expect(metadata.imageNames).toEqual([])
      expect(metadata.buildRef).toMatch(/^multiarch-\w+\/multiarch-\w+0\/\w+$/)
      expect(metadata.warning).toMatch(/no image digest.*`digest` stays empty/)
    }
  )

  it('falls back to the descriptor digest', () => {
    const digest = `sha256:${'ab'.repeat(32)}`
    expect(
      parseMetadataFile({
        'containerimage.descriptor': {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          digest
        }
      }).digest
    ).toBe(digest)
  })

  it.each([
    [[], /does not hold a JSON object/],
    [null, /does not hold a JSON object/],
    [{ 'containerimage.digest': 'sha256:xyz' }, /`sha256:xyz` as `containerimage.digest`/],
    [{ 'containerimage.config.digest': 'md5:00' }, /`containerimage.config.digest`/]
  ])('refuses %j', (raw, message) => {
    expect(() => parseMetadataFile(raw)).toThrow(message)
  })
})

describe('digestsFromOciLayout', () => {
  it('maps each platform of a layout index to its manifest, attestations apart', () => {
    const index = json('oci-layout-multi', 'index.json')
    const top = field(index, 'manifests', '0', 'digest') as string
    const image = digestsFromOciLayout(index, blobs('oci-layout-multi'))
    const nested = blobs('oci-layout-multi')(top) as {
      manifests: { digest: string; annotations?: Record<string, string> }[]
    }
    const [amd64, arm64, armv7, ...attestations] = nested.manifests
    expect(image.digest).toBe(top)
    expect(image.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(image.digests).toEqual({
      'linux/amd64': amd64?.digest,
      'linux/arm64': arm64?.digest,
      'linux/arm/v7': armv7?.digest
    })
    expect(image.attestations).toEqual([
      { digest: attestations[0]?.digest, subject: amd64?.digest, platform: 'linux/amd64' },
      { digest: attestations[1]?.digest, subject: arm64?.digest, platform: 'linux/arm64' },
      { digest: attestations[2]?.digest, subject: armv7?.digest, platform: 'linux/arm/v7' }
    ])
    expect(Object.values(image.digests)).not.toContain(attestations[0]?.digest)
  })

  it('reads the platform of a lone manifest from its image config', () => {
    const index = json('oci-layout-single', 'index.json')
    const top = field(index, 'manifests', '0', 'digest') as string
    expect(digestsFromOciLayout(index, blobs('oci-layout-single'))).toEqual({
      digest: top,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digests: { 'linux/s390x': top },
      attestations: []
    })
  })

  it('names a blob the layout lacks', () => {
    const index = json('oci-layout-multi', 'index.json')
    expect(() => digestsFromOciLayout(index, () => undefined)).toThrow(
      /the OCI layout has no blob sha256:[a-f0-9]{64}/
    )
  })

  it.each([
    [{ schemaVersion: 2 }, /index.json has no `manifests` list/],
    [{ manifests: [] }, /lists no image/],
    [{ manifests: [{ mediaType: 'x' }] }, /manifests\[0\] is not a descriptor with a digest/]
  ])('refuses %j', (index, message) => {
    expect(() => digestsFromOciLayout(index, () => undefined)).toThrow(message)
  })
})
