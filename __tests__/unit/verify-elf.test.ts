import { describe, expect, it } from 'vitest'
import { ELF_HEADER_ARCHITECTURES, elfHeader } from '../../__fixtures__/layers/elf-headers.js'
import { elfPlatform, readElfIdentity, type ElfIdentity } from '../../src/verify/elf.js'

/** What each real header in __fixtures__/elf-headers says; a new fixture needs a row here. */
const REAL_HEADERS: Readonly<Record<string, ElfIdentity>> = {
  '386': { elfClass: 32, endian: 'little', machine: 3, flags: 0 },
  amd64: { elfClass: 64, endian: 'little', machine: 62, flags: 0 },
  // EABI5 in the top byte, plus EF_ARM_ABI_FLOAT_HARD (armhf).
  arm: { elfClass: 32, endian: 'little', machine: 40, flags: 0x05000400 },
  arm64: { elfClass: 64, endian: 'little', machine: 183, flags: 0 },
  mips64: { elfClass: 64, endian: 'big', machine: 8, flags: 0x80000007 },
  mips64le: { elfClass: 64, endian: 'little', machine: 8, flags: 0x80000007 },
  ppc64le: { elfClass: 64, endian: 'little', machine: 21, flags: 2 },
  riscv64: { elfClass: 64, endian: 'little', machine: 243, flags: 5 },
  s390x: { elfClass: 64, endian: 'big', machine: 22, flags: 0 }
}

/** A 64-byte header with only the fields the reader looks at, for machines with no fixture. */
function syntheticHeader(identity: ElfIdentity): Buffer {
  const header = Buffer.alloc(64)
  header.set([
    0x7f,
    0x45,
    0x4c,
    0x46,
    identity.elfClass === 32 ? 1 : 2,
    identity.endian === 'little' ? 1 : 2,
    1
  ])
  const little = identity.endian === 'little'
  const flagsAt = identity.elfClass === 32 ? 36 : 48
  if (little) {
    header.writeUInt16LE(identity.machine, 18)
    header.writeUInt32LE(identity.flags, flagsAt)
  } else {
    header.writeUInt16BE(identity.machine, 18)
    header.writeUInt32BE(identity.flags, flagsAt)
  }
  return header
}

describe('real ELF headers', () => {
  it('has a row for every fixture file', () => {
    expect(ELF_HEADER_ARCHITECTURES.length).toBeGreaterThan(0)
    expect(Object.keys(REAL_HEADERS).sort()).toEqual([...ELF_HEADER_ARCHITECTURES])
  })

  it.each(ELF_HEADER_ARCHITECTURES)('%s.hex reads as %s', architecture => {
    const identity = readElfIdentity(elfHeader(architecture))
    expect(identity).toEqual(REAL_HEADERS[architecture])
    expect(identity && elfPlatform(identity)).toEqual({ architecture })
  })
})

describe('elfPlatform without a real fixture', () => {
  it.each([
    ['loong64', { elfClass: 64, endian: 'little', machine: 258, flags: 0x43 }, 'loong64'],
    ['ppc64 big-endian', { elfClass: 64, endian: 'big', machine: 21, flags: 1 }, 'ppc64'],
    ['x32 (amd64 ILP32)', { elfClass: 32, endian: 'little', machine: 62, flags: 0 }, 'amd64'],
    ['eBPF object', { elfClass: 64, endian: 'little', machine: 247, flags: 0 }, undefined],
    ['riscv32', { elfClass: 32, endian: 'little', machine: 243, flags: 0 }, undefined],
    ['31-bit s390', { elfClass: 32, endian: 'big', machine: 22, flags: 0 }, undefined],
    ['32-bit mips', { elfClass: 32, endian: 'little', machine: 8, flags: 0 }, undefined],
    ['32-bit powerpc', { elfClass: 32, endian: 'big', machine: 20, flags: 0 }, undefined]
  ] satisfies [string, ElfIdentity, string | undefined][])(
    '%s',
    (_name, identity, architecture) => {
      const read = readElfIdentity(syntheticHeader(identity))
      expect(read).toEqual(identity)
      expect(read && elfPlatform(read)).toEqual(
        architecture === undefined ? undefined : { architecture }
      )
    }
  )

  it('reports arm without a variant: EABI5 does not tell v6 from v7', () => {
    const identity = readElfIdentity(elfHeader('arm'))
    expect(identity && elfPlatform(identity)).toStrictEqual({ architecture: 'arm' })
  })
})

describe('readElfIdentity', () => {
  it.each([
    ['a shell script', Buffer.from('#!/bin/sh\necho hello\n'.padEnd(64, ' '))],
    ['an empty file', Buffer.alloc(0)],
    ['the magic alone', Buffer.from([0x7f, 0x45, 0x4c, 0x46])],
    ['a 64-bit header cut at 51 bytes', elfHeader('amd64').subarray(0, 51)],
    ['a 32-bit header cut at 51 bytes', elfHeader('386').subarray(0, 51)],
    [
      'an unknown class',
      Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 3, 1]), Buffer.alloc(58)])
    ],
    [
      'an unknown byte order',
      Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 0]), Buffer.alloc(58)])
    ],
    ['zeros', Buffer.alloc(64)]
  ])('is undefined for %s', (_name, bytes) => {
    expect(readElfIdentity(bytes)).toBeUndefined()
  })

  it('needs only 52 bytes of a 32-bit header', () => {
    expect(readElfIdentity(elfHeader('arm').subarray(0, 52))?.flags).toBe(0x05000400)
  })

  it('reads a header that starts inside a larger buffer', () => {
    const shifted = Buffer.concat([Buffer.from('xyz'), elfHeader('s390x')]).subarray(3)
    expect(readElfIdentity(shifted)).toEqual(REAL_HEADERS.s390x)
  })
})
