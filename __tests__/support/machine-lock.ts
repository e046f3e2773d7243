/**
 * Locks on what the whole machine shares, so two test runs, or a run beside `scripts/example.sh`,
 * the benchmarks or `lab.sh up`, cannot fail each other. They are flock(1) locks, the same ones
 * lab/lab.sh and scripts/example.sh take: the kernel drops a lock when its holder dies, so a
 * crashed run never leaves one stale.
 *
 * LAB_LOCK     held exclusively by an end-to-end run (its tests remove binfmt handlers and may
 *              prune the lab's registries), shared by scripts/example.sh.
 * BINFMT_LOCK  held exclusively by whatever removes binfmt_misc handlers (the QEMU suite, the
 *              QEMU benchmark), shared by `lab.sh up` while it registers them.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable, Writable } from 'node:stream'

const LOCK_DIR =
  process.env.MULTIARCH_LOCK_DIR ?? (existsSync('/run/lock') ? '/run/lock' : tmpdir())
export const LAB_LOCK = path.join(LOCK_DIR, 'multiarch-lab.lock')
export const BINFMT_LOCK = path.join(LOCK_DIR, 'multiarch-binfmt.lock')

export interface LockOptions {
  /** Readers share a lock; a writer holds it alone. */
  readonly shared?: boolean
  /** Who wants it, for the message printed while waiting. */
  readonly holder: string
  /** Give up after this long (default: wait as long as it takes). */
  readonly timeoutMs?: number
}

export type Release = () => Promise<void>

/**
 * Take `file` and keep it until the returned function is called. A child `flock` holds it
 * while its stdin stays open, so the lock also ends with this process.
 */
export function holdLock(file: string, options: LockOptions): Promise<Release> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    'flock',
    [
      options.shared === true ? '--shared' : '--exclusive',
      file,
      'sh',
      '-c',
      'echo locked; exec cat >/dev/null'
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  )
  const closed = new Promise<void>(resolve => {
    child.once('close', () => {
      resolve()
    })
  })
  return new Promise<Release>((resolve, reject) => {
    const waiting = setTimeout(() => {
      console.warn(`[lock] ${options.holder} waits for ${file} (another run holds it)`)
    }, 2_000)
    const giveUp =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill()
            reject(new Error(`${options.holder}: ${file} still held after ${options.timeoutMs} ms`))
          }, options.timeoutMs)
    child.once('error', error => {
      clearTimeout(waiting)
      clearTimeout(giveUp)
      reject(new Error(`${options.holder}: cannot run flock for ${file}: ${error.message}`))
    })
    child.stdout.setEncoding('utf8')
    child.stdout.once('data', () => {
      clearTimeout(waiting)
      clearTimeout(giveUp)
      resolve(async () => {
        child.stdin.end()
        await closed
      })
    })
    child.once('close', code => {
      clearTimeout(waiting)
      clearTimeout(giveUp)
      reject(new Error(`${options.holder}: flock ${file} ended (${String(code)}) before locking`))
    })
  })
}
