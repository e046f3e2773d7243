import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { elfHeader } from '../../__fixtures__/layers/elf-headers.js'
import { archive, entry } from '../../__fixtures__/layers/tar-builder.js'
import { LayerScans, type PlatformImage, verifyPlatforms } from '../../src/verify/image.js'

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'

function layerOf(architecture: string): Buffer {
  return gzipSync(
    archive([
      entry({
        path: './bin/app',
        content: Buffer.concat([elfHeader(architecture), Buffer.alloc(500)])
      })
    ])
  )
}

/** One platform's image over in-memory layers, counting how often each layer is opened. */
function imageOf(
  platform: string,
  layers: Record<string, Buffer>,
  opened: Map<string, number>
): PlatformImage {
  return {
    platform,
    layers: Object.entries(layers).map(([digest, bytes]) => ({
      digest,
      size: bytes.length,
      mediaType: GZIP
    })),
    open: digest => {
      opened.set(digest, (opened.get(digest) ?? 0) + 1)
      return Promise.resolve(Readable.from([layers[digest] as Buffer]))
    }
  }
}

describe('LayerScans', () => {
  it('lets the check take up scans started as each platform was written', async () => {
    const opened = new Map<string, number>()
    const arm64 = { 'sha256:a1': layerOf('arm64'), 'sha256:a2': layerOf('arm64') }
    const s390x = { 'sha256:s1': layerOf('s390x') }
    const scans = new LayerScans([])
    const early = scans.start(imageOf('linux/arm64', arm64, opened))
    expect(early.scanned).toBe(2)
    await Promise.all(early.layerScans)

    const results = await verifyPlatforms(
      [imageOf('linux/arm64', arm64, opened), imageOf('linux/s390x', s390x, opened)],
      'error',
      [],
      [],
      false,
      scans
    )
    // Every layer read once, whoever started it; each platform counts the layers read for it.
    expect(Object.fromEntries(opened)).toEqual({ 'sha256:a1': 1, 'sha256:a2': 1, 'sha256:s1': 1 })
    expect(
      results.map(({ platform, scanned, elfFiles, status }) => [
        platform,
        scanned,
        elfFiles,
        status
      ])
    ).toEqual([
      ['linux/arm64', 2, 2, 'passed'],
      ['linux/s390x', 1, 1, 'passed']
    ])
  })

  it('judges a scan started early like one started by the check', async () => {
    const opened = new Map<string, number>()
    const wrong = { 'sha256:w1': layerOf('amd64') }
    const scans = new LayerScans([])
    await Promise.all(scans.start(imageOf('linux/arm64', wrong, opened)).layerScans)
    const results: Awaited<ReturnType<typeof verifyPlatforms>> = []
    await expect(
      verifyPlatforms([imageOf('linux/arm64', wrong, opened)], 'error', [], results, false, scans)
    ).rejects.toThrow(/architecture check failed: .*bin\/app.*linux\/amd64/)
    expect(results[0]?.status).toBe('failed')
    expect(opened.get('sha256:w1')).toBe(1)
  })

  it('reads a layer shared by two platforms of one architecture once, counted for the first', async () => {
    const opened = new Map<string, number>()
    const shared = { 'sha256:t1': layerOf('arm') }
    const scans = new LayerScans([])
    expect(scans.start(imageOf('linux/arm/v7', shared, opened)).scanned).toBe(1)
    const second = scans.start(imageOf('linux/arm/v6', shared, opened))
    expect(second.scanned).toBe(0)
    await Promise.all(second.layerScans)
    expect(opened.get('sha256:t1')).toBe(1)
  })

  it('passes a read failure on to the check, not to the one who started the scan', async () => {
    const scans = new LayerScans([])
    const broken: PlatformImage = {
      platform: 'linux/arm64',
      layers: [{ digest: 'sha256:b1', size: 10, mediaType: GZIP }],
      open: () => Promise.reject(new Error('layer file is gone'))
    }
    const early = scans.start(broken)
    await expect(Promise.allSettled(early.layerScans)).resolves.toHaveLength(1)
    await expect(verifyPlatforms([broken], 'error', [], [], false, scans)).rejects.toThrow(
      'layer file is gone'
    )
  })
})
