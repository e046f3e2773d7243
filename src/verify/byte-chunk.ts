/** A chunk from a stream that should carry bytes, as a Buffer without copying. */
export function byteChunk(chunk: unknown, reader: string): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
  throw new TypeError(
    `${reader} got a ${typeof chunk} chunk; pass a byte stream (no setEncoding, no object mode)`
  )
}
