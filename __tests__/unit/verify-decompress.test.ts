import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { elfHeader } from '../../__fixtures__/layers/elf-headers.js'
import {
  archive,
  chunked,
  entry,
  largeFileArchive,
  rechunked
} from '../../__fixtures__/layers/tar-builder.js'
import {
  zstdRawFrame,
  zstdRleFrame,
  zstdSkippableFrame
} from '../../__fixtures__/layers/zstd-frames.js'
import {
  decompressLayer,
  detectCompression,
  LayerDecodeError,
  mediaTypeCompression,
  ZstdDecompress,
  zstdWindowSize
} from '../../src/verify/decompress.js'
import { readTar } from '../../src/verify/tar.js'

const ZSTD_FIXTURE = readFileSync(
  path.join(import.meta.dirname, '..', '..', '__fixtures__', 'layers', 'amd64-elf-gnu.tar.zst')
)
const LONG_README =
  'usr/share/doc/a-package-with-a-rather-long-name/examples/nested/deeper/and-deeper-still/so-that-the-path-needs-an-extension/README.txt'
const ELF = elfHeader('amd64')
const TAR = archive([
  entry({ path: 'etc/motd', content: 'hello\n' }),
  entry({ path: 'usr/bin/x', content: 'x' })
])

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function pathsOf(stream: Readable): Promise<string[]> {
  const paths: string[] = []
  for await (const item of readTar(stream)) paths.push(item.path)
  return paths
}

async function* failingAfter(data: Buffer): AsyncGenerator<Buffer> {
  await Promise.resolve()
  yield data.subarray(0, 20)
  throw new Error('connection reset by registry')
}

describe('detectCompression', () => {
  it.each([
    ['gzip', [0x1f, 0x8b, 0x08, 0x00], 'gzip'],
    ['gzip, only its magic', [0x1f, 0x8b], 'gzip'],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0x00], 'zstd'],
    ['zstd, cut short', [0x28, 0xb5, 0x2f], 'none'],
    ['a tar header', [...Buffer.from('etc/')], 'none'],
    ['nothing', [], 'none']
  ])('%s', (_name, bytes, compression) => {
    expect(detectCompression(Buffer.from(bytes))).toBe(compression)
  })
})

describe('mediaTypeCompression', () => {
  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
    ['application/vnd.oci.image.layer.v1.tar', 'none'],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'gzip'],
    ['application/vnd.oci.image.config.v1+json', undefined]
  ])('%s', (mediaType, compression) => {
    expect(mediaTypeCompression(mediaType)).toBe(compression)
  })
})

describe('zstdWindowSize', () => {
  const MAGIC = [0x28, 0xb5, 0x2f, 0xfd]
  it.each([
    [
      'the CLI fixture (single segment, 2-byte content size)',
      [...ZSTD_FIXTURE.subarray(0, 18)],
      20480
    ],
    ['a 128 KiB window descriptor', [...MAGIC, 0x00, (17 - 10) << 3], 2 ** 17],
    ['a 128 MiB window descriptor (zstd --long)', [...MAGIC, 0x04, (27 - 10) << 3], 2 ** 27],
    ['a window with a mantissa', [...MAGIC, 0x00, ((20 - 10) << 3) | 3], 2 ** 20 + 3 * 2 ** 17],
    ['a single segment, 1-byte size', [...MAGIC, 0x20, 200], 200],
    ['a single segment, 4-byte size', [...MAGIC, 0xa0, 0x00, 0xe1, 0xf5, 0x05], 100_000_000],
    ['a single segment after a 1-byte dictionary id', [...MAGIC, 0x21, 7, 99], 99],
    ['a single segment, 8-byte size cut short', [...MAGIC, 0xe0, 1, 2, 3], undefined],
    ['no frame header', MAGIC, undefined],
    ['gzip', [0x1f, 0x8b, 8, 0, 0, 0], undefined]
  ])('%s', (_name, bytes, window) => {
    expect(zstdWindowSize(Buffer.from(bytes))).toBe(window)
  })
})

