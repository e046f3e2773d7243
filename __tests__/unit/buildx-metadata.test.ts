import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseMetadataFile } from '../../src/engines/buildx/metadata.js'
import { parsePlatforms } from '../../src/platform.js'
import { openResult } from '../../src/publish/result-image.js'
import { RegistryPool } from '../../src/registry/pool.js'

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
      buildRef: 'multiarch-3f9a1c2e/multiarch-3f9a1c2e0/ktb7n2q5xw1o9c8yv3m4r6p0s'
    })
  })

  it('reads what buildx 0.10.5 writes for a push by digest: the index, and the bare repository', () => {
    const raw = json('metadata-push-by-digest-0.10.5.json')
    expect(parseMetadataFile(raw)).toEqual({
      digest: field(raw, 'containerimage.digest'),
      mediaType: 'application/vnd.oci.image.index.v1+json',
      imageNames: ['127.0.0.1:5000/smoke/app']
    })
  })

  it('reads a single-platform push without attestations: a manifest and its config', () => {
    const raw = json('metadata-push-single.json')
    expect(parseMetadataFile(raw)).toEqual({
      digest: field(raw, 'containerimage.digest'),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      imageNames: ['docker.io/acme/app:1.4.2'],
      buildRef: 'multiarch-0b7d44a1/multiarch-0b7d44a10/p8w3zq0c1m5n7r2t9y4u6v1xa',
      configDigest: field(raw, 'containerimage.config.digest')
    })
  })

  it('reads a single-platform push with attestations: an index, one provenance key', () => {
    const raw = json('metadata-push-single-attestations.json')
    const metadata = parseMetadataFile(raw)
    expect(metadata).toMatchObject({
      digest: field(raw, 'containerimage.digest'),
      mediaType: 'application/vnd.oci.image.index.v1+json',
      imageNames: ['127.0.0.1:5000/lab/busybox:s390x'],
      configDigest: field(raw, 'containerimage.config.digest')
    })
  })

  it('reads a --load build: the exported manifest digest', () => {
    const raw = json('metadata-load.json')
    expect(parseMetadataFile(raw)).toMatchObject({
      digest: field(raw, 'containerimage.digest'),
      imageNames: ['docker.io/library/app:ci']
    })
  })

  it.each([['metadata-local.json'], ['metadata-cache-only.json']])(
    'reads no image digest from %s',
    file => {
      const metadata = parseMetadataFile(json(file))
      expect(metadata.digest).toBeUndefined()
      expect(metadata.imageNames).toEqual([])
      expect(metadata.buildRef).toMatch(/^multiarch-\w+\/multiarch-\w+0\/\w+$/)
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

describe('openResult on an OCI layout as buildx writes it', () => {
  const pool = new RegistryPool(() => Promise.resolve(undefined))
  const layout = (name: string) => ({
    kind: 'layout' as const,
    dir: path.join(fixtures, name),
    temporary: false
  })

  it('maps each platform of the index to its manifest, attestations apart', async () => {
    const index = json('oci-layout-multi', 'index.json')
    const top = field(index, 'manifests', '0', 'digest') as string
    const image = await openResult(
      layout('oci-layout-multi'),
      parsePlatforms(['linux/amd64', 'linux/arm64', 'linux/arm/v7']),
      pool
    )
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
    expect(image.attestations).toEqual({
      'linux/amd64': [attestations[0]?.digest],
      'linux/arm64': [attestations[1]?.digest],
      'linux/arm/v7': [attestations[2]?.digest]
    })
    // The architecture check sees the three images, never the attestations.
    expect(image.platforms.map(entry => entry.platform)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7'
    ])
  })

  it('gives a lone manifest the one planned platform', async () => {
    const index = json('oci-layout-single', 'index.json')
    const top = field(index, 'manifests', '0', 'digest') as string
    const image = await openResult(layout('oci-layout-single'), parsePlatforms(['s390x']), pool)
    expect(image.digest).toBe(top)
    expect(image.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(image.digests).toEqual({ 'linux/s390x': top })
    expect(image.attestations).toEqual({})
  })

  it('refuses an image it cannot read, saying why', async () => {
    await expect(
      openResult({ kind: 'unavailable', reason: 'it was loaded into docker' }, [], pool)
    ).rejects.toThrow('the built image cannot be read: it was loaded into docker')
  })
})
