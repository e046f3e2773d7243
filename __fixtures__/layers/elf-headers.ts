import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const directory = path.join(import.meta.dirname, '..', 'elf-headers')

/** The OCI architectures with a real ELF header in __fixtures__/elf-headers/<arch>.hex. */
export const ELF_HEADER_ARCHITECTURES: readonly string[] = readdirSync(directory)
  .filter(name => name.endsWith('.hex'))
  .map(name => name.slice(0, -'.hex'.length))
  .sort()

/** The first 64 bytes of a real ELF file built for `architecture`. */
export function elfHeader(architecture: string): Buffer {
  const hex = readFileSync(path.join(directory, `${architecture}.hex`), 'utf8').replace(/\s+/g, '')
  return Buffer.from(hex, 'hex')
}
