/** What an ELF header says about the machine a file was built for, and its OCI name. */

export interface ElfIdentity {
  readonly elfClass: 32 | 64
  readonly endian: 'little' | 'big'
  /** e_machine: the ELF EM_* number of the instruction set. */
  readonly machine: number
  /** e_flags: machine-specific, e.g. the Arm EABI version in the top byte. */
  readonly flags: number
}

export interface ElfPlatform {
  readonly architecture: string
  readonly variant?: string
}

/** Bytes of the ELF file header, up to and including e_flags and the fields after it. */
const ELF_HEADER_BYTES = { 32: 52, 64: 64 } as const

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const

/**
 * Read the identity from the first bytes of a file; undefined unless they hold a whole
 * ELF header (magic, a known class and byte order).
 */
export function readElfIdentity(header: Uint8Array): ElfIdentity | undefined {
  if (!ELF_MAGIC.every((byte, index) => header[index] === byte)) return undefined
  const elfClass = header[4] === 1 ? 32 : header[4] === 2 ? 64 : undefined
  const endian = header[5] === 1 ? 'little' : header[5] === 2 ? 'big' : undefined
  if (elfClass === undefined || endian === undefined) return undefined
  if (header.length < ELF_HEADER_BYTES[elfClass]) return undefined

  const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
  const littleEndian = endian === 'little'
  return {
    elfClass,
    endian,
    machine: view.getUint16(18, littleEndian),
    flags: view.getUint32(elfClass === 32 ? 36 : 48, littleEndian)
  }
}

const EM_386 = 3
const EM_MIPS = 8
const EM_PPC64 = 21
const EM_S390 = 22
const EM_ARM = 40
const EM_X86_64 = 62
const EM_AARCH64 = 183
const EM_RISCV = 243
const EM_LOONGARCH = 258

/**
 * The OCI architecture an ELF file runs on, or undefined for machines no image platform
 * names (eBPF objects, firmware for other CPUs, 32-bit halves of 64-bit families).
 */
export function elfPlatform(identity: ElfIdentity): ElfPlatform | undefined {
  const { elfClass, endian, machine } = identity
  const is64 = elfClass === 64
  switch (machine) {
    // x32 binaries are EM_X86_64 in ELFCLASS32 and run only on amd64 kernels.
    case EM_X86_64:
      return { architecture: 'amd64' }
    case EM_386:
      return elfClass === 32 ? { architecture: '386' } : undefined
    case EM_AARCH64:
      return { architecture: 'arm64' }
    // v6 and v7 share EABI5 in e_flags; only .ARM.attributes tells them apart, so no variant.
    case EM_ARM:
      return elfClass === 32 ? { architecture: 'arm' } : undefined
    case EM_PPC64:
      return is64 ? { architecture: endian === 'little' ? 'ppc64le' : 'ppc64' } : undefined
    case EM_S390:
      return is64 && endian === 'big' ? { architecture: 's390x' } : undefined
    case EM_RISCV:
      return is64 ? { architecture: 'riscv64' } : undefined
    case EM_MIPS:
      return is64 ? { architecture: endian === 'little' ? 'mips64le' : 'mips64' } : undefined
    case EM_LOONGARCH:
      return is64 ? { architecture: 'loong64' } : undefined
    default:
      return undefined
  }
}
