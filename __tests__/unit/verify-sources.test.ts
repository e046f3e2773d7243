import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { RegistryClient } from '../../src/registry/client.js'
import { localBlobs, registryPlatformImages } from '../../src/verify/sources.js'

const sha256 = (bytes: Buffer | string) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** An OCI layout's blob folder holding `blobs`, each under its own digest unless `as` says otherwise. */
function layout(blobs: readonly { bytes: Buffer; as?: string }[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sources-'))
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true })
  for (const { bytes, as } of blobs) {
    const digest = as ?? sha256(bytes)
    writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes)
  }
  return dir
}

async function text(stream: AsyncIterable<unknown> | undefined): Promise<string> {
  if (stream === undefined) throw new Error('no stream')
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const layer = Buffer.from('layer bytes of linux/arm64')
const otherLayer = Buffer.from('a layer only the registry holds')
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    layers: [
      {
        digest: sha256(layer),
        size: layer.length,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip'
      },
      {
        digest: sha256(otherLayer),
        size: otherLayer.length,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip'
      }
    ]
  })
)

/** A registry that serves the manifest and both layers, and records what it was asked for. */
function registry(): { client: RegistryClient; asked: string[] } {
  const asked: string[] = []
  const blobs = new Map([
    [sha256(layer), layer],
    [sha256(otherLayer), otherLayer]
  ])
  const client = {
    getManifest: (reference: { digest?: string }) => {
      asked.push(`manifest ${reference.digest}`)
      return Promise.resolve({ raw: manifest, digest: sha256(manifest), mediaType: 'x' })
    },
    getBlob: (_repository: string, digest: string) => {
      asked.push(`blob ${digest}`)
      return Promise.resolve(Readable.from([blobs.get(digest) ?? Buffer.alloc(0)]))
    }
  }
  return { client: client as unknown as RegistryClient, asked }
}

const entries = [{ platform: 'linux/arm64', digest: sha256(manifest) }]

async function onlyImage(...args: Parameters<typeof registryPlatformImages>) {
  const [image] = await registryPlatformImages(...args)
  if (image === undefined) throw new Error('no platform image')
  return image
}

describe('registryPlatformImages with a local layout', () => {
  it('reads the manifest and the layers the layout holds from disk, the rest from the registry', async () => {
    const { client, asked } = registry()
    const local = localBlobs(layout([{ bytes: manifest }, { bytes: layer }]))
    const image = await onlyImage(client, 'r', 'acme/app', entries, local)
    expect(image.layers.map(entry => entry.digest)).toEqual([sha256(layer), sha256(otherLayer)])
    expect(await text(await image.open(sha256(layer)))).toBe(layer.toString())
    expect(await text(await image.open(sha256(otherLayer)))).toBe(otherLayer.toString())
    expect(asked).toEqual([`blob ${sha256(otherLayer)}`])
  })

  it('asks the registry for a manifest the layout lacks', async () => {
    const { client, asked } = registry()
    const local = localBlobs(layout([{ bytes: layer }]))
    const image = await onlyImage(client, 'r', 'acme/app', entries, local)
    await text(await image.open(sha256(layer)))
    expect(asked).toEqual([`manifest ${sha256(manifest)}`])
  })

  it('without a layout, reads everything from the registry', async () => {
    const { client, asked } = registry()
    const image = await onlyImage(client, 'r', 'acme/app', entries)
    await text(await image.open(sha256(layer)))
    expect(asked).toEqual([`manifest ${sha256(manifest)}`, `blob ${sha256(layer)}`])
  })
})

describe('localBlobs', () => {
  it('refuses a manifest whose bytes are not the ones its name says', async () => {
    const named = sha256(manifest)
    const dir = layout([{ bytes: Buffer.from('{"layers":[]}'), as: named }])
    await expect(localBlobs(dir).manifest(named)).rejects.toThrow(
      `${path.join(dir, 'blobs', 'sha256', named.slice(7))} hashes to ${sha256('{"layers":[]}')}, not to the ${named} it is named`
    )
  })

  it('fails a layer stream at its end when its bytes are not the ones its name says', async () => {
    const named = sha256(layer)
    const local = localBlobs(layout([{ bytes: Buffer.from('tampered'), as: named }]))
    const stream = await local.open(named)
    await expect(text(stream)).rejects.toThrow(`hashes to ${sha256('tampered')}`)
  })

  it('says absent for what the layout does not hold', async () => {
    const local = localBlobs(layout([]))
    await expect(local.manifest(sha256('x'))).resolves.toBeUndefined()
    await expect(local.open(sha256('x'))).resolves.toBeUndefined()
  })
})
