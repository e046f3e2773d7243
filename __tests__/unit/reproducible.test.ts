import { describe, expect, it } from 'vitest'
import {
  rewriteTimestampProblem,
  timedProvenance,
  withRewriteTimestamp
} from '../../src/engines/buildx/reproducible.js'
import { parseAnnotationLine } from '../../src/annotations.js'
import { annotatedIndex } from '../../src/registry/layout.js'

describe('rewriteTimestampProblem', () => {
  it.each([
    ['0.28.0', ['0.24.0'], undefined],
    ['0.13.0', ['0.13.0'], undefined],
    ['0.17.1', [], undefined],
    ['0.17.1', ['0.13.0-rc1'], undefined],
    [
      '0.12.1',
      ['0.24.0'],
      "buildx 0.12.1 cannot pass the image exporter's rewrite-timestamp option (buildx 0.13.0 and later can)"
    ],
    [
      '0.17.1',
      ['0.16.0', '0.12.5'],
      'the builder runs BuildKit 0.12.5, which has no rewrite-timestamp (BuildKit 0.13.0 and later have it)'
    ],
    [
      '0.11.2+azure-1',
      ['0.11.6'],
      "buildx 0.11.2+azure-1 cannot pass the image exporter's rewrite-timestamp option (buildx 0.13.0 and later can)"
    ]
  ])('buildx %s, BuildKit %j', (buildx, buildkit, expected) => {
    expect(rewriteTimestampProblem(buildx, buildkit)).toBe(expected)
  })
})

describe('withRewriteTimestamp', () => {
  it.each([
    ['type=oci,dest=out.tar', 'type=oci,dest=out.tar,rewrite-timestamp=true'],
    ['type=docker,dest=i.tar', 'type=docker,dest=i.tar,rewrite-timestamp=true'],
    ['type=image,name=r.io/a', 'type=image,name=r.io/a,rewrite-timestamp=true'],
    ['type=local,dest=files', 'type=local,dest=files'],
    ['type=tar,dest=f.tar', 'type=tar,dest=f.tar'],
    ['out-dir', 'out-dir'],
    ['type=oci,dest=o,rewrite-timestamp=false', 'type=oci,dest=o,rewrite-timestamp=false']
  ])('%s', (output, expected) => {
    expect(withRewriteTimestamp(output)).toBe(expected)
  })
})

describe('timedProvenance', () => {
  it.each([
    ['', {}, true],
    ['', { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' }, false],
    ['false', {}, false],
    ['mode=max', {}, true],
    ['true', { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' }, true],
    ['mode=min,disabled=true', {}, false]
  ])('provenance %j, environment %j', (provenance, env, expected) => {
    expect(timedProvenance(provenance, env)).toBe(expected)
  })
})

describe('annotatedIndex (the index the action writes into an exported layout)', () => {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${'a'.repeat(64)}`,
          size: 920,
          platform: { architecture: 'amd64', os: 'linux' }
        },
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${'b'.repeat(64)}`,
          size: 920,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }
        }
      ]
    })
  )

  it('is undefined (the bytes stay) when only manifest-level annotations are given', () => {
    expect(annotatedIndex(index, parseAnnotationLine('a=1'))).toBeUndefined()
  })

  it('adds the index level and each platform entry its own, keys sorted, the same bytes every time', () => {
    const annotations = [
      ...parseAnnotationLine('index:z=last'),
      ...parseAnnotationLine('index:a=first'),
      ...parseAnnotationLine('manifest-descriptor[arm64]:leg=arm'),
      ...parseAnnotationLine('manifest:not=here')
    ]
    const written = annotatedIndex(index, annotations)
    const parsed = JSON.parse(written?.toString() ?? '{}') as {
      annotations: Record<string, string>
      manifests: { annotations?: Record<string, string> }[]
    }
    expect(Object.entries(parsed.annotations)).toEqual([
      ['a', 'first'],
      ['z', 'last']
    ])
    expect(parsed.manifests.map(entry => entry.annotations)).toEqual([undefined, { leg: 'arm' }])
    expect(annotatedIndex(index, annotations)?.equals(written ?? Buffer.alloc(0))).toBe(true)
  })
})
