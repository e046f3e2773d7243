import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildxKeys, dockerMetadataKeys } from '../../src/docker-metadata.js'

const fixtures = path.join(import.meta.dirname, '..', '..', '__fixtures__', 'buildx')
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as Record<string, unknown>

const INDEX = 'application/vnd.oci.image.index.v1+json'
const DIGEST = `sha256:${'1'.repeat(64)}`

describe('dockerMetadataKeys', () => {
  it('describes what the tags point at, as buildx does, whichever engine built it', () => {
    const bytes = Buffer.from('{"schemaVersion":2}')
    expect(
      dockerMetadataKeys(
        { digest: DIGEST, mediaType: INDEX, bytes },
        ['r.io/a:1', 'r.io/a:latest'],
        {}
      )
    ).toEqual({
      'containerimage.digest': DIGEST,
      'containerimage.descriptor': { mediaType: INDEX, digest: DIGEST, size: bytes.length },
      'image.name': 'r.io/a:1,r.io/a:latest'
    })
  })

  it('counts the size in bytes of the served manifest, not characters', () => {
    const manifest = '{"annotations":{"t":"ü"}}'
    const keys = dockerMetadataKeys({ digest: DIGEST, mediaType: INDEX, bytes: manifest }, [], {})
    expect(keys['containerimage.descriptor']).toMatchObject({ size: Buffer.byteLength(manifest) })
    expect(keys).not.toHaveProperty('image.name')
  })

  it("carries buildx's build ref and per-platform provenance from a real metadata file", () => {
    const json = fixture('metadata-push-multi.json')
    const carried = buildxKeys(json)
    expect(Object.keys(carried).sort()).toEqual(
      Object.keys(json)
        .filter(key => key.startsWith('buildx.build.'))
        .sort()
    )
    expect(carried).toHaveProperty('buildx.build.provenance/linux/amd64')
    const keys = dockerMetadataKeys(
      { digest: DIGEST, mediaType: INDEX, bytes: Buffer.from('{}') },
      ['r.io/a:1'],
      carried
    )
    expect(keys['buildx.build.ref']).toBe(json['buildx.build.ref'])
    expect(keys['buildx.build.provenance/linux/amd64']).toEqual(
      json['buildx.build.provenance/linux/amd64']
    )
    // The digest is the one the action read back, the name the tags it moved.
    expect(keys['containerimage.digest']).toBe(DIGEST)
    expect(keys['image.name']).toBe('r.io/a:1')
  })

  it('keeps the config digest of a one-platform buildx image, and nothing else of its file', () => {
    const json = fixture('metadata-load.json')
    expect(Object.keys(buildxKeys(json)).sort()).toEqual([
      'buildx.build.provenance',
      'buildx.build.ref',
      'containerimage.config.digest'
    ])
  })

  it('says nothing it does not know: no image, no tags', () => {
    expect(dockerMetadataKeys(undefined, [], {})).toEqual({})
  })
})
