/**
 * A streaming tar reader: each entry's header and the first bytes of its content, with the
 * rest of the content skipped as it streams past, so memory stays at a few blocks per layer.
 * Where formats are ambiguous it reads archives the way Go's archive/tar does, because
 * docker, containerd, BuildKit and buildah all unpack layers with it.
 */

import { byteChunk } from './byte-chunk.js'

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other'

export interface TarEntry {
  /** The path as stored (after ustar prefix, GNU long name or PAX path); not normalised. */
  readonly path: string
  readonly type: TarEntryType
  /** Bytes of content the entry carries in the archive (0 for links, directories, devices). */
  readonly size: number
  /** The first min(size, TAR_HEAD_BYTES) bytes of a regular file; empty for other types. */
  readonly head: Buffer
}

/** A probe for tests: the largest number of bytes the reader held at any moment. */
export interface BufferMeter {
  peakBytes: number
}

/** A stream that is not a valid, complete tar archive. */
export class TarError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TarError'
  }
}

/** Enough for a 64-bit ELF header, the longest magic the checks need. */
export const TAR_HEAD_BYTES = 64

const BLOCK = 512
/** Long names and PAX headers are read whole; a cap keeps a hostile layer from filling memory. */
const MAX_EXTENSION_BYTES = 1024 * 1024
/** Go's isHeaderOnlyType: these types carry no content whatever their size field says. */
const HEADER_ONLY_TYPES = new Set(['1', '2', '3', '4', '5', '6'])
const TRUNCATED_FIX = 'the layer is truncated; download it again or rebuild and push it'

/**
 * Read the entries of an uncompressed tar stream. Throws TarError when the stream is cut
 * short, has a bad header, or lacks the end-of-archive marker.
 */
export async function* readTar(
  source: AsyncIterable<unknown>,
  meter?: BufferMeter
): AsyncGenerator<TarEntry, void, undefined> {
  const bytes = new ByteQueue(source, meter)
  let longName: string | undefined
  let pax: PaxOverrides = {}
  let entries = 0
  try {
    for (;;) {
      const headerOffset = bytes.offset
      const block = await bytes.read(BLOCK)
      if (block.length < BLOCK) throw truncatedHeader(block.length, headerOffset, entries)
      if (isZeroBlock(block)) {
        await readEndOfArchive(bytes, headerOffset)
        return
      }
      const header = parseHeader(block, headerOffset)

      if (header.typeflag === 'L') {
        const data = await readExtension(bytes, header.size, 'GNU long name', headerOffset)
        longName = cString(data, 0, data.length)
        continue
      }
      if (header.typeflag === 'x') {
        const data = await readExtension(bytes, header.size, 'PAX', headerOffset)
        pax = paxOverrides(parsePaxRecords(data, headerOffset), headerOffset)
        continue
      }
      // Global PAX records and GNU long link names say nothing about which file is where.
      if (header.typeflag === 'g' || header.typeflag === 'K') {
        await skipExtension(bytes, header.size, header.typeflag, headerOffset)
        continue
      }
      if (header.isExtendedSparse) await skipSparseExtensions(bytes)

      const path = pax.path ?? longName ?? header.name
      // Sparse files are stored as their data regions, so their first bytes are not the file's.
      const sparse = header.typeflag === 'S' || pax.sparse === true
      const type = sparse ? 'other' : entryType(header.typeflag, path)
      const size = HEADER_ONLY_TYPES.has(header.typeflag) ? 0 : (pax.size ?? header.size)
      longName = undefined
      pax = {}

      const headLength = type === 'file' ? Math.min(size, TAR_HEAD_BYTES) : 0
      // A copy, so a kept entry does not pin the whole chunk its head was cut from.
      const head = Buffer.from(await bytes.read(headLength))
      const rest = paddedSize(size) - headLength
      if (head.length < headLength || (await bytes.skip(rest)) < rest) {
        throw new TarError(
          `tar stream ended inside the content of ${path} (entry at byte ${headerOffset}, ${size} bytes); ${TRUNCATED_FIX}`
        )
      }
      entries++
      yield { path, type, size, head }
    }
  } finally {
    await bytes.close()
  }
}

/** Bytes buffered from an async iterable of chunks: exact reads, and skips that hold nothing. */
class ByteQueue {
  readonly #iterator: AsyncIterator<unknown>
  readonly #meter: BufferMeter | undefined
  #chunks: Buffer[] = []
  #buffered = 0
  /** Bytes consumed since the start of the stream, for error messages. */
  offset = 0

  constructor(source: AsyncIterable<unknown>, meter: BufferMeter | undefined) {
    this.#iterator = source[Symbol.asyncIterator]()
    this.#meter = meter
  }

