/**
 * Installing qemu-user-static with apt on a runner image as it really is: package lists that
 * are missing or older than the archive, and a dpkg lock held by the image's own upgrades.
 * The plan is pure (what happened so far -> the next command); the shell below runs it.
 */
import * as core from '@actions/core'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { ActionError } from '../errors.js'
import { type ExecResult, commandLine, exec } from '../exec.js'

/** Lists older than this are refreshed before the install: the archive moves on weekly or faster. */
export const LIST_MAX_AGE_HOURS = 24
/** How long apt waits for another apt or dpkg (an unattended upgrade) to let go of the lock. */
export const DPKG_LOCK_TIMEOUT_SECONDS = 300

export const QEMU_PACKAGE = 'qemu-user-static'

/** What the package lists on disk look like. */
export type ListState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'stale'; readonly ageHours: number }
  | { readonly kind: 'fresh'; readonly ageHours: number }

/** Why an apt command failed, read from what it printed. */
export type AptFailure =
  /** The lists do not know the package, or name a version the archive no longer has (404). */
  | 'stale-lists'
  /** Another apt or dpkg held the lock longer than the timeout. */
  | 'lock'
  /** sudo wanted a password. */
  | 'privilege'
  | 'other'

export type AptEvent =
  | { readonly command: 'update'; readonly ok: boolean }
  | { readonly command: 'install'; readonly failure: AptFailure }

export type AptStep =
  | { readonly kind: 'update'; readonly why: string }
  | { readonly kind: 'install' }
  | { readonly kind: 'stop'; readonly why: string; readonly fix: string }

/** The state of the lists from their `*_Packages*` files' modification times (ms). */
export function listState(packagesMtimes: readonly number[], nowMs: number): ListState {
  if (packagesMtimes.length === 0) return { kind: 'missing' }
  const ageHours = (nowMs - Math.max(...packagesMtimes)) / 3_600_000
  return ageHours > LIST_MAX_AGE_HOURS ? { kind: 'stale', ageHours } : { kind: 'fresh', ageHours }
}

/** Which failure an apt command's output shows. */
export function classifyAptFailure(output: string): AptFailure {
  if (/a password is required|a terminal is required/i.test(output)) return 'privilege'
  if (
    /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (the )?(administration|directory)/i.test(
      output
    )
  ) {
    return 'lock'
  }
  if (
    /Unable to locate package|has no installation candidate|404\s+Not Found|Failed to fetch|File not found|maybe run apt-get update/i.test(
      output
    )
  ) {
    return 'stale-lists'
  }
  return 'other'
}

function describeLists(lists: ListState): string {
  return lists.kind === 'missing'
    ? 'the package lists are missing'
    : `the package lists are ${Math.round(lists.ageHours)} hours old`
}

/**
 * The next apt command after `history`: refresh the lists first when they are missing or old,
 * then install; refresh once more and retry when the install finds no package or a 404; stop
 * on anything a refresh cannot mend.
 */
export function nextAptStep(lists: ListState, history: readonly AptEvent[]): AptStep {
  const last = history.at(-1)
  if (last === undefined) {
    return lists.kind === 'fresh'
      ? { kind: 'install' }
      : { kind: 'update', why: describeLists(lists) }
  }
  // A partly failed refresh is no reason to stop: the one list we need may have come through.
  if (last.command === 'update') return { kind: 'install' }
  const updated = history.some(event => event.command === 'update')
  switch (last.failure) {
    case 'stale-lists':
      return updated
        ? {
            kind: 'stop',
            why: `${QEMU_PACKAGE} is still not installable after refreshing the package lists`,
            fix: `Check the runner's apt sources, or install ${QEMU_PACKAGE} before this step`
          }
        : {
            kind: 'update',
            why: 'the install found no package or a version the archive no longer has'
          }
    case 'lock':
      return {
        kind: 'stop',
        why: `another apt or dpkg held the dpkg lock for over ${DPKG_LOCK_TIMEOUT_SECONDS} s`,
        fix: `Wait for the runner's own upgrades to finish, or install ${QEMU_PACKAGE} before this step`
      }
    case 'privilege':
      return {
        kind: 'stop',
        why: 'installing needs root, and sudo asked for a password',
        fix: `Run as root or with passwordless sudo, or install ${QEMU_PACKAGE} before this step`
      }
    case 'other':
      return {
        kind: 'stop',
        why: `apt-get could not install ${QEMU_PACKAGE}`,
        fix: `Install ${QEMU_PACKAGE} before this step`
      }
  }
}

