import * as core from '@actions/core'
import { constants } from 'node:fs'
import { access, realpath, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError, errorMessage } from '../errors.js'
import { exec } from '../exec.js'
import type { QemuChoice } from '../inputs.js'
import { type Platform, formatPlatform } from '../platform.js'
import type { PlannedPlatform } from '../plan.js'
import {
  BINFMT_DIR,
  type BinfmtHandler,
  judgeHandlers,
  readHandlers,
  registrationLine
} from './binfmt.js'
import { BINFMT_TABLE, type BinfmtRow, binfmtRow } from './binfmt-table.js'
import { installQemuPackage } from './apt.js'

export interface QemuOptions {
  readonly choice: QemuChoice
  /** Replaces the plan's emulated platforms as the set to register. */
  readonly platforms: readonly Platform[] | undefined
  /** Install Debian/Ubuntu's qemu-user-static when no QEMU binary is found. */
  readonly allowInstall: boolean
  readonly binfmtDir?: string
  /** Folders to look for QEMU binaries in; tests point this at their own. */
  readonly searchDirs?: readonly string[]
}

export type QemuOutcome =
  | { readonly kind: 'native' }
  | { readonly kind: 'already'; readonly handler: string; readonly interpreter: string }
  | { readonly kind: 'registered'; readonly handler: string; readonly interpreter: string }

export interface QemuReport {
  readonly platform: string
  readonly outcome: QemuOutcome
}

/** Where QEMU's user-mode emulators live: Debian's `-binfmt-P` entries, then the usual bins and PATH. */
export function defaultSearchDirs(): string[] {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(dir => dir !== '')
  return ['/usr/libexec/qemu-binfmt', '/usr/bin', '/usr/local/bin', ...onPath]
}

/** Candidate emulator paths in `dirs`, best first: a `-binfmt-P` entry preserves argv[0]. */
export function interpreterCandidates(row: BinfmtRow, dirs: readonly string[]): string[] {
  return dirs.flatMap(dir => [
    path.join(dir, `${row.qemu}-binfmt-P`),
    path.join(dir, `qemu-${row.qemu}-static`)
  ])
}

/** Whether `file` exists (and, with X_OK, may be executed). */
async function accessible(file: string, mode: number = constants.F_OK): Promise<boolean> {
  try {
    await access(file, mode)
    return true
  } catch {
    return false
  }
}

async function findInterpreter(
  row: BinfmtRow,
  dirs: readonly string[]
): Promise<string | undefined> {
  for (const candidate of interpreterCandidates(row, dirs)) {
    if (await accessible(candidate, constants.X_OK)) return candidate
  }
  return undefined
}

const isRoot = (): boolean => process.getuid?.() === 0

/** Run a privileged command: directly as root, else through passwordless sudo. */
async function privileged(program: string, args: readonly string[]): Promise<void> {
  if (isRoot()) await exec(program, args, { silent: true })
  else await exec('sudo', ['-n', program, ...args], { silent: true })
}

async function writeProc(file: string, content: string): Promise<void> {
  if (isRoot()) await writeFile(file, content)
  else await exec('sudo', ['-n', 'tee', file], { input: Buffer.from(content), silent: true })
}

