import { describe, expect, it } from 'vitest'
import { elfHeader } from '../../__fixtures__/layers/elf-headers.js'
import {
  archive,
  chunked,
  endOfArchive,
  entry,
  extension,
  header,
  largeFileArchive,
  padding,
  paxRecords,
  setChecksum,
  type LongNames
} from '../../__fixtures__/layers/tar-builder.js'
import {
  readTar,
  TAR_HEAD_BYTES,
  TarError,
  type BufferMeter,
  type TarEntry
} from '../../src/verify/tar.js'

async function readAll(source: AsyncIterable<unknown>, meter?: BufferMeter): Promise<TarEntry[]> {
  const entries: TarEntry[] = []
  for await (const item of readTar(source, meter)) entries.push(item)
  return entries
}

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  await Promise.resolve()
  yield data
}

const LONG_PATH = `usr/share/${'very-long-directory-name/'.repeat(6)}file-with-a-long-name.txt`
const ELF = Buffer.concat([elfHeader('amd64'), Buffer.alloc(936, 0xcc)])

const MIXED = archive([
  entry({ path: 'usr/', typeflag: '5' }),
  entry({ path: 'usr/bin/app', content: ELF }),
  entry({ path: 'usr/bin/tool.sh', content: '#!/bin/sh\nexit 0\n' }),
  entry({ path: 'usr/bin/link', typeflag: '2', linkname: 'app' }),
  entry({ path: 'usr/bin/hard', typeflag: '1', linkname: 'usr/bin/app' }),
  entry({ path: 'dev/fifo', typeflag: '6' }),
  entry({ path: 'etc/.wh.removed', content: '' }),
  entry({ path: 'empty' })
])

