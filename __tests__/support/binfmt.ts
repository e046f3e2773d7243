/** Take binfmt handlers away and put them back, for tests and benchmarks that need a clean slate. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { BINFMT_DIR, type BinfmtHandler } from '../../src/qemu/binfmt.js'
import { escapeBytes } from '../../src/qemu/binfmt-table.js'

export function removeHandler(handler: BinfmtHandler): void {
  writeFileSync(path.join(BINFMT_DIR, handler.name), '-1')
}

/** Register a handler again exactly as it read (the kernel keeps no other copy of it). */
export function restoreHandler(handler: BinfmtHandler): void {
  const mask = handler.mask === undefined ? '' : escapeBytes(handler.mask)
  writeFileSync(
    path.join(BINFMT_DIR, 'register'),
    `:${handler.name}:M:${handler.offset}:${escapeBytes(handler.magic)}:${mask}:${handler.interpreter}:${handler.flags}`
  )
  if (!handler.enabled) writeFileSync(path.join(BINFMT_DIR, handler.name), '0')
}