async function ensureMounted(dir: string): Promise<void> {
  if (await accessible(path.join(dir, 'register'))) return
  try {
    await privileged('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir])
  } catch (error) {
    throw new ActionError(
      `binfmt_misc is not mounted at ${dir} and mounting it failed (${errorMessage(error)})`,
      'Run as root or with passwordless sudo, or set `qemu: false` and build only native platforms'
    )
  }
}

/** The platforms QEMU must serve: none, the plan's emulated ones, an override, or all. */
export function qemuTargets(plan: readonly PlannedPlatform[], options: QemuOptions): Platform[] {
  if (options.choice === 'false') return []
  if (options.platforms !== undefined) return [...options.platforms]
  const emulated = plan.filter(entry => entry.emulated).map(entry => entry.platform)
  if (options.choice === 'auto') return emulated
  const host = plan.find(entry => !entry.emulated)?.platform.architecture
  const everyOther = BINFMT_TABLE.filter(row => row.architecture !== host).map(
    row => ({ os: 'linux', architecture: row.architecture }) as const
  )
  return [...emulated, ...everyOther]
}

/**
 * Make sure binfmt_misc hands every target architecture to QEMU with the F flag.
 * Registers nothing unless every missing architecture has an emulator, and removes
 * what it registered if a later registration fails, so nothing is half-done.
 */
export async function setupQemu(
  plan: readonly PlannedPlatform[],
  options: QemuOptions
): Promise<QemuReport[]> {
  const dir = options.binfmtDir ?? BINFMT_DIR
  const targets = qemuTargets(plan, options)
  const reports: QemuReport[] = plan
    .filter(entry => !entry.emulated)
    .map(entry => ({ platform: entry.name, outcome: { kind: 'native' } }))
  if (targets.length === 0) {
    if (options.choice === 'false' && plan.some(entry => entry.emulated)) {
      core.warning('qemu is false: emulated platforms build only if binfmt handlers already exist')
    }
    return reports
  }
  await ensureMounted(dir)
  const handlers = await readHandlers(dir)
  const missing: { platform: string; row: BinfmtRow; reason: string }[] = []
  const seenRows = new Set<string>()
  for (const platform of targets) {
    const name = formatPlatform(platform)
    const row = binfmtRow(platform.architecture)
    if (row === undefined) throw new ActionError(`${name}: QEMU has no user-mode emulator for it`)
    if (seenRows.has(row.architecture)) continue
    seenRows.add(row.architecture)
    const verdict = judgeHandlers(handlers, row)
    if (verdict.usable) {
      reports.push({ platform: name, outcome: alreadyOutcome(verdict.handler) })
    } else {
      missing.push({ platform: name, row, reason: verdict.reason })
    }
  }
  if (missing.length === 0) return reports

  const dirs = options.searchDirs ?? defaultSearchDirs()
  let interpreters = await Promise.all(missing.map(entry => findInterpreter(entry.row, dirs)))
  if (
    interpreters.includes(undefined) &&
    options.allowInstall &&
    (await accessible('/usr/bin/apt-get'))
  ) {
    core.info('installing qemu-user-static, since no QEMU binary was found for every platform')
    await installQemuPackage(isRoot())
    interpreters = await Promise.all(missing.map(entry => findInterpreter(entry.row, dirs)))
  }
  const unserved = missing.filter((_, index) => interpreters[index] === undefined)
  if (unserved.length > 0) {
    throw new ActionError(
      `no QEMU emulator for ${unserved.map(entry => entry.platform).join(', ')} (${unserved
        .map(entry => entry.reason)
        .join('; ')})`,
      'Install qemu-user-static (apt-get install qemu-user-static), or remove these platforms'
    )
  }

  const taken = new Set(handlers.map(handler => handler.name))
  const registered: string[] = []
  try {
    for (const [index, entry] of missing.entries()) {
      const interpreter = interpreters[index] ?? ''
      const handlerName = taken.has(`qemu-${entry.row.qemu}`)
        ? `qemu-${entry.row.qemu}-fixed`
        : `qemu-${entry.row.qemu}`
      await writeProc(
        path.join(dir, 'register'),
        registrationLine(handlerName, entry.row, interpreter)
      )
      registered.push(handlerName)
      const readBack = (await readHandlers(dir)).find(handler => handler.name === handlerName)
      if (readBack === undefined || !readBack.enabled || !readBack.flags.includes('F')) {
        throw new Error(`${handlerName} did not read back as enabled with the F flag`)
      }
      reports.push({
        platform: entry.platform,
        outcome: { kind: 'registered', handler: handlerName, interpreter: readBack.interpreter }
      })
    }
  } catch (error) {
    for (const handlerName of registered) {
      await writeProc(path.join(dir, handlerName), '-1').catch(() => undefined)
    }
    throw new ActionError(
      `registering QEMU handlers failed: ${errorMessage(error)}; none were left registered`,
      'Run as root or with passwordless sudo'
    )
  }
  return reports
}

function alreadyOutcome(handler: BinfmtHandler): QemuOutcome {
  return { kind: 'already', handler: handler.name, interpreter: handler.interpreter }
}

export function describeOutcome(report: QemuReport): string {
  const outcome = report.outcome
  switch (outcome.kind) {
    case 'native':
      return `${report.platform}: native`
    case 'already':
      return `${report.platform}: already registered (${outcome.handler} -> ${outcome.interpreter})`
    case 'registered':
      return `${report.platform}: registered ${outcome.handler} from ${outcome.interpreter}`
  }
}

/** `7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)` from `qemu-aarch64 --version`; undefined when unreadable. */
export function parseQemuVersion(output: string): string | undefined {
  const match = /version (\d[^\s(]*)(?: \(([^)]*)\))?/.exec(output)
  if (match?.[1] === undefined) return undefined
  return match[2] === undefined || match[2] === '' ? match[1] : `${match[1]} (${match[2]})`
}

/**
 * The version of the QEMU that serves the emulated platforms, read from the first handler's
 * emulator. A `-binfmt-P` entry reads its arguments differently, so the file it links to is asked.
 */
export async function qemuVersion(
  reports: readonly QemuReport[]
): Promise<{ version: string; interpreter: string } | undefined> {
  for (const report of reports) {
    if (report.outcome.kind === 'native') continue
    const interpreter = await realpath(report.outcome.interpreter).catch(() => undefined)
    if (interpreter === undefined || interpreter.endsWith('-binfmt-P')) continue
    const result = await exec(interpreter, ['--version'], {
      silent: true,
      allowFailure: true
    }).catch(() => undefined)
    const version = result?.exitCode === 0 ? parseQemuVersion(result.stdout) : undefined
    if (version !== undefined) return { version, interpreter }
  }
  return undefined
}
