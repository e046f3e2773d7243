import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { createGzip, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { elfHeader } from '../../__fixtures__/layers/elf-headers.js'
import {
  archive,
  chunked,
  endOfArchive,
  entry,
  header,
  padding
} from '../../__fixtures__/layers/tar-builder.js'
import { zstdRawFrame } from '../../__fixtures__/layers/zstd-frames.js'
import { formatMismatch, judgeFile, scanLayer } from '../../src/verify/check.js'
import { compileGlob } from '../../src/verify/glob.js'
import { TarError } from '../../src/verify/tar.js'

const ARM64 = { architecture: 'arm64' }
const ZSTD_FIXTURE = readFileSync(
  path.join(import.meta.dirname, '..', '..', '__fixtures__', 'layers', 'amd64-elf-gnu.tar.zst')
)

/** A binary: a real ELF header for `architecture`, then filler. */
function binary(architecture: string): Buffer {
  return Buffer.concat([elfHeader(architecture), Buffer.alloc(2000, 0x90)])
}

const ARM64_LAYER = archive([
  entry({ path: './', typeflag: '5' }),
  entry({ path: './usr/bin/app', content: binary('arm64') }),
  entry({ path: './usr/lib/libc.so.6', content: binary('arm64') }),
  entry({ path: './usr/bin/start.sh', content: '#!/bin/sh\nexec /usr/bin/app\n' }),
  entry({ path: './etc/motd', content: 'hello\n' }),
  entry({ path: './usr/bin/sh', typeflag: '2', linkname: 'app' }),
  entry({ path: './etc/.wh.old-config', content: '' })
])

describe('judgeFile', () => {
  const allow = [compileGlob('usr/lib/firmware/**')]
  it.each([
    ['an arm64 binary in an arm64 image', 'arm64', ARM64, { kind: 'native' }],
    [
      'an amd64 binary in an arm64 image',
      'amd64',
      ARM64,
      { kind: 'foreign', found: 'linux/amd64', allowed: false }
    ],
    [
      'an arm binary in an arm64 image',
      'arm',
      ARM64,
      { kind: 'foreign', found: 'linux/arm', allowed: false }
    ],
    ['a 386 binary in an amd64 image', '386', { architecture: 'amd64' }, { kind: 'native' }],
    [
      'an amd64 binary in a 386 image',
      'amd64',
      { architecture: '386' },
      { kind: 'foreign', found: 'linux/amd64', allowed: false }
    ],
    [
      'an arm binary in an arm/v6 image',
      'arm',
      { architecture: 'arm', variant: 'v6' },
      { kind: 'native' }
    ],
    [
      'an s390x binary in a ppc64le image',
      's390x',
      { architecture: 'ppc64le' },
      { kind: 'foreign', found: 'linux/s390x', allowed: false }
    ],
    [
      'a mips64 binary in a mips64le image',
      'mips64',
      { architecture: 'mips64le' },
      { kind: 'foreign', found: 'linux/mips64', allowed: false }
    ]
  ])('%s', (_name, built, expected, verdict) => {
    expect(judgeFile('usr/bin/app', binary(built), expected, allow)).toEqual(verdict)
  })

  it('accepts a foreign binary under an allowed path', () => {
    expect(judgeFile('usr/lib/firmware/dsp.elf', binary('amd64'), ARM64, allow)).toEqual({
      kind: 'foreign',
      found: 'linux/amd64',
      allowed: true
    })
  })

  it.each([
    ['a shell script', Buffer.from('#!/bin/sh\necho hi\n')],
    ['a Python script naming an ELF', Buffer.from('#!/usr/bin/python3\n# \x7fELF\n')],
    ['an empty file', Buffer.alloc(0)]
  ])('does not take %s for ELF', (_name, head) => {
    expect(judgeFile('usr/bin/x', head, ARM64, [])).toEqual({ kind: 'not-elf' })
  })

  it('leaves ELF files for machines no image platform names alone (eBPF objects)', () => {
    const bpf = Buffer.from(binary('arm64'))
    bpf.writeUInt16LE(247, 18)
    expect(judgeFile('usr/lib/bpf/prog.o', bpf, ARM64, [])).toEqual({ kind: 'native' })
  })
})

describe('scanLayer', () => {
  it('passes a layer whose binaries are all arm64', async () => {
    const scan = await scanLayer(chunked(ARM64_LAYER, 4096), ARM64, { allow: [] })
    expect(scan).toEqual({
      files: 5,
      elfFiles: 2,
      mismatches: [],
      allowed: [],
      compression: 'none'
    })
  })

  it('reports an amd64 binary in an arm64 layer with its path', async () => {
    const layer = archive([
      entry({ path: './usr/bin/app', content: binary('amd64') }),
      entry({ path: './usr/lib/libc.so.6', content: binary('arm64') }),
      entry({ path: '/opt/tool/run', content: binary('amd64') })
    ])
    const scan = await scanLayer(chunked(gzipSync(layer), 1000), ARM64, { allow: [] })
    expect(scan.compression).toBe('gzip')
    expect(scan.mismatches).toEqual([
      { path: 'usr/bin/app', found: 'linux/amd64', expected: 'linux/arm64' },
      { path: 'opt/tool/run', found: 'linux/amd64', expected: 'linux/arm64' }
    ])
    expect(scan.mismatches.map(formatMismatch)).toEqual([
      'usr/bin/app is linux/amd64, expected linux/arm64',
      'opt/tool/run is linux/amd64, expected linux/arm64'
    ])
  })

  it('puts foreign files under allowed paths in `allowed`, not `mismatches`', async () => {
    const layer = archive([
      entry({ path: 'usr/lib/firmware/intel/dsp.elf', content: binary('amd64') }),
      entry({ path: 'opt/cross/gcc', content: binary('amd64') }),
      entry({ path: 'opt/cross/bin/gcc', content: binary('amd64') })
    ])
    const scan = await scanLayer(chunked(layer, 512), ARM64, {
      allow: ['usr/lib/firmware/**', '/opt/cross/*']
    })
    expect(scan.allowed).toEqual([
      { path: 'usr/lib/firmware/intel/dsp.elf', found: 'linux/amd64' },
      { path: 'opt/cross/gcc', found: 'linux/amd64' }
    ])
    expect(scan.mismatches).toEqual([
      { path: 'opt/cross/bin/gcc', found: 'linux/amd64', expected: 'linux/arm64' }
    ])
  })

  it('names the full platform expected, variant included', async () => {
    const layer = archive([entry({ path: 'app', content: binary('arm64') })])
    const scan = await scanLayer(
      chunked(layer, 512),
      { architecture: 'arm', variant: 'v7' },
      { allow: [] }
    )
    expect(scan.mismatches).toEqual([
      { path: 'app', found: 'linux/arm64', expected: 'linux/arm/v7' }
    ])
  })

  it('counts non-ELF files and scripts without reporting them', async () => {
    const layer = archive([
      entry({ path: 'usr/bin/run.sh', content: '#!/bin/sh\nexit 0\n' }),
      entry({ path: 'usr/share/data.bin', content: Buffer.alloc(5000, 0x7f) }),
      entry({ path: 'usr/share/doc/README', content: 'x86-64 ELF binaries are described here' })
    ])
    const scan = await scanLayer(chunked(layer, 700), { architecture: 'riscv64' }, { allow: [] })
    expect([scan.files, scan.elfFiles, scan.mismatches.length]).toEqual([3, 0, 0])
  })

  it('reads the zstd layer made by the CLI', async () => {
    const scan = await scanLayer(chunked(ZSTD_FIXTURE, 128), ARM64, {
      allow: ['usr/lib/firmware/**'],
      mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd'
    })
    expect(scan).toEqual({
      files: 5,
      elfFiles: 2,
      mismatches: [{ path: 'usr/bin/hello', found: 'linux/amd64', expected: 'linux/arm64' }],
      allowed: [{ path: 'usr/lib/firmware/cross/helper', found: 'linux/amd64' }],
      compression: 'zstd'
    })
  })

  it('notes a media type that names the wrong compression', async () => {
    const scan = await scanLayer(chunked(ARM64_LAYER, 4096), ARM64, {
      allow: [],
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
    })
    expect(scan.note).toBe(
      "media type application/vnd.docker.image.rootfs.diff.tar.gzip says gzip, but the blob's bytes are none; read as none"
    )
  })

  it('throws on a truncated layer', async () => {
    const cut = gzipSync(ARM64_LAYER.subarray(0, 3000))
    await expect(scanLayer(chunked(cut, 256), ARM64, { allow: [] })).rejects.toThrow(TarError)
    await expect(scanLayer(chunked(cut, 256), ARM64, { allow: [] })).rejects.toThrow(
      /tar stream ended inside the content of \.\/usr\/bin\/app .*; the layer is truncated/
    )
  })

  it('refuses an empty allow pattern before reading the layer', async () => {
    let read = false
    async function* source(): AsyncGenerator<Buffer> {
      read = true
      await Promise.resolve()
      yield ARM64_LAYER
    }
    await expect(scanLayer(source(), ARM64, { allow: ['usr/lib/**', ' '.trim()] })).rejects.toThrow(
      'path pattern "" is empty'
    )
    expect(read).toBe(false)
  })
})

describe('scanLayer on a 50 MB file', () => {
  const SIZE = 50 * 1024 * 1024
  const CHUNK = 64 * 1024

  /** A layer with one 50 MB amd64 binary, made chunk by chunk from one reused buffer. */
  async function* bigLayer(onChunk: () => void = () => undefined): AsyncGenerator<Buffer> {
    const zeros = Buffer.alloc(CHUNK)
    const head = binary('amd64')
    yield header({ path: 'usr/lib/huge.so', size: SIZE })
    yield head
    for (let written = head.length; written < SIZE; written += CHUNK) {
      onChunk()
      await Promise.resolve()
      yield written + CHUNK <= SIZE ? zeros : zeros.subarray(0, SIZE - written)
    }
    yield padding(SIZE)
    yield entry({ path: 'usr/bin/after', content: binary('arm64') })
    yield endOfArchive()
  }

  const EXPECTED = {
    files: 2,
    elfFiles: 2,
    mismatches: [{ path: 'usr/lib/huge.so', found: 'linux/amd64', expected: 'linux/arm64' }],
    allowed: []
  }

  it('skips the content without holding it', async () => {
    const baseline = process.memoryUsage().arrayBuffers
    let peak = baseline
    const scan = await scanLayer(
      bigLayer(() => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers)
      }),
      ARM64,
      { allow: [] }
    )
    expect(scan).toEqual({ ...EXPECTED, compression: 'none' })
    expect(peak - baseline).toBeLessThan(16 * 1024 * 1024)
  })

  it('streams it through gzip', async () => {
    const gzip = Readable.from(bigLayer()).pipe(createGzip({ level: 1 }))
    const scan = await scanLayer(gzip, ARM64, { allow: [] })
    expect(scan).toEqual({ ...EXPECTED, compression: 'gzip' })
  })

  it('streams it through zstd', async () => {
    const scan = await scanLayer(zstdRawFrame(bigLayer()), ARM64, { allow: [] })
    expect(scan).toEqual({ ...EXPECTED, compression: 'zstd' })
  })
})