/** apt-get's arguments for one step. */
export function aptGetArgs(kind: 'update' | 'install'): string[] {
  const lock = ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}`]
  return kind === 'update'
    ? [...lock, '-q', 'update']
    : [...lock, '-q', '-y', '--no-install-recommends', 'install', QEMU_PACKAGE]
}

/**
 * The whole command: apt-get itself as root, else through `sudo -n`. `env` carries what sudo
 * would drop: no questions asked, and the apt configuration the runner points APT_CONFIG at.
 */
export function aptCommand(
  kind: 'update' | 'install',
  root: boolean,
  aptConfig: string | undefined
): { program: string; args: string[] } {
  const env = [
    'DEBIAN_FRONTEND=noninteractive',
    ...(aptConfig === undefined || aptConfig === '' ? [] : [`APT_CONFIG=${aptConfig}`])
  ]
  const argv = ['env', ...env, 'apt-get', ...aptGetArgs(kind)]
  return root
    ? { program: argv[0] ?? 'env', args: argv.slice(1) }
    : { program: 'sudo', args: ['-n', ...argv] }
}

/** Where apt keeps its lists, as apt's own configuration (APT_CONFIG included) says. */
async function listsDirectory(): Promise<string> {
  const result = await exec('apt-config', ['shell', 'LISTS', 'Dir::State::Lists/d'], {
    silent: true,
    allowFailure: true
  }).catch(() => undefined)
  const found = /LISTS='([^']*)'/.exec(result?.stdout ?? '')?.[1]
  return found === undefined || found === '' ? '/var/lib/apt/lists' : found
}

/** The lists' state on disk: the modification times of their `*_Packages*` files. */
export async function readListState(nowMs: number = Date.now()): Promise<ListState> {
  const dir = await listsDirectory()
  const names = await readdir(dir).catch(() => [] as string[])
  const mtimes = await Promise.all(
    names
      .filter(name => /_Packages(\.\w+)?$/.test(name))
      .map(async name => (await stat(path.join(dir, name))).mtimeMs)
  )
  core.debug(`apt lists in ${dir}: ${mtimes.length} Packages files`)
  return listState(mtimes, nowMs)
}

/** How many apt commands may run at most: a refresh, an install, a refresh, an install. */
const MAX_STEPS = 4

/**
 * Install qemu-user-static, refreshing the package lists where the plan says so. Each apt
 * command's output goes to the log; a failure names the whole command and what it printed.
 */
export async function installQemuPackage(
  root: boolean = process.getuid?.() === 0,
  env: Readonly<Record<string, string | undefined>> = process.env
): Promise<void> {
  const lists = await readListState()
  const history: AptEvent[] = []
  let lastFailed: { command: string; result: ExecResult } | undefined
  for (let count = 0; count < MAX_STEPS; count++) {
    const step = nextAptStep(lists, history)
    if (step.kind === 'stop') {
      const tail =
        lastFailed === undefined
          ? ''
          : `: \`${lastFailed.command}\` exited with code ${lastFailed.result.exitCode}${lastLines(lastFailed.result)}`
      throw new ActionError(`${step.why}${tail}`, step.fix)
    }
    if (step.kind === 'update') core.info(`refreshing the package lists: ${step.why}`)
    const { program, args } = aptCommand(step.kind, root, env.APT_CONFIG)
    const result = await exec(program, args, { allowFailure: true })
    if (step.kind === 'update') {
      history.push({ command: 'update', ok: result.exitCode === 0 })
      if (result.exitCode !== 0) {
        core.warning(
          `\`${commandLine(program, args)}\` exited with code ${result.exitCode}; trying the install with the lists it did refresh`
        )
      }
      continue
    }
    if (result.exitCode === 0) return
    const failure = classifyAptFailure(`${result.stdout}\n${result.stderr}`)
    core.debug(`apt-get install failed: ${failure}`)
    history.push({ command: 'install', failure })
    lastFailed = { command: commandLine(program, args), result }
  }
  throw new ActionError(`apt-get did not install ${QEMU_PACKAGE} in ${MAX_STEPS} commands`)
}

function lastLines(result: ExecResult): string {
  const lines = `${result.stdout}\n${result.stderr}`
    .trim()
    .split('\n')
    .filter(line => line.trim() !== '')
    .slice(-6)
  return lines.length === 0 ? '' : `:\n${lines.join('\n')}`
}
