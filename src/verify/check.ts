/**
 * The architecture check: every ELF file in a layer must be built for the platform the image
 * claims, unless an allow-list pattern says the file is meant to be foreign.
 */

import { formatPlatform } from '../platform.js'
import { decompressLayer, type LayerCompression } from './decompress.js'
import { elfPlatform, readElfIdentity, type ElfPlatform } from './elf.js'
import { compileGlob, normaliseLayerPath, type PathMatcher } from './glob.js'
import { readTar } from './tar.js'

export interface ExpectedArchitecture {
  readonly architecture: string
  readonly variant?: string
}

export interface ScanOptions {
  /** Path patterns (`usr/lib/firmware/**`, `/opt/cross/*`) whose foreign files are accepted. */
  readonly allow: readonly string[]
  /** The layer's media type from the manifest; the blob's magic bytes win if they disagree. */
  readonly mediaType?: string
}

export interface ArchitectureMismatch {
  readonly path: string
  /** The platform the file is built for, e.g. `linux/amd64`. */
  readonly found: string
  readonly expected: string
}

export interface AllowedForeignFile {
  readonly path: string
  readonly found: string
}

export interface LayerScan {
  /** Regular files seen. */
  readonly files: number
  readonly elfFiles: number
  readonly mismatches: readonly ArchitectureMismatch[]
  readonly allowed: readonly AllowedForeignFile[]
  readonly compression: LayerCompression
  /** Set when the media type and the blob's bytes disagree about compression. */
  readonly note?: string
}

export type FileVerdict =
  | { readonly kind: 'not-elf' }
  /** ELF for the expected platform, or for a machine no image platform names (eBPF, firmware). */
  | { readonly kind: 'native' }
  | { readonly kind: 'foreign'; readonly found: string; readonly allowed: boolean }

/** x86-64 CPUs run i386 code natively, and amd64 images carry it (lib32, grub's i386-pc modules). */
const ALSO_NATIVE: Readonly<Record<string, readonly string[]>> = { amd64: ['386'] }

/**
 * Judge one file by the first bytes of its content. Only the architecture is compared: an
 * ELF header cannot tell arm v6 from v7, nor amd64 v2 from v3.
 */
export function judgeFile(
  path: string,
  head: Uint8Array,
  expected: ExpectedArchitecture,
  allow: readonly PathMatcher[]
): FileVerdict {
  const identity = readElfIdentity(head)
  if (identity === undefined) return { kind: 'not-elf' }
  const platform = elfPlatform(identity)
  if (platform === undefined || runsAs(platform, expected)) return { kind: 'native' }
  return {
    kind: 'foreign',
    found: formatPlatform({ os: 'linux', ...platform }),
    allowed: allow.some(matches => matches(path))
  }
}

function runsAs(platform: ElfPlatform, expected: ExpectedArchitecture): boolean {
  return (
    platform.architecture === expected.architecture ||
    (ALSO_NATIVE[expected.architecture]?.includes(platform.architecture) ?? false)
  )
}

/**
 * Stream one layer blob (gzip, zstd or plain tar) and report the ELF files built for another
 * architecture. File contents are skipped after their first bytes, so memory stays bounded.
 */
export async function scanLayer(
  source: AsyncIterable<unknown>,
  expected: ExpectedArchitecture,
  options: ScanOptions
): Promise<LayerScan> {
  const allow = options.allow.map(compileGlob)
  const expectedName = formatPlatform({ os: 'linux', ...expected })
  const layer = await decompressLayer(source, options.mediaType)
  let files = 0
  let elfFiles = 0
  const mismatches: ArchitectureMismatch[] = []
  const allowed: AllowedForeignFile[] = []
  for await (const entry of readTar(layer.stream)) {
    if (entry.type !== 'file') continue
    files++
    const path = normaliseLayerPath(entry.path)
    const verdict = judgeFile(path, entry.head, expected, allow)
    if (verdict.kind === 'not-elf') continue
    elfFiles++
    if (verdict.kind === 'native') continue
    if (verdict.allowed) allowed.push({ path, found: verdict.found })
    else mismatches.push({ path, found: verdict.found, expected: expectedName })
  }
  return {
    files,
    elfFiles,
    mismatches,
    allowed,
    compression: layer.compression,
    ...(layer.note === undefined ? {} : { note: layer.note })
  }
}

/** One line for an error message: `usr/bin/app is linux/amd64, expected linux/arm64`. */
export function formatMismatch(mismatch: ArchitectureMismatch): string {
  return `${mismatch.path} is ${mismatch.found}, expected ${mismatch.expected}`
}
