/** Layer blobs come gzip-, zstd- or uncompressed: find out which from their bytes, and undo it. */

import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { Decompress } from 'fzstd'
import { byteChunk } from './byte-chunk.js'

export type LayerCompression = 'gzip' | 'zstd' | 'none'

export interface DecompressedLayer {
  readonly compression: LayerCompression
  /** The uncompressed tar bytes. */
  readonly stream: Readable
  /** Set when the media type names a different compression from the one the bytes have. */
  readonly note?: string
}

const GZIP_MAGIC = [0x1f, 0x8b]
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd]
/** Enough for the magic and a whole zstd frame header (4 + 1 + 1 + 4 + 8 bytes). */
const PEEK_BYTES = 18
/**
 * fzstd 0.1.1 takes an offset's extra bits from one 32-bit read shifted by up to 7, so offsets
 * of 2^26 - 3 bytes or more decode wrong; only windows below that cannot hold such offsets.
 */
const ZSTD_MAX_WINDOW = 2 ** 26 - 4
/**
 * fzstd decodes every whole block in what it is given at once, and a 4-byte RLE block makes
 * 128 KiB: small slices cap one burst at 32 blocks (4 MiB) before the reader is asked again.
 */
const ZSTD_SLICE_BYTES = 128
const TRUNCATED_FIX = 'download it again or rebuild and push it'

/** The compression the first bytes of a blob show; anything else is taken as a plain tar. */
export function detectCompression(head: Uint8Array): LayerCompression {
  const startsWith = (magic: readonly number[]): boolean =>
    head.length >= magic.length && magic.every((byte, index) => head[index] === byte)
  if (startsWith(GZIP_MAGIC)) return 'gzip'
  if (startsWith(ZSTD_MAGIC)) return 'zstd'
  return 'none'
}

/** The compression an OCI or Docker layer media type names, or undefined if it names none. */
export function mediaTypeCompression(mediaType: string): LayerCompression | undefined {
  const type = mediaType.trim().toLowerCase()
  if (type.endsWith('+gzip') || type.endsWith('.tar.gzip')) return 'gzip'
  if (type.endsWith('+zstd')) return 'zstd'
  if (type.endsWith('.tar')) return 'none'
  return undefined
}

/**
 * Decompress a layer blob as it streams. The magic bytes decide; a media type that disagrees
 * only adds a note. Decoding waits for the reader, so memory stays bounded.
 */
export async function decompressLayer(
  source: AsyncIterable<unknown>,
  mediaType?: string
): Promise<DecompressedLayer> {
  const iterator = source[Symbol.asyncIterator]()
  const peeked: Buffer[] = []
  let peekedBytes = 0
  while (peekedBytes < PEEK_BYTES) {
    const next = await iterator.next()
    if (next.done === true) break
    const chunk = byteChunk(next.value, 'layer decompressor')
    peeked.push(chunk)
    peekedBytes += chunk.length
  }
  const head = Buffer.concat(peeked, Math.min(peekedBytes, PEEK_BYTES))
  const compression = detectCompression(head)
  const window = compression === 'zstd' ? zstdWindowSize(head) : undefined
  // Only the first frame is checked; the frames of one layer come from one encoder.
  if (window !== undefined && window > ZSTD_MAX_WINDOW) {
    await iterator.return?.()
    throw new LayerDecodeError(
      `zstd layer needs a ${mebibytes(window)} window; the zstd decoder here reads only windows under 64 MiB correctly; compress the layer without --long or --ultra levels, or with gzip`
    )
  }
  const input = Readable.from(replay(peeked, iterator), { objectMode: false })
  const declared = mediaType === undefined ? undefined : mediaTypeCompression(mediaType)
  const note =
    declared === undefined || declared === compression
      ? undefined
      : `media type ${mediaType ?? ''} says ${declared}, but the blob's bytes are ${compression}; read as ${compression}`
  return { compression, stream: decode(input, compression), note }
}

/**
 * The window a zstd frame header declares: how far back its matches may reach. Undefined when
 * the bytes do not hold a whole frame header.
 */
export function zstdWindowSize(head: Uint8Array): number | undefined {
  const descriptor = head[4]
  if (detectCompression(head) !== 'zstd' || descriptor === undefined) return undefined
  const singleSegment = (descriptor & 0x20) !== 0
  if (!singleSegment) {
    const windowByte = head[5]
    if (windowByte === undefined) return undefined
    const base = 2 ** (10 + (windowByte >> 3))
    return base + (base / 8) * (windowByte & 7)
  }
  // A single-segment frame's window is its content size, stored after the dictionary id.
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3] ?? 0
  const sizeBytes = [1, 2, 4, 8][descriptor >> 6] ?? 1
  const start = 5 + dictionaryBytes
  if (head.length < start + sizeBytes) return undefined
  let size = 0
  for (let index = start + sizeBytes - 1; index >= start; index--) {
    size = size * 256 + (head[index] ?? 0)
  }
  return sizeBytes === 2 ? size + 256 : size
}

