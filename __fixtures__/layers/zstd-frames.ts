/**
 * zstd frames written by hand (Node 20 has no zstd compressor): raw blocks to carry any bytes,
 * RLE blocks to make a tiny input that decompresses to a lot.
 */

const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])
const MAX_BLOCK = 128 * 1024
/** No single segment, no checksum, no dictionary, no content size; a 128 KiB window. */
const FRAME_HEADER = Buffer.concat([MAGIC, Buffer.from([0x00, (17 - 10) << 3])])

function blockHeader(type: 'raw' | 'rle', size: number, last: boolean): Buffer {
  const value = (last ? 1 : 0) | ((type === 'raw' ? 0 : 1) << 1) | (size << 3)
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff])
}

/** One frame of raw blocks carrying the chunks as they come. */
export async function* zstdRawFrame(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield FRAME_HEADER
  for await (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += MAX_BLOCK) {
      const block = chunk.subarray(start, start + MAX_BLOCK)
      yield Buffer.concat([blockHeader('raw', block.length, false), block])
    }
  }
  yield blockHeader('raw', 0, true)
}

/** One frame of `blocks` RLE blocks of 128 KiB each: 4 bytes in, 128 KiB out, per block. */
export function zstdRleFrame(blocks: number, byte: number): Buffer {
  const parts: Buffer[] = [FRAME_HEADER]
  for (let index = 0; index < blocks; index++) {
    parts.push(blockHeader('rle', MAX_BLOCK, index === blocks - 1), Buffer.from([byte]))
  }
  return Buffer.concat(parts)
}

/** A skippable frame, as zstd:chunked appends for its table of contents. */
export function zstdSkippableFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header.writeUInt32LE(0x184d2a50, 0)
  header.writeUInt32LE(payload.length, 4)
  return Buffer.concat([header, payload])
}
