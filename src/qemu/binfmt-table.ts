/**
 * One row per architecture: what QEMU calls it and what its ELF header says.
 * binfmt_misc matches the first 20 bytes of a file (e_ident, e_type, e_machine)
 * against the magic under the mask that these rows produce.
 */
export interface BinfmtRow {
  /** OCI architecture (`arm64`), as in `Platform.architecture`. */
  readonly architecture: string
  /** QEMU's name: `qemu-<qemu>-static`, handler `qemu-<qemu>`. */
  readonly qemu: string
  /** EI_CLASS: 1 = 32-bit, 2 = 64-bit. */
  readonly elfClass: 1 | 2
  /** EI_DATA: 1 = little-endian, 2 = big-endian. */
  readonly elfData: 1 | 2
  /** e_machine. */
  readonly machine: number
}

export const BINFMT_TABLE: readonly BinfmtRow[] = [
  { architecture: 'amd64', qemu: 'x86_64', elfClass: 2, elfData: 1, machine: 0x3e },
  { architecture: '386', qemu: 'i386', elfClass: 1, elfData: 1, machine: 0x03 },
  { architecture: 'arm64', qemu: 'aarch64', elfClass: 2, elfData: 1, machine: 0xb7 },
  { architecture: 'arm', qemu: 'arm', elfClass: 1, elfData: 1, machine: 0x28 },
  { architecture: 'ppc64le', qemu: 'ppc64le', elfClass: 2, elfData: 1, machine: 0x15 },
  { architecture: 's390x', qemu: 's390x', elfClass: 2, elfData: 2, machine: 0x16 },
  { architecture: 'riscv64', qemu: 'riscv64', elfClass: 2, elfData: 1, machine: 0xf3 },
  { architecture: 'mips64le', qemu: 'mips64el', elfClass: 2, elfData: 1, machine: 0x08 },
  { architecture: 'mips64', qemu: 'mips64', elfClass: 2, elfData: 2, machine: 0x08 },
  { architecture: 'loong64', qemu: 'loongarch64', elfClass: 2, elfData: 1, machine: 0x102 }
]

export const MAGIC_LENGTH = 20

export function binfmtRow(architecture: string): BinfmtRow | undefined {
  return BINFMT_TABLE.find(row => row.architecture === architecture)
}

function uint16(value: number, elfData: 1 | 2): [number, number] {
  const low = value & 0xff
  const high = (value >> 8) & 0xff
  return elfData === 1 ? [low, high] : [high, low]
}

/** The 20 header bytes of an executable of this architecture (e_type = ET_EXEC). */
export function binfmtMagic(row: BinfmtRow): Buffer {
  const ident = [0x7f, 0x45, 0x4c, 0x46, row.elfClass, row.elfData, 0x01, 0x00]
  const padding = new Array<number>(8).fill(0)
  const executable = uint16(0x0002, row.elfData)
  return Buffer.from([...ident, ...padding, ...executable, ...uint16(row.machine, row.elfData)])
}

/**
 * Which header bits must match: all but EI_OSABI (Linux binaries say SYSV or GNU) and
 * the lowest bit of e_type, so that both ET_EXEC (2) and ET_DYN (3, PIE) match.
 */
export function binfmtMask(row: BinfmtRow): Buffer {
  const ident = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]
  const padding = new Array<number>(8).fill(0xff)
  return Buffer.from([...ident, ...padding, ...uint16(0xfffe, row.elfData), 0xff, 0xff])
}

/** binfmt_misc's escaped form: every byte as \xHH, so no byte can end a field. */
export function escapeBytes(bytes: Buffer): string {
  return [...bytes].map(byte => `\\x${byte.toString(16).padStart(2, '0')}`).join('')
}
