/**
 * One layout from the layouts `buildah push IMAGE oci:DIR` writes per platform: the index
 * has the shape and order buildah gives a list's index, blobs move once, and what is joined
 * reads back as the layout the checks and the push use.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { digestOf } from '../../src/registry/digest.js'
import { indexOver, joinLayouts, readLayout } from '../../src/registry/layout.js'

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** A layout of one image as buildah writes it: index.json naming one manifest, no platform. */
function singleImage(
  root: string,
  name: string,
  config: Record<string, string>,
  layers: readonly string[]
): { dir: string; manifest: string } {
  const dir = path.join(root, name)
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true })
  const put = (bytes: Buffer): { digest: string; size: number } => {
    const digest = digestOf(bytes)
    writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), bytes)
    return { digest, size: bytes.length }
  }
  const configBlob = put(Buffer.from(JSON.stringify(config)))
  const layerBlobs = layers.map(text => put(Buffer.from(text)))
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
      layers: layerBlobs.map(blob => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        ...blob
      }))
    })
  )
  const manifestBlob = put(manifest)
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MANIFEST, ...manifestBlob }] })
  )
  return { dir, manifest: manifestBlob.digest }
}

describe('indexOver', () => {
  it('writes the bytes buildah writes for a list of the same images', () => {
    // The index `buildah manifest push --all LIST oci:DIR` wrote for four images (1.28.2).
    const buildah =
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' +
      '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:ae3cc8cbc3b1ff3da9cfa2f6e5bdcb3aba33489c253da606be824409eecfbe71","size":921,"platform":{"architecture":"amd64","os":"linux"}},' +
      '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:e55a9cda97a41fc39f16a15e0551627330804f386a2178306b2472475d5ed95f","size":921,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}'
    const ours = indexOver([
      {
        mediaType: MANIFEST,
        digest: 'sha256:ae3cc8cbc3b1ff3da9cfa2f6e5bdcb3aba33489c253da606be824409eecfbe71',
        size: 921,
        platform: { os: 'linux', architecture: 'amd64' }
      },
      {
        mediaType: MANIFEST,
        digest: 'sha256:e55a9cda97a41fc39f16a15e0551627330804f386a2178306b2472475d5ed95f',
        size: 921,
        platform: { variant: 'v8', os: 'linux', architecture: 'arm64' }
      }
    ])
    expect(ours.toString('utf8')).toBe(buildah)
  })
})

describe('joinLayouts', () => {
  it('joins one-image layouts in the order given, each entry with its platform', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'layout-join-'))
    const amd64 = singleImage(root, 'amd64', { architecture: 'amd64', os: 'linux' }, ['a', 'same'])
    const arm64 = singleImage(
      root,
      'arm64',
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      ['b', 'same', 'b']
    )
    const armv7 = singleImage(root, 'armv7', { architecture: 'arm', os: 'linux' }, ['c'])
    const joined = path.join(root, 'joined')
    const digest = await joinLayouts(
      [
        { dir: arm64.dir, platform: { os: 'linux', architecture: 'arm64' } },
        { dir: amd64.dir, platform: { os: 'linux', architecture: 'amd64' } },
        { dir: armv7.dir, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }
      ],
      joined
    )
    const image = await readLayout(joined)
    expect(image.digest).toBe(digest)
    expect(digestOf(image.bytes)).toBe(digest)
    // The variant the config names when none is given; the one given otherwise.
    expect(image.manifests.map(manifest => manifest.platform)).toEqual([
      'linux/arm64',
      'linux/amd64',
      'linux/arm/v7'
    ])
    expect(image.manifests.map(manifest => manifest.digest)).toEqual([
      arm64.manifest,
      amd64.manifest,
      armv7.manifest
    ])
    const index = JSON.parse(image.bytes.toString('utf8')) as {
      manifests: { platform: Record<string, string> }[]
    }
    expect(index.manifests[0]?.platform).toEqual({
      architecture: 'arm64',
      os: 'linux',
      variant: 'v8'
    })
    // 3 manifests, 3 configs, 4 distinct layers ('same' once), and the index.
    expect(readdirSync(path.join(joined, 'blobs', 'sha256'))).toHaveLength(11)
    expect(JSON.parse(readFileSync(path.join(joined, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0'
    })
  })

  it('refuses a part that holds an index rather than one image', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'layout-join-'))
    const part = singleImage(root, 'one', { architecture: 'amd64', os: 'linux' }, ['a'])
    writeFileSync(
      path.join(part.dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: 'application/vnd.oci.image.index.v1+json', digest: part.manifest, size: 1 }
        ]
      })
    )
    await expect(
      joinLayouts(
        [{ dir: part.dir, platform: { os: 'linux', architecture: 'amd64' } }],
        path.join(root, 'joined')
      )
    ).rejects.toThrow(/should name exactly one image manifest/)
  })
})
