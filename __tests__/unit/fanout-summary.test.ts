/** The fan-out's pieces that hold no process: leg records and the merge's summary. */
import { createHash } from 'node:crypto'
import { type Tokens, marked } from 'marked'
import { describe, expect, it } from 'vitest'
import {
  LEG_RECORD_TYPE,
  type LegRecord,
  legRecordManifest,
  legRecordTag,
  parseLegRecord,
  runnerName
} from '../../src/leg-record.js'
import { mergeSummary } from '../../src/modes/merge/run.js'
import { parsePlatforms } from '../../src/platform.js'
import { parseReference } from '../../src/reference.js'
import type { PushedImage } from '../../src/registry/readback.js'
import { renderBuildSummary } from '../../src/summary.js'

const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`

const record = (platform: string, fields: Partial<LegRecord> = {}): LegRecord => ({
  platform,
  digest: digest(`leg ${platform}`),
  emulated: false,
  probed: false,
  runner: 'GitHub Actions 12 (X64)',
  engine: 'buildah 1.28.2',
  buildSeconds: 61.2,
  archCheck: 'passed',
  layers: 4,
  bytes: 12_000_000,
  ...fields
})

describe('leg records', () => {
  it('are filed under a tag made of the digest, so a digest alone finds them', () => {
    expect(legRecordTag(`sha256:${'ab'.repeat(32)}`)).toBe(`sha256-${'ab'.repeat(32)}.leg`)
  })

  it('name the runner as the leg saw it', () => {
    expect(runnerName({ RUNNER_NAME: 'GitHub Actions 12', RUNNER_ARCH: 'ARM64' })).toBe(
      'GitHub Actions 12 (ARM64)'
    )
    expect(runnerName({ RUNNER_NAME: 'z15-runner' })).toBe('z15-runner')
    expect(runnerName({})).toBeUndefined()
  })

  it('are an OCI artifact: the record as its one layer, the image as its subject', () => {
    const leg = record('linux/s390x')
    const subject = {
      digest: leg.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      raw: Buffer.from('{"x":1}')
    }
    const { manifest, blobs } = legRecordManifest(leg, subject)
    const parsed = JSON.parse(manifest.toString('utf8')) as {
      artifactType: string
      layers: { mediaType: string; digest: string }[]
      subject: { digest: string; size: number }
    }
    expect(parsed.artifactType).toBe(LEG_RECORD_TYPE)
    expect(parsed.subject).toMatchObject({ digest: leg.digest, size: 7 })
    const layer = blobs.find(blob => blob.digest === parsed.layers[0]?.digest)
    expect(JSON.parse(layer?.bytes.toString('utf8') ?? '{}')).toEqual(leg)
  })

  it('are taken only for the very image and platform they describe', () => {
    const leg = record('linux/arm/v7', { emulated: true, probed: true })
    expect(parseLegRecord(leg, leg.digest, 'linux/arm/v7')).toEqual(leg)
    expect(parseLegRecord(leg, digest('other'), 'linux/arm/v7')).toBeUndefined()
    expect(parseLegRecord(leg, leg.digest, 'linux/arm64')).toBeUndefined()
    expect(parseLegRecord({ ...leg, emulated: 'yes' }, leg.digest, 'linux/arm/v7')).toBeUndefined()
    expect(parseLegRecord(null, leg.digest, 'linux/arm/v7')).toBeUndefined()
  })
})

function table(markdown: string): Tokens.Table {
  const found = marked.lexer(markdown).find(token => token.type === 'table')
  if (found === undefined) throw new Error('no table')
  return found as Tokens.Table
}

describe('mergeSummary', () => {
  const platforms = parsePlatforms(['amd64', 'arm/v7', 's390x'])
  const image: PushedImage = {
    digest: digest('index'),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifest: '{}',
    digests: {
      'linux/amd64': digest('amd64'),
      'linux/arm/v7': digest('arm'),
      'linux/s390x': digest('s390x')
    },
    attestations: {},
    images: []
  }
  const records = new Map<string, LegRecord | undefined>([
    ['linux/amd64', record('linux/amd64')],
    [
      'linux/arm/v7',
      record('linux/arm/v7', {
        emulated: true,
        probed: true,
        runner: 'GitHub Actions 13 (ARM64)',
        buildSeconds: 340.5
      })
    ],
    ['linux/s390x', undefined]
  ])

  it('shows how and where each leg built, from its record, and says where a record is missing', () => {
    const summary = mergeSummary(
      { platforms, tags: [parseReference('ghcr.io/acme/app:1')] },
      image,
      [],
      records
    )
    const rendered = renderBuildSummary(summary)
    const rows = table(rendered).rows.map(cells => cells.map(cell => cell.text))
    expect(rows.map(cells => cells[1])).toEqual([
      'native<br><sub>GitHub Actions 12 (X64)</sub>',
      'emulated&nbsp;(QEMU)<br><sub>GitHub Actions 13 (ARM64) · probed</sub>',
      'unknown<br><sub>no leg record</sub>'
    ])
    expect(rows.map(cells => cells[7])).toEqual(['61.2&nbsp;s', '340.5&nbsp;s', '—'])
    expect(rendered).toContain('3 legs; 2 left a record of how they were built')
    expect(summary.title).toBe('ghcr.io/acme/app (merged)')
  })

  it("prefers the merge's own architecture check to the leg's", () => {
    const summary = mergeSummary(
      { platforms: platforms.slice(0, 1), tags: [parseReference('ghcr.io/acme/app:1')] },
      image,
      [
        {
          platform: 'linux/amd64',
          layers: 5,
          bytes: 99,
          scanned: 5,
          elfFiles: 3,
          mismatches: [{ path: 'bin/x', found: 'linux/arm64', expected: 'linux/amd64' }],
          allowed: [],
          status: 'warned'
        }
      ],
      records
    )
    expect(summary.rows[0]).toMatchObject({
      layers: 5,
      bytes: 99,
      archCheck: { status: 'warned', detail: 'bin/x is linux/arm64' }
    })
  })
})