  /** The next `length` bytes, or fewer if the stream ends first. */
  async read(length: number): Promise<Buffer> {
    while (this.#buffered < length) {
      if (!(await this.#pull())) break
    }
    const available = Math.min(length, this.#buffered)
    const first = this.#chunks[0]
    const bytes =
      first !== undefined && first.length >= available
        ? first.subarray(0, available)
        : Buffer.concat(this.#chunks, available)
    this.#drop(available)
    return bytes
  }

  /** Discard the next `length` bytes as they arrive; returns how many there were. */
  async skip(length: number): Promise<number> {
    let remaining = length
    for (;;) {
      const dropped = Math.min(remaining, this.#buffered)
      this.#drop(dropped)
      remaining -= dropped
      if (remaining === 0) return length
      if (!(await this.#pull())) return length - remaining
    }
  }

  async close(): Promise<void> {
    await this.#iterator.return?.()
  }

  async #pull(): Promise<boolean> {
    const next = await this.#iterator.next()
    if (next.done === true) return false
    const chunk = byteChunk(next.value, 'tar reader')
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    if (this.#meter !== undefined && this.#buffered > this.#meter.peakBytes) {
      this.#meter.peakBytes = this.#buffered
    }
    return true
  }

  #drop(length: number): void {
    this.offset += length
    this.#buffered -= length
    let remaining = length
    while (remaining > 0) {
      const first = this.#chunks[0]
      if (first === undefined) return
      if (first.length <= remaining) {
        this.#chunks.shift()
        remaining -= first.length
      } else {
        this.#chunks[0] = first.subarray(remaining)
        remaining = 0
      }
    }
  }
}

interface Header {
  readonly name: string
  readonly typeflag: string
  readonly size: number
  /** Old GNU sparse headers continue in extra 512-byte blocks before the content. */
  readonly isExtendedSparse: boolean
}

function parseHeader(block: Buffer, offset: number): Header {
  verifyChecksum(block, offset)
  const flagByte = block.readUInt8(156)
  const typeflag = flagByte === 0 ? '\0' : String.fromCharCode(flagByte)
  const name = cString(block, 0, 100)
  // Only POSIX ustar has the prefix field; GNU keeps access and change times in those bytes.
  const isPosixUstar = block.toString('latin1', 257, 263) === 'ustar\0'
  const prefix = isPosixUstar ? cString(block, 345, 155) : ''
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    typeflag,
    size: parseSize(block, offset),
    isExtendedSparse: typeflag === 'S' && block.readUInt8(482) !== 0
  }
}

function verifyChecksum(block: Buffer, offset: number): void {
  const stored = parseNumber(block, 148, 8)
  // The checksum counts its own field as spaces; some old writers summed signed bytes.
  let unsigned = 0
  let signed = 0
  for (let index = 0; index < BLOCK; index++) {
    const byte = index >= 148 && index < 156 ? 0x20 : block.readUInt8(index)
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarError(
      `tar header at byte ${offset} fails its checksum; the layer is not an uncompressed tar archive (wrong media type or compression?) or is corrupt`
    )
  }
}

function parseSize(block: Buffer, offset: number): number {
  const size = parseNumber(block, 124, 12)
  if (size === undefined) {
    const text = JSON.stringify(block.toString('latin1', 124, 136))
    throw new TarError(
      `tar header at byte ${offset} has size ${text}, neither octal nor a base-256 count; the layer is not a valid tar archive`
    )
  }
  return size
}

/**
 * A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is
 * set. Undefined when it is neither, negative, or beyond exact doubles.
 */
function parseNumber(block: Buffer, start: number, length: number): number | undefined {
  const first = block.readUInt8(start)
  if (first & 0x80) {
    if (first === 0xff) return undefined
    let value = first & 0x7f
    for (let index = start + 1; index < start + length; index++) {
      value = value * 256 + block.readUInt8(index)
    }
    return Number.isSafeInteger(value) ? value : undefined
  }
  // Like Go: trim blanks and NULs, then stop at the first NUL.
  const raw = block.toString('latin1', start, start + length)
  const text = (raw.replace(/^[ \0]+/, '').split('\0')[0] ?? '').trim()
  if (text === '') return 0
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined
}

/** A NUL-terminated (or field-filling) UTF-8 string. */
function cString(bytes: Buffer, start: number, length: number): string {
  const field = bytes.subarray(start, start + length)
  const end = field.indexOf(0)
  return field.toString('utf8', 0, end === -1 ? field.length : end)
}

function entryType(typeflag: string, path: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file'
    // Pre-POSIX archives mark directories only by a trailing slash.
    case '\0':
      return path.endsWith('/') ? 'dir' : 'file'
    case '1':
      return 'hardlink'
    case '2':
      return 'symlink'
    case '5':
      return 'dir'
    default:
      return 'other'
  }
}

function isZeroBlock(block: Buffer): boolean {
  return block.every(byte => byte === 0)
}

function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK
}

function truncatedHeader(got: number, offset: number, entries: number): TarError {
  if (offset === 0 && got === 0) {
    return new TarError(`tar stream is empty; ${TRUNCATED_FIX}`)
  }
  if (got === 0) {
    return new TarError(
      `tar stream ended after ${entries} entries without its end-of-archive marker; ${TRUNCATED_FIX}`
    )
  }
  return new TarError(
    `tar stream ended inside the header at byte ${offset} (${got} of ${BLOCK} bytes); ${TRUNCATED_FIX}`
  )
}

/** As Go reads it: a zero block then the end of the stream, or a second zero block, ends the archive. */
async function readEndOfArchive(bytes: ByteQueue, offset: number): Promise<void> {
  const next = await bytes.read(BLOCK)
  if (isZeroBlock(next)) return
  throw new TarError(
    `tar stream has a zero block at byte ${offset} followed by data; the layer is not a valid tar archive`
  )
}

async function skipExtension(
  bytes: ByteQueue,
  size: number,
  typeflag: string,
  offset: number
): Promise<void> {
  const padded = paddedSize(size)
  if ((await bytes.skip(padded)) < padded) {
    throw new TarError(
      `tar stream ended inside the '${typeflag}' entry at byte ${offset}; ${TRUNCATED_FIX}`
    )
  }
}

/** The content of a long-name or PAX entry, read whole, with its padding skipped. */
async function readExtension(
  bytes: ByteQueue,
  size: number,
  kind: string,
  offset: number
): Promise<Buffer> {
  if (size > MAX_EXTENSION_BYTES) {
    throw new TarError(
      `tar ${kind} header at byte ${offset} is ${size} bytes, over the ${MAX_EXTENSION_BYTES} this reader accepts; the layer is corrupt or hostile`
    )
  }
  const data = await bytes.read(size)
  const padding = paddedSize(size) - size
  if (data.length < size || (await bytes.skip(padding)) < padding) {
    throw new TarError(
      `tar stream ended inside the ${kind} header at byte ${offset}; ${TRUNCATED_FIX}`
    )
  }
  return data
}

async function skipSparseExtensions(bytes: ByteQueue): Promise<void> {
  for (;;) {
    const offset = bytes.offset
    const block = await bytes.read(BLOCK)
    if (block.length < BLOCK) {
      throw new TarError(
        `tar stream ended inside a sparse header at byte ${offset}; ${TRUNCATED_FIX}`
      )
    }
    if (block.readUInt8(504) === 0) return
  }
}

interface PaxOverrides {
  readonly path?: string
  readonly size?: number
  readonly sparse?: boolean
}

/** `<length> <key>=<value>\n` records, length counting the whole record in bytes. */
function parsePaxRecords(data: Buffer, offset: number): Map<string, string> {
  const records = new Map<string, string>()
  let position = 0
  while (position < data.length) {
    const space = data.indexOf(0x20, position)
    const lengthText = space === -1 ? '' : data.toString('latin1', position, space)
    const length = /^[0-9]+$/.test(lengthText) ? Number(lengthText) : 0
    const end = position + length
    if (length <= space - position + 1 || end > data.length || data[end - 1] !== 0x0a) {
      throw new TarError(
        `tar PAX header at byte ${offset} has a malformed record at byte ${position} of its data; the layer is not a valid tar archive`
      )
    }
    const record = data.toString('utf8', space + 1, end - 1)
    const equals = record.indexOf('=')
    if (equals <= 0) {
      throw new TarError(
        `tar PAX header at byte ${offset} has a record without a key: ${JSON.stringify(record)}`
      )
    }
    records.set(record.slice(0, equals), record.slice(equals + 1))
    position = end
  }
  return records
}

function paxOverrides(records: ReadonlyMap<string, string>, offset: number): PaxOverrides {
  // An empty value removes the keyword, leaving the ustar field in force.
  const value = (key: string): string | undefined => {
    const text = records.get(key)
    return text === '' ? undefined : text
  }
  const sizeText = value('size')
  if (
    sizeText !== undefined &&
    !(/^[0-9]+$/.test(sizeText) && Number.isSafeInteger(Number(sizeText)))
  ) {
    throw new TarError(
      `tar PAX header at byte ${offset} has size ${JSON.stringify(sizeText)}, not a decimal number; the layer is not a valid tar archive`
    )
  }
  const size = sizeText === undefined ? undefined : Number(sizeText)
  const sparse =
    records.has('GNU.sparse.major') ||
    records.has('GNU.sparse.map') ||
    records.has('GNU.sparse.numblocks')
  return {
    // GNU sparse formats 0.1 and 1.0 keep the real name here and a placeholder in `path`.
    path: value('GNU.sparse.name') ?? value('path'),
    size,
    sparse
  }
}