describe('readTar', () => {
  it('reads each entry: path, type, size and the first bytes of files', async () => {
    const entries = await readAll(once(MIXED))
    expect(entries.map(({ path, type, size }) => [path, type, size])).toEqual([
      ['usr/', 'dir', 0],
      ['usr/bin/app', 'file', 1000],
      ['usr/bin/tool.sh', 'file', 17],
      ['usr/bin/link', 'symlink', 0],
      ['usr/bin/hard', 'hardlink', 0],
      ['dev/fifo', 'other', 0],
      ['etc/.wh.removed', 'file', 0],
      ['empty', 'file', 0]
    ])
    expect(entries[1]?.head).toEqual(ELF.subarray(0, TAR_HEAD_BYTES))
    expect(entries[2]?.head.toString()).toBe('#!/bin/sh\nexit 0\n')
    expect(entries[0]?.head.length).toBe(0)
  })

  it.each([1, 7, 100, 511, 512, 513, 4096])(
    'gives the same entries when the stream comes in %i-byte chunks',
    async size => {
      expect(await readAll(chunked(MIXED, size))).toEqual(await readAll(once(MIXED)))
    }
  )

  it.each(['ustar', 'pax', 'gnu'] satisfies LongNames[])(
    'reads a %s long name, and the next entry keeps its own',
    async longNames => {
      const data = archive([
        entry({ path: LONG_PATH, content: ELF, longNames }),
        entry({ path: 'short', content: 'x', longNames })
      ])
      const entries = await readAll(chunked(data, 100))
      expect(entries.map(item => item.path)).toEqual([LONG_PATH, 'short'])
      expect(entries[0]?.head).toEqual(ELF.subarray(0, TAR_HEAD_BYTES))
    }
  )

  it('prefers a PAX path to a GNU long name', async () => {
    const data = archive([
      extension('L', '././@LongLink', Buffer.from('from-gnu\0'), 'gnu'),
      extension('x', 'PaxHeaders/x', paxRecords({ path: 'from-pax' })),
      entry({ path: 'from-header', content: 'x' })
    ])
    expect((await readAll(once(data))).map(item => item.path)).toEqual(['from-pax'])
  })

  it('ignores global PAX headers and GNU long link names', async () => {
    const data = archive([
      extension('g', 'pax_global_header', paxRecords({ path: 'global', comment: 'hi' })),
      extension('K', '././@LongLink', Buffer.from(`${'target/'.repeat(20)}\0`), 'gnu'),
      entry({ path: 'usr/bin/link', typeflag: '2', linkname: 'target' }),
      entry({ path: 'after', content: 'x' })
    ])
    const entries = await readAll(once(data))
    expect(entries.map(item => [item.path, item.type])).toEqual([
      ['usr/bin/link', 'symlink'],
      ['after', 'file']
    ])
  })

  it('takes the size from a PAX record', async () => {
    const content = Buffer.concat([ELF, Buffer.alloc(300, 1)])
    const data = archive([
      extension('x', 'PaxHeaders/big', paxRecords({ size: String(content.length) })),
      header({ path: 'big', size: 0 }),
      content,
      padding(content.length),
      entry({ path: 'next', content: 'n' })
    ])
    const entries = await readAll(chunked(data, 333))
    expect(entries.map(({ path, size }) => [path, size])).toEqual([
      ['big', 1300],
      ['next', 1]
    ])
    expect(entries[0]?.head).toEqual(ELF.subarray(0, TAR_HEAD_BYTES))
  })

  it('reads base-256 sizes', async () => {
    const data = archive([
      header({ path: 'binary-size', size: 700, sizeEncoding: 'base256' }),
      Buffer.alloc(700, 7),
      padding(700),
      entry({ path: 'next', content: 'n' })
    ])
    const entries = await readAll(once(data))
    expect(entries.map(({ path, size }) => [path, size])).toEqual([
      ['binary-size', 700],
      ['next', 1]
    ])
  })

  it('treats a pre-POSIX entry with a trailing slash as a directory', async () => {
    const data = archive([
      entry({ path: 'old/', typeflag: '\0' }),
      entry({ path: 'old/f', typeflag: '\0' })
    ])
    expect((await readAll(once(data))).map(item => item.type)).toEqual(['dir', 'file'])
  })

  it('skips no content for header-only types, whatever their size field says', async () => {
    // As Go's archive/tar reads them; docker and containerd unpack with it.
    const data = archive([
      header({ path: 'link', typeflag: '2', size: 1000 }),
      entry({ path: 'f', content: 'x' })
    ])
    expect((await readAll(once(data))).map(({ path, size }) => [path, size])).toEqual([
      ['link', 0],
      ['f', 1]
    ])
  })

  it('keeps in step past GNU sparse entries and their extension blocks', async () => {
    const sparse = header({ path: 'sparse', typeflag: 'S', size: 512 })
    sparse.writeUInt8(1, 482)
    setChecksum(sparse)
    const data = archive([
      sparse,
      Buffer.alloc(512),
      Buffer.alloc(512, 0xee),
      extension(
        'x',
        'PaxHeaders/s',
        paxRecords({ 'GNU.sparse.major': '1', 'GNU.sparse.name': 'real/name' })
      ),
      header({ path: 'GNUSparseFile.0/name', size: 512 }),
      Buffer.alloc(512, 0xdd),
      entry({ path: 'after', content: ELF })
    ])
    const entries = await readAll(once(data))
    expect(entries.map(({ path, type }) => [path, type])).toEqual([
      ['sparse', 'other'],
      ['real/name', 'other'],
      ['after', 'file']
    ])
  })

  it('ends at a lone zero block followed by the end of the stream', async () => {
    const data = Buffer.concat([entry({ path: 'f', content: 'x' }), Buffer.alloc(512)])
    expect(await readAll(once(data))).toHaveLength(1)
  })

  it('stops at the end-of-archive marker and closes the source', async () => {
    let closed = false
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield* once(archive([entry({ path: 'f', content: 'x' })]))
        yield Buffer.from('anything after the marker is never read')
      } finally {
        closed = true
      }
    }
    expect(await readAll(source())).toHaveLength(1)
    expect(closed).toBe(true)
  })

  it('closes the source when the reader is abandoned', async () => {
    let closed = false
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield* chunked(MIXED, 512)
      } finally {
        closed = true
      }
    }
    for await (const item of readTar(source())) {
      expect(item.path).toBe('usr/')
      break
    }
    expect(closed).toBe(true)
  })

  const CUTS: [string, number, RegExp][] = [
    ['an empty stream', 0, /tar stream is empty; the layer is truncated/],
    ['inside a header', 100, /ended inside the header at byte 0 \(100 of 512 bytes\)/],
    [
      'inside file content',
      512 * 2 + 200,
      /ended inside the content of usr\/bin\/app \(entry at byte 512, 1000 bytes\)/
    ],
    ['inside the padding after content', 512 * 3 + 10, /ended inside the content of usr\/bin\/app/],
    [
      'at an entry boundary, before the end marker',
      MIXED.length - 1024,
      /ended after 8 entries without its end-of-archive marker/
    ]
  ]
  it.each(CUTS)('throws when the stream is cut %s', async (_where, length, message) => {
    const cut = MIXED.subarray(0, length)
    const failure = readAll(chunked(cut, 300))
    await expect(failure).rejects.toThrow(TarError)
    await expect(readAll(chunked(cut, 300))).rejects.toThrow(message)
  })

  it('throws when a long-name entry is cut short', async () => {
    const data = extension('L', '././@LongLink', Buffer.from(`${LONG_PATH}\0`), 'gnu').subarray(
      0,
      600
    )
    await expect(readAll(once(data))).rejects.toThrow(
      /ended inside the GNU long name header at byte 0/
    )
  })

  it.each([
    [
      'a bad checksum',
      header({ path: 'f', badChecksum: true }),
      /fails its checksum; the layer is not an uncompressed tar/
    ],
    [
      'gzip bytes',
      Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(508, 1)]),
      /fails its checksum/
    ],
    [
      'data after a zero block',
      Buffer.concat([Buffer.alloc(512), header({ path: 'f' })]),
      /zero block at byte 0 followed by data/
    ],
    [
      'a malformed PAX record',
      extension('x', 'PaxHeaders/bad', Buffer.from('99 path=x\n')),
      /PAX header at byte 0 has a malformed record/
    ],
    [
      'a PAX size that is not a number',
      extension('x', 'PaxHeaders/bad', paxRecords({ size: '12k' })),
      /has size "12k", not a decimal number/
    ],
    [
      'an oversized PAX header',
      header({ path: 'PaxHeaders/huge', typeflag: 'x', size: 2 * 1024 * 1024 }),
      /PAX header at byte 0 is 2097152 bytes, over the 1048576 this reader accepts/
    ]
  ])('throws on %s', async (_name, data, message) => {
    await expect(readAll(once(Buffer.concat([data, endOfArchive()])))).rejects.toThrow(message)
  })

  it('refuses text chunks', async () => {
    async function* text(): AsyncGenerator<string> {
      await Promise.resolve()
      yield 'not bytes'
    }
    await expect(readAll(text())).rejects.toThrow(
      /tar reader got a string chunk; pass a byte stream/
    )
  })

  it('skips a 50 MB file holding no more than one chunk and a block', async () => {
    const chunkSize = 64 * 1024
    const meter: BufferMeter = { peakBytes: 0 }
    const source = largeFileArchive({
      path: 'usr/lib/huge.bin',
      size: 50 * 1024 * 1024 + 3,
      head: ELF,
      chunkSize,
      after: [entry({ path: 'after', content: 'x' })]
    })
    const entries = await readAll(source, meter)
    expect(entries.map(({ path, size }) => [path, size])).toEqual([
      ['usr/lib/huge.bin', 50 * 1024 * 1024 + 3],
      ['after', 1]
    ])
    expect(entries[0]?.head).toEqual(ELF.subarray(0, TAR_HEAD_BYTES))
    expect(meter.peakBytes).toBeLessThanOrEqual(chunkSize + 512)
  })
})
