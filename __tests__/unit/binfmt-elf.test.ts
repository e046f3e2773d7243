import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { handlerMatches } from '../../src/qemu/binfmt.js'
import {
  BINFMT_TABLE,
  type BinfmtRow,
  binfmtMagic,
  binfmtMask
} from '../../src/qemu/binfmt-table.js'

const FIXTURES = path.join(import.meta.dirname, '..', '..', '__fixtures__', 'elf-headers')

/** The first 64 bytes of a real binary of this architecture (see SOURCES.md). */
function realHeader(architecture: string): Buffer | undefined {
  const file = path.join(FIXTURES, `${architecture}.hex`)
  return existsSync(file)
    ? Buffer.from(readFileSync(file, 'utf8').replace(/\s/g, ''), 'hex')
    : undefined
}

/** Does the kernel hand a file starting with `header` to the handler this row registers? */
function kernelWouldMatch(row: BinfmtRow, header: Buffer): boolean {
  const magic = binfmtMagic(row)
  const mask = binfmtMask(row)
  return [...magic].every(
    (byte, index) => ((header[index] ?? 0) & (mask[index] ?? 0)) === (byte & (mask[index] ?? 0))
  )
}

const withBinary = BINFMT_TABLE.filter(row => realHeader(row.architecture) !== undefined)

describe('binfmt rows against real binaries', () => {
  it.each(withBinary.map(row => [row.architecture, row] as const))(
    '%s: its registration takes the real binary, and no other row does',
    architecture => {
      const header = realHeader(architecture)
      if (header === undefined) throw new Error('fixture vanished')
      expect(
        BINFMT_TABLE.filter(row => kernelWouldMatch(row, header)).map(row => row.architecture)
      ).toEqual([architecture])
      // And our reading of an existing handler agrees with the kernel's rule.
      const handler = {
        name: 'x',
        enabled: true,
        interpreter: '/x',
        flags: 'F',
        offset: 0,
        magic: header.subarray(0, 20),
        mask: undefined
      }
      expect(BINFMT_TABLE.filter(row => handlerMatches(handler, row)).length).toBeLessThanOrEqual(1)
    }
  )

  it('has a real binary for every row but loong64, which no Debian bookworm package ships', () => {
    expect(
      BINFMT_TABLE.filter(row => !withBinary.includes(row)).map(row => row.architecture)
    ).toEqual(['loong64'])
    // Without a binary, check the header layout by hand: ELF64, little-endian, e_machine 0x102.
    const loong = BINFMT_TABLE.find(row => row.architecture === 'loong64')
    if (loong === undefined) throw new Error('no loong64 row')
    expect(binfmtMagic(loong).toString('hex')).toBe('7f454c460201010000000000000000000200' + '0201')
  })
})
