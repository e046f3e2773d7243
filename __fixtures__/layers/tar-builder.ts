/**
 * Tar bytes built in TypeScript for unit tests: ustar headers with real checksums, and the
 * three ways archives store long paths (ustar prefix, PAX `x` records, GNU `L` entries).
 */

const BLOCK = 512

export type LongNames = 'ustar' | 'pax' | 'gnu'

export interface HeaderSpec {
  readonly path: string
  /** The typeflag character: '0' file, '1' hard link, '2' symlink, '5' directory, ... */
  readonly typeflag?: string
  readonly size?: number
  readonly linkname?: string
  /** POSIX ustar magic (prefix field in use) or the GNU magic (no prefix field). */
  readonly magic?: 'ustar' | 'gnu'
  readonly sizeEncoding?: 'octal' | 'base256'
  /** Writes a wrong checksum, for corrupt-header tests. */
  readonly badChecksum?: boolean
}

/** One 512-byte header; `path` must fit (use `entry` for long paths). */
export function header(spec: HeaderSpec): Buffer {
  const block = Buffer.alloc(BLOCK)
  const magic = spec.magic ?? 'ustar'
  let name = spec.path
  let prefix = ''
  if (Buffer.byteLength(name) > 100 && magic === 'ustar') [prefix, name] = splitForPrefix(name)
  writeString(block, 0, 100, name)
  writeString(block, 100, 8, '0000644')
  writeString(block, 108, 8, '0000000')
  writeString(block, 116, 8, '0000000')
  writeSize(block, spec.size ?? 0, spec.sizeEncoding ?? 'octal')
  writeString(block, 136, 12, '00000000000')
  block.write(spec.typeflag ?? '0', 156, 'latin1')
  writeString(block, 157, 100, spec.linkname ?? '')
  if (magic === 'ustar') {
    block.write('ustar\u000000', 257, 'latin1')
    writeString(block, 345, 155, prefix)
  } else {
    block.write('ustar  \u0000', 257, 'latin1')
  }
  writeString(block, 265, 32, 'root')
  writeString(block, 297, 32, 'root')
  return setChecksum(block, spec.badChecksum === true ? 1 : 0)
}

/** Write the header checksum (after editing a header), off by `error` if asked. */
export function setChecksum(block: Buffer, error = 0): Buffer {
  let sum = 0x20 * 8 + error
  for (let index = 0; index < BLOCK; index++) {
    if (index < 148 || index >= 156) sum += block.readUInt8(index)
  }
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1')
  return block
}

export interface EntrySpec {
  readonly path: string
  readonly typeflag?: string
  readonly content?: Uint8Array | string
  readonly linkname?: string
  readonly longNames?: LongNames
}

/** Header(s), content and padding for one entry; long paths stored the `longNames` way. */
export function entry(spec: EntrySpec): Buffer {
  const content =
    typeof spec.content === 'string' ? Buffer.from(spec.content) : Buffer.from(spec.content ?? [])
  const typeflag = spec.typeflag ?? '0'
  const longNames = spec.longNames ?? 'ustar'
  const parts: Buffer[] = []
  let path = spec.path
  if (Buffer.byteLength(path) > 100 && longNames !== 'ustar') {
    if (longNames === 'pax') {
      parts.push(extension('x', 'PaxHeaders/long', paxRecords({ path })))
    } else {
      parts.push(extension('L', '././@LongLink', Buffer.from(`${path}\u0000`), 'gnu'))
    }
    path = path.slice(0, 100)
  }
  const magic = longNames === 'gnu' ? 'gnu' : 'ustar'
  parts.push(header({ path, typeflag, size: content.length, linkname: spec.linkname, magic }))
  parts.push(content, padding(content.length))
  return Buffer.concat(parts)
}

/** An extension entry ('x', 'g', 'L', 'K') carrying `data`. */
export function extension(
  typeflag: string,
  name: string,
  data: Buffer,
  magic: 'ustar' | 'gnu' = 'ustar'
): Buffer {
  return Buffer.concat([
    header({ path: name, typeflag, size: data.length, magic }),
    data,
    padding(data.length)
  ])
}

/** PAX records, each `<length> <key>=<value>\n` with the length counting itself. */
export function paxRecords(records: Readonly<Record<string, string>>): Buffer {
  return Buffer.concat(
    Object.entries(records).map(([key, value]) => {
      const body = ` ${key}=${value}\n`
      let length = Buffer.byteLength(body) + 1
      while (String(length).length + Buffer.byteLength(body) !== length) length++
      return Buffer.from(`${length}${body}`)
    })
  )
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK)
}

/** A whole archive: the entries, then the end-of-archive marker. */
export function archive(entries: readonly Buffer[]): Buffer {
  return Buffer.concat([...entries, endOfArchive()])
}

export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)
}

/** `data` in chunks of `size` bytes, as a stream would deliver it. */
export async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let start = 0; start < data.length; start += size) {
    await Promise.resolve()
    yield data.subarray(start, start + size)
  }
}

/** A stream cut into `size`-byte chunks whatever its producer's chunk boundaries were. */
export async function* rechunked(
  source: AsyncIterable<Buffer>,
  size: number
): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0)
  for await (const chunk of source) {
    pending = Buffer.concat([pending, chunk])
    while (pending.length >= size) {
      yield pending.subarray(0, size)
      pending = pending.subarray(size)
    }
  }
  if (pending.length > 0) yield pending
}

/**
 * An archive with one large file, generated chunk by chunk so the test never holds it:
 * `head` then zero bytes up to `size`, followed by `after` entries.
 */
export async function* largeFileArchive(options: {
  readonly path: string
  readonly size: number
  readonly head: Buffer
  readonly chunkSize: number
  readonly after?: readonly Buffer[]
}): AsyncGenerator<Buffer> {
  const { path, size, head, chunkSize } = options
  yield header({ path, size })
  yield head
  const zeros = Buffer.alloc(chunkSize)
  for (let written = head.length; written < size; written += chunkSize) {
    await Promise.resolve()
    // A fresh view each time, as a socket or decompressor hands out new chunks.
    yield Buffer.from(zeros.subarray(0, Math.min(chunkSize, size - written)))
  }
  yield padding(size)
  yield* options.after ?? []
  yield endOfArchive()
}

function splitForPrefix(path: string): [string, string] {
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash)
    const name = path.slice(slash + 1)
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name]
  }
  throw new Error(`${path} cannot be split into a 155-byte ustar prefix and a 100-byte name`)
}

function writeString(block: Buffer, start: number, length: number, text: string): void {
  if (Buffer.byteLength(text) > length) throw new Error(`${text} does not fit in ${length} bytes`)
  block.write(text, start, length, 'utf8')
}

function writeSize(block: Buffer, size: number, encoding: 'octal' | 'base256'): void {
  if (encoding === 'octal') {
    writeString(block, 124, 12, size.toString(8).padStart(11, '0'))
    return
  }
  // GNU base-256: high bit of the first byte set, the number big-endian in the rest.
  block.writeUInt8(0x80, 124)
  let rest = size
  for (let index = 135; index > 124; index--) {
    block.writeUInt8(rest % 256, index)
    rest = Math.floor(rest / 256)
  }
}
