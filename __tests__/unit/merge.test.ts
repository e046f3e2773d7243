import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseAnnotationLine } from '../../src/annotations.js'
import {
  type Descriptor,
  assembleIndex,
  missingManifestAnnotations,
  splitIndex
} from '../../src/modes/merge/assemble.js'
import { mergeSources } from '../../src/modes/merge/merge.js'
import { legTag } from '../../src/plan.js'
import { parsePlatform, parsePlatforms } from '../../src/platform.js'
import { parseReference } from '../../src/reference.js'

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`

function image(architecture: string, variant?: string, seed = architecture): Descriptor {
  return {
    mediaType: OCI_MANIFEST,
    digest: digest(seed),
    size: 500,
    platform: { os: 'linux', architecture, ...(variant === undefined ? {} : { variant }) }
  }
}

function attestation(subject: Descriptor): Descriptor {
  return {
    mediaType: OCI_MANIFEST,
    digest: digest(`att-${subject.digest}`),
    size: 300,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': subject.digest
    }
  }
}

const amd64 = image('amd64')
const arm64 = image('arm64', 'v8')
const s390x = image('s390x')

describe('assembleIndex', () => {
  it('orders platforms as the input does, keeps attestations next to their image', () => {
    const legs = [
      splitIndex('leg-arm64', [arm64, attestation(arm64)]),
      splitIndex('leg-amd64', [amd64, attestation(amd64)])
    ]
    const { index, entries } = assembleIndex(['linux/amd64', 'linux/arm64'], legs)
    expect(entries.map(entry => entry.digest)).toEqual([
      amd64.digest,
      attestation(amd64).digest,
      arm64.digest,
      attestation(arm64).digest
    ])
    const parsed = JSON.parse(index.toString()) as { mediaType: string; schemaVersion: number }
    expect(parsed).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json'
    })
  })

  it('gives the same bytes whatever order the legs arrive in', () => {
    const a = assembleIndex(
      ['linux/amd64', 'linux/arm64'],
      [splitIndex('1', [amd64]), splitIndex('2', [arm64])]
    )
    const b = assembleIndex(
      ['linux/amd64', 'linux/arm64'],
      [splitIndex('2', [arm64]), splitIndex('1', [amd64])]
    )
    expect(a.index.equals(b.index)).toBe(true)
  })

  it.each([
    [['linux/amd64', 'linux/arm64', 'linux/s390x'], [[amd64], [arm64]], /missing: linux\/s390x/],
    [['linux/amd64'], [[amd64], [arm64]], /not in `platforms`: linux\/arm64/],
    [
      ['linux/amd64'],
      [[amd64], [image('amd64', undefined, 'other build')]],
      /linux\/amd64 comes from leg0 and leg1/
    ]
  ])('refuses %j from %#', (expected, legs, message) => {
    expect(() =>
      assembleIndex(
        expected,
        legs.map((images, position) => splitIndex(`leg${position}`, images))
      )
    ).toThrow(message)
  })

  it('takes the same image twice as one', () => {
    const { entries } = assembleIndex(
      ['linux/s390x'],
      [splitIndex('a', [s390x]), splitIndex('b', [s390x])]
    )
    expect(entries).toHaveLength(1)
  })

  it('merges 300 platforms: no leg cap', () => {
    const many = Array.from({ length: 300 }, (_, position) => image(`synthetic${position}`))
    const { entries } = assembleIndex(
      many.map(entry => `linux/${entry.platform?.architecture ?? ''}`),
      many.map((entry, position) => splitIndex(`leg${position}`, [entry]))
    )
    expect(entries).toHaveLength(300)
  })
})

describe('leg tags', () => {
  const tag = parseReference('127.0.0.1:5000/team/app:1.2')
  it('names the platform after the tag', () => {
    expect(legTag(tag, parsePlatform('arm/v7'))).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'team/app',
      tag: '1.2-linux-arm-v7'
    })
  })

  it('refuses a per-platform tag past 128 characters', () => {
    expect(() => legTag({ ...tag, tag: 'x'.repeat(120) }, parsePlatform('arm/v7'))).toThrow(
      /longer than 128/
    )
  })

  it('derives sources from the first tag unless given', () => {
    const platforms = parsePlatforms(['amd64', 'arm64'])
    expect(mergeSources([], [tag], platforms).map(source => source.tag)).toEqual([
      '1.2-linux-amd64',
      '1.2-linux-arm64'
    ])
    const given = [parseReference(`r.io/a@${digest('x')}`)]
    expect(mergeSources(given, [tag], platforms)).toEqual(given)
  })
})

describe('assembleIndex with annotations', () => {
  const annotations = [
    ...parseAnnotationLine('index:org.opencontainers.image.version=1.0'),
    ...parseAnnotationLine('manifest,index:org.opencontainers.image.title=app'),
    ...parseAnnotationLine('manifest-descriptor:com.example.all=yes'),
    ...parseAnnotationLine('manifest-descriptor[linux/arm64]:com.example.arm=yes')
  ]

  it('puts the index level on the index and the descriptor level on each platform entry', () => {
    const { index } = assembleIndex(
      ['linux/amd64', 'linux/arm64'],
      [splitIndex('leg-amd64', [amd64, attestation(amd64)]), splitIndex('leg-arm64', [arm64])],
      annotations
    )
    const parsed = JSON.parse(index.toString()) as {
      annotations: Record<string, string>
      manifests: { digest: string; annotations?: Record<string, string> }[]
    }
    expect(parsed.annotations).toEqual({
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.version': '1.0'
    })
    expect(parsed.manifests.map(entry => entry.annotations)).toEqual([
      { 'com.example.all': 'yes' },
      // The attestation keeps its own and gets none: it is not a platform's image.
      attestation(amd64).annotations,
      { 'com.example.all': 'yes', 'com.example.arm': 'yes' }
    ])
  })

  it('gives the same bytes for the same annotations in another order', () => {
    const legs = [splitIndex('a', [amd64]), splitIndex('b', [arm64])]
    const one = assembleIndex(['linux/amd64', 'linux/arm64'], legs, annotations)
    const other = assembleIndex(['linux/amd64', 'linux/arm64'], legs, [...annotations].reverse())
    expect(other.index.equals(one.index)).toBe(true)
  })

  it('writes no annotations field when there are none', () => {
    const { index } = assembleIndex(['linux/amd64'], [splitIndex('a', [amd64])], [])
    expect(JSON.parse(index.toString())).not.toHaveProperty('annotations')
  })
})

describe('missingManifestAnnotations', () => {
  const wanted = [
    ...parseAnnotationLine('org.opencontainers.image.title=app'),
    ...parseAnnotationLine('manifest[linux/arm64]:com.example.arm=yes'),
    ...parseAnnotationLine('index:ignored=here')
  ]
  it.each<[string, { platform: string; annotations: Record<string, string> }[], string[]]>([
    [
      'every leg carries them',
      [
        { platform: 'linux/amd64', annotations: { 'org.opencontainers.image.title': 'app' } },
        {
          platform: 'linux/arm64',
          annotations: { 'org.opencontainers.image.title': 'app', 'com.example.arm': 'yes' }
        }
      ],
      []
    ],
    [
      'one lacks one, another holds another value',
      [
        { platform: 'linux/amd64', annotations: { 'org.opencontainers.image.title': 'other' } },
        { platform: 'linux/arm64', annotations: { 'org.opencontainers.image.title': 'app' } }
      ],
      [
        'linux/amd64: org.opencontainers.image.title is "other"',
        'linux/arm64: com.example.arm missing'
      ]
    ]
  ])('%s', (_name, manifests, expected) => {
    expect(missingManifestAnnotations(manifests, wanted)).toEqual(expected)
  })
})