describe('decompressLayer', () => {
  it('refuses a zstd window the decoder would get wrong, and closes the source', async () => {
    let closed = false
    async function* source(): AsyncGenerator<Buffer> {
      try {
        await Promise.resolve()
        yield Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, (27 - 10) << 3])
        yield Buffer.alloc(100)
      } finally {
        closed = true
      }
    }
    await expect(decompressLayer(source())).rejects.toThrow(
      'zstd layer needs a 128 MiB window; the zstd decoder here reads only windows under 64 MiB correctly; compress the layer without --long or --ultra levels, or with gzip'
    )
    expect(closed).toBe(true)
  })

  it('passes an uncompressed tar through', async () => {
    const layer = await decompressLayer(chunked(TAR, 3), 'application/vnd.oci.image.layer.v1.tar')
    expect(layer.compression).toBe('none')
    expect(layer.note).toBeUndefined()
    expect(await bytesOf(layer.stream)).toEqual(TAR)
  })

  it('gunzips, even when the magic arrives one byte at a time', async () => {
    const layer = await decompressLayer(chunked(gzipSync(TAR), 1))
    expect(layer.compression).toBe('gzip')
    expect(await pathsOf(layer.stream)).toEqual(['etc/motd', 'usr/bin/x'])
  })

  it('decompresses the zstd fixture made by the zstd CLI', async () => {
    const layer = await decompressLayer(
      chunked(ZSTD_FIXTURE, 100),
      'application/vnd.oci.image.layer.v1.tar+zstd'
    )
    expect(layer.compression).toBe('zstd')
    expect(layer.note).toBeUndefined()
    expect(await pathsOf(layer.stream)).toEqual([
      'etc/',
      'etc/motd',
      'usr/',
      'usr/bin/',
      'usr/bin/hello',
      'usr/bin/hi',
      'usr/bin/run.sh',
      'usr/lib/',
      'usr/lib/firmware/',
      'usr/lib/firmware/cross/',
      'usr/lib/firmware/cross/helper',
      'usr/share/',
      'usr/share/doc/',
      ...LONG_README.split('/')
        .slice(3, -1)
        .map((_part, index, parts) => `usr/share/doc/${parts.slice(0, index + 1).join('/')}/`),
      LONG_README
    ])
  })

  it('decompresses every frame of a multi-frame zstd stream, skippable ones too', async () => {
    const single = await bytesOf((await decompressLayer(chunked(ZSTD_FIXTURE, 64))).stream)
    const frames = Buffer.concat([
      ZSTD_FIXTURE,
      zstdSkippableFrame(Buffer.from('toc')),
      ZSTD_FIXTURE
    ])
    const layer = await decompressLayer(chunked(frames, 50))
    const both = await bytesOf(layer.stream)
    expect(single.length).toBe(20480)
    // Buffer.equals: a deep toEqual walks 40 KB element by element.
    expect(both.equals(Buffer.concat([single, single]))).toBe(true)
  })

  it('trusts the bytes over the media type, and says so', async () => {
    const layer = await decompressLayer(
      chunked(gzipSync(TAR), 64),
      'application/vnd.oci.image.layer.v1.tar+zstd'
    )
    expect(layer.compression).toBe('gzip')
    expect(layer.note).toBe(
      "media type application/vnd.oci.image.layer.v1.tar+zstd says zstd, but the blob's bytes are gzip; read as gzip"
    )
    expect(await pathsOf(layer.stream)).toEqual(['etc/motd', 'usr/bin/x'])
  })

  it.each([
    [
      'a truncated gzip stream',
      () => gzipSync(TAR).subarray(0, 40),
      /gzip stream of the layer ended early; download it again/
    ],
    [
      'a corrupt gzip stream',
      () => {
        const gzip = gzipSync(TAR)
        gzip.writeUInt32LE(gzip.readUInt32LE(gzip.length - 8) ^ 1, gzip.length - 8)
        return gzip
      },
      /gzip stream of the layer is corrupt \(incorrect data check\)/
    ],
    [
      'a truncated zstd stream',
      () => ZSTD_FIXTURE.subarray(0, ZSTD_FIXTURE.length - 7),
      /zstd stream of the layer ended inside a frame; download it again/
    ],
    [
      'a zstd frame with a reserved bit set',
      () =>
        Buffer.concat([ZSTD_FIXTURE.subarray(0, 4), Buffer.from([0x08]), ZSTD_FIXTURE.subarray(5)]),
      /zstd stream of the layer is corrupt \(/
    ]
  ])('names the cause of %s', async (_name, data, message) => {
    const layer = await decompressLayer(chunked(data(), 16))
    const failure = bytesOf(layer.stream)
    await expect(failure).rejects.toThrow(message)
    await expect(failure).rejects.toBeInstanceOf(LayerDecodeError)
  })

  it.each([
    ['plain', TAR],
    ['gzip', gzipSync(TAR)]
  ])('passes on the source error of a %s layer', async (_name, data) => {
    const layer = await decompressLayer(failingAfter(data))
    await expect(bytesOf(layer.stream)).rejects.toThrow('connection reset by registry')
  })

  it('closes the source when the reader stops early', async () => {
    let closed = false
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield* chunked(gzipSync(Buffer.concat([TAR, Buffer.alloc(1024 * 1024, 1)])), 512)
      } finally {
        closed = true
      }
    }
    const layer = await decompressLayer(source())
    expect(await pathsOf(layer.stream)).toEqual(['etc/motd', 'usr/bin/x'])
    await sleep(10)
    expect(closed).toBe(true)
  })

  it('streams a zstd frame of raw blocks carrying a tar', async () => {
    const layer = await decompressLayer(zstdRawFrame(chunked(TAR, 700)))
    expect(await bytesOf(layer.stream)).toEqual(TAR)
  })

  it('keeps going when a paused zstd chunk resumes and ends without output', async () => {
    // 128 KiB blocks in 64 KiB chunks: the rest of a chunk after a block's end often holds none.
    const tar = largeFileArchive({
      path: 'big',
      size: 8 * 1024 * 1024,
      head: ELF,
      chunkSize: 50_000
    })
    const layer = await decompressLayer(rechunked(zstdRawFrame(tar), 64 * 1024))
    const entries = []
    for await (const item of readTar(layer.stream)) entries.push([item.path, item.size])
    expect(entries).toEqual([['big', 8 * 1024 * 1024]])
  }, 10_000)
})

describe('ZstdDecompress', () => {
  it('waits for the reader: 50 MB from 1.6 KB never sits in its buffer at once', async () => {
    const blocks = 400
    const decoder = Readable.from([zstdRleFrame(blocks, 0)]).pipe(new ZstdDecompress())
    let total = 0
    let peakBuffered = 0
    for await (const chunk of decoder) {
      const length = (chunk as Buffer).length
      total += length
      // The iterator hands over everything buffered as one chunk, so count both.
      peakBuffered = Math.max(peakBuffered, length + decoder.readableLength)
      if (total % (4 * 1024 * 1024) === 0) await sleep(1)
    }
    expect(total).toBe(blocks * 128 * 1024)
    expect(peakBuffered).toBeLessThan(8 * 1024 * 1024)
  })
})