function mebibytes(bytes: number): string {
  return `${Number((bytes / 2 ** 20).toFixed(1))} MiB`
}

async function* replay(
  peeked: readonly Buffer[],
  iterator: AsyncIterator<unknown>
): AsyncGenerator<Buffer, void, undefined> {
  try {
    yield* peeked
    for (;;) {
      const next = await iterator.next()
      if (next.done === true) return
      yield byteChunk(next.value, 'layer decompressor')
    }
  } finally {
    await iterator.return?.()
  }
}

/**
 * zlib's output chunk. Its 16 KiB default hands each layer over in four times as many trips
 * through the thread pool; 64 KiB decompressed a 1 MiB gzip layer in about two thirds of the
 * time here, and is still a few blocks of memory per layer.
 */
const GUNZIP_CHUNK = 64 * 1024

function decode(input: Readable, compression: LayerCompression): Readable {
  if (compression === 'none') return input
  const decoder =
    compression === 'gzip' ? createGunzip({ chunkSize: GUNZIP_CHUNK }) : new ZstdDecompress()
  const output = new PassThrough()
  // Wired by hand rather than with pipeline() so the reader gets an error that names the cause.
  input.on('error', error => output.destroy(error))
  decoder.on('error', error => output.destroy(explainDecodeError(compression, error)))
  output.on('close', () => {
    input.destroy()
    decoder.destroy()
  })
  return input.pipe(decoder).pipe(output)
}

/** A layer blob that cannot be decompressed (or not correctly, by the decoders here). */
export class LayerDecodeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'LayerDecodeError'
  }
}

function explainDecodeError(compression: LayerCompression, error: Error): Error {
  if (error instanceof LayerDecodeError) return error
  // zlib says Z_BUF_ERROR when the input ends before the gzip trailer.
  const code = 'code' in error ? error.code : undefined
  const problem = code === 'Z_BUF_ERROR' ? 'ended early' : `is corrupt (${error.message})`
  return new LayerDecodeError(`${compression} stream of the layer ${problem}; ${TRUNCATED_FIX}`, {
    cause: error
  })
}

/**
 * zstd decompression as a Transform, on fzstd's streaming decoder. Input is fed in small
 * slices; when the reader's buffer is full, feeding pauses until it asks for more.
 */
export class ZstdDecompress extends Transform {
  readonly #decoder: Decompress
  #resume: (() => void) | undefined
  #readerIsFull = false

  constructor() {
    super()
    this.#decoder = new Decompress(data => {
      if (data.length === 0) return
      if (!this.push(Buffer.from(data.buffer, data.byteOffset, data.length))) {
        this.#readerIsFull = true
      }
    })
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#feed(chunk, 0, callback)
  }

  override _read(size: number): void {
    const resume = this.#resume
    this.#resume = undefined
    resume?.()
    // Transform's own _read hands over the write callback it held back while the reader was full.
    super._read(size)
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#decoder.push(new Uint8Array(0), true)
    } catch (error) {
      callback(zstdError(error))
      return
    }
    callback()
  }

  #feed(chunk: Buffer, start: number, callback: TransformCallback): void {
    try {
      for (let position = start; position < chunk.length;) {
        this.#decoder.push(chunk.subarray(position, position + ZSTD_SLICE_BYTES))
        position += ZSTD_SLICE_BYTES
        // Pause only after a push said so: a _read that ends without pushing is never re-called.
        if (this.#takeReaderIsFull() && position < chunk.length) {
          const next = position
          this.#resume = () => {
            this.#feed(chunk, next, callback)
          }
          return
        }
      }
    } catch (error) {
      callback(zstdError(error))
      return
    }
    callback()
  }

  #takeReaderIsFull(): boolean {
    const full = this.#readerIsFull
    this.#readerIsFull = false
    return full
  }
}

/** fzstd's errors carry a numeric code; 5 is "unexpected EOF". */
function zstdError(error: unknown): LayerDecodeError {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  const detail = error instanceof Error ? error.message : String(error)
  const problem = code === 5 ? 'ended inside a frame' : `is corrupt (${detail})`
  return new LayerDecodeError(`zstd stream of the layer ${problem}; ${TRUNCATED_FIX}`, {
    cause: error
  })
}
