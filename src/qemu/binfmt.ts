import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import {
  type BinfmtRow,
  MAGIC_LENGTH,
  binfmtMagic,
  binfmtMask,
  escapeBytes
} from './binfmt-table.js'

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc'

/** A registered binfmt_misc handler, as its file under /proc reads. */
export interface BinfmtHandler {
  readonly name: string
  readonly enabled: boolean
  readonly interpreter: string
  readonly flags: string
  readonly offset: number
  readonly magic: Buffer
  readonly mask: Buffer | undefined
}

/**
 * Parse one handler file: `enabled`, `interpreter X`, `flags: PF`, `offset 0`,
 * `magic 7f45...`, `mask ff...`. Extension handlers (`extension .jar`) have no magic.
 */
export function parseHandler(name: string, text: string): BinfmtHandler | undefined {
  let enabled = false
  let interpreter = ''
  let flags = ''
  let offset = 0
  let magic: Buffer | undefined
  let mask: Buffer | undefined
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (trimmed === 'enabled') enabled = true
    else if (trimmed.startsWith('interpreter ')) interpreter = trimmed.slice('interpreter '.length)
    else if (trimmed.startsWith('flags:')) flags = trimmed.slice('flags:'.length).trim()
    else if (trimmed.startsWith('offset ')) offset = Number(trimmed.slice('offset '.length))
    else if (trimmed.startsWith('magic ')) magic = Buffer.from(trimmed.slice(6), 'hex')
    else if (trimmed.startsWith('mask ')) mask = Buffer.from(trimmed.slice(5), 'hex')
  }
  if (magic === undefined) return undefined
  return { name, enabled, interpreter, flags, offset, magic, mask }
}

/** Whether the kernel would hand an executable of `row`'s architecture to this handler. */
export function handlerMatches(handler: BinfmtHandler, row: BinfmtRow): boolean {
  const header = binfmtMagic(row)
  if (handler.offset + handler.magic.length > header.length) return false
  for (let index = 0; index < handler.magic.length; index++) {
    const maskByte = handler.mask?.[index] ?? 0xff
    const fileByte = header[handler.offset + index] ?? 0
    if ((fileByte & maskByte) !== ((handler.magic[index] ?? 0) & maskByte)) return false
  }
  return true
}

export type HandlerVerdict =
  | { readonly usable: true; readonly handler: BinfmtHandler }
  | { readonly usable: false; readonly reason: string }

/**
 * Is there a handler that runs this architecture inside a build container? It must be
 * enabled and carry `F`: without it the kernel looks the interpreter up inside the
 * container's root at exec time, where it does not exist.
 */
export function judgeHandlers(handlers: readonly BinfmtHandler[], row: BinfmtRow): HandlerVerdict {
  const matching = handlers.filter(handler => handlerMatches(handler, row))
  const usable = matching.find(handler => handler.enabled && handler.flags.includes('F'))
  if (usable !== undefined) return { usable: true, handler: usable }
  const [first] = matching
  if (first === undefined) return { usable: false, reason: 'no handler is registered' }
  if (!first.enabled) return { usable: false, reason: `handler ${first.name} is disabled` }
  return {
    usable: false,
    reason: `handler ${first.name} lacks the F flag, so it cannot run inside containers`
  }
}

/**
 * The line to write to `register`: `:name:M:offset:magic:mask:interpreter:flags`.
 * `P` only where the interpreter is QEMU's `-binfmt-P` entry, which expects argv[0] preserved.
 */
export function registrationLine(name: string, row: BinfmtRow, interpreter: string): string {
  if (/[:\s]/.test(interpreter) || /[:/\s]/.test(name)) {
    throw new Error(`cannot register ${name}: ${interpreter} has a colon or blank in its path`)
  }
  const flags = interpreter.endsWith('-binfmt-P') ? 'FP' : 'F'
  const magic = escapeBytes(binfmtMagic(row).subarray(0, MAGIC_LENGTH))
  const mask = escapeBytes(binfmtMask(row))
  return `:${name}:M:0:${magic}:${mask}:${interpreter}:${flags}`
}

/** Every handler with a magic under `dir`; no process is spawned, only /proc is read. */
export async function readHandlers(dir: string = BINFMT_DIR): Promise<BinfmtHandler[]> {
  const names = await readdir(dir)
  const handlers: BinfmtHandler[] = []
  for (const name of names) {
    if (name === 'register' || name === 'status') continue
    try {
      const handler = parseHandler(name, await readFile(path.join(dir, name), 'utf8'))
      if (handler !== undefined) handlers.push(handler)
    } catch {
      // A handler removed between readdir and readFile is simply gone.
    }
  }
  return handlers
}
