import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  BINFMT_DIR,
  type BinfmtHandler,
  handlerMatches,
  readHandlers
} from '../../src/qemu/binfmt.js'
import {
  BINFMT_TABLE,
  type BinfmtRow,
  binfmtRow,
  escapeBytes
} from '../../src/qemu/binfmt-table.js'
import { runMain, runPost } from '../../harness/runner.mjs'
import { removeHandler, restoreHandler } from '../support/binfmt.js'
import { BINFMT_LOCK, type Release, holdLock } from '../support/machine-lock.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
function row(architecture: string): BinfmtRow {
  const found = binfmtRow(architecture)
  if (found === undefined) throw new Error(`no binfmt row for ${architecture}`)
  return found
}
const arm64 = row('arm64')
const s390x = row('s390x')
const amd64 = row('amd64')

function matching(handlers: BinfmtHandler[], row = arm64): BinfmtHandler[] {
  return handlers.filter(handler => handlerMatches(handler, row))
}

function busybox(debianArch: string, ...args: string[]): string {
  return execFileSync(path.join(lab.LAB_BUSYBOX_DIR, debianArch, 'bin', 'busybox'), args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

const buildInputs = {
  platforms: 'linux/amd64,linux/arm64,linux/s390x',
  context: 'examples/emulated-run',
  'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
  engine: 'buildah'
}

/**
 * The QEMU handlers the action could register, with their definitions. Handlers of other
 * kinds (jar, python, ...) belong to the machine, and whoever changes them is no concern here.
 */
async function qemuTable(): Promise<string[][]> {
  return (await readHandlers())
    .filter(handler => BINFMT_TABLE.some(row => handlerMatches(handler, row)))
    .map(handler => [handler.name, readFileSync(path.join(BINFMT_DIR, handler.name), 'utf8')])
}

/** Before a run that must register: nobody may have put a handler back meanwhile. */
async function expectUnregistered(...rows: BinfmtRow[]): Promise<void> {
  const handlers = await readHandlers()
  for (const row of rows) {
    expect(
      matching(handlers, row).filter(handler => handler.flags.includes('F')),
      `a ${row.architecture} handler was registered by someone else while ${BINFMT_LOCK} was held`
    ).toEqual([])
  }
}

describe('QEMU registration through dist/ on the real binfmt_misc', () => {
  let saved: BinfmtHandler[] = []
  let release: Release | undefined

  beforeAll(async () => {
    // Whoever else registers handlers (lab.sh up, the QEMU benchmark) waits until we are done.
    release = await holdLock(BINFMT_LOCK, { holder: 'the QEMU suite' })
    const handlers = await readHandlers()
    saved = [...matching(handlers, arm64), ...matching(handlers, s390x)]
    for (const handler of saved) removeHandler(handler)
  })

  afterAll(async () => {
    for (const handler of [
      ...matching(await readHandlers(), arm64),
      ...matching(await readHandlers(), s390x)
    ]) {
      removeHandler(handler)
    }
    for (const handler of saved) restoreHandler(handler)
    await release?.()
  })

  it('registers exactly the emulated platforms, and their binaries run', async () => {
    const amd64Before = matching(await readHandlers(), amd64).map(handler => handler.name)
    expect(() => busybox('arm64', 'uname', '-m')).toThrow()
    await expectUnregistered(arm64, s390x)

    const step = await runMain({ inputs: buildInputs, env: BUILDAH_ENV })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toContain('::group::Set up QEMU')
    expect(step.stdout).toMatch(/linux\/amd64: native/)
    expect(step.stdout).toMatch(/linux\/arm64: registered qemu-aarch64 from \/usr\/\S+/)
    expect(step.stdout).toMatch(/linux\/s390x: registered qemu-s390x from \/usr\/\S+/)
    expect(step.outputs.emulated).toBe('linux/arm64,linux/s390x')

    const handlers = await readHandlers()
    for (const row of [arm64, s390x]) {
      const [handler] = matching(handlers, row)
      expect(handler?.enabled).toBe(true)
      expect(handler?.flags).toContain('F')
    }
    expect(matching(handlers, amd64).map(handler => handler.name)).toEqual(amd64Before)
    expect(busybox('arm64', 'uname', '-m')).toBe('aarch64')
    expect(busybox('s390x', 'uname', '-m')).toBe('s390x')
    expect((await runPost(step)).exitCode).toBe(0)
  })

  it('changes nothing on a second run and reports the handlers as already registered', async () => {
    const before = await qemuTable()
    const step = await runMain({ inputs: buildInputs, env: BUILDAH_ENV })
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toMatch(/linux\/arm64: already registered \(qemu-aarch64 -> /)
    expect(step.stdout).toMatch(/linux\/s390x: already registered \(qemu-s390x -> /)
    expect(await qemuTable()).toEqual(before)
  })

  it('fails without privileges, naming the fix, and leaves nothing half-registered', async () => {
    for (const handler of [
      ...matching(await readHandlers(), arm64),
      ...matching(await readHandlers(), s390x)
    ]) {
      removeHandler(handler)
    }
    const before = (await readHandlers()).map(handler => handler.name).sort()
    const nobody = 65534
    // The suites' storage configuration and root's home are root's: with an empty
    // configuration and a home of nobody's own, buildah runs for nobody, as it would for a
    // runner's user, and the step reaches the QEMU registration that this case is about.
    const step = await runMain({
      inputs: buildInputs,
      env: { ...BUILDAH_ENV, CONTAINERS_STORAGE_CONF: '/dev/null', HOME: '/nonexistent' },
      uid: nobody
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(
      /registering QEMU handlers failed: .*; none were left registered\. Run as root or with passwordless sudo/
    )
    expect(step.outputs).toEqual({})
    expect((await readHandlers()).map(handler => handler.name).sort()).toEqual(before)
  })

  it('treats a handler without the F flag as missing and registers one that has it', async () => {
    for (const handler of matching(await readHandlers(), arm64)) removeHandler(handler)
    await expectUnregistered(arm64)
    const interpreter = '/usr/bin/qemu-aarch64-static'
    writeFileSync(
      path.join(BINFMT_DIR, 'register'),
      `:qemu-aarch64:M:0:${escapeBytes(Buffer.from('7f454c460201010000000000000000000200b700', 'hex'))}:${escapeBytes(Buffer.from('ffffffffffffff00fffffffffffffffffeffffff', 'hex'))}:${interpreter}:`
    )
    const step = await runMain({
      inputs: { ...buildInputs, platforms: 'linux/arm64' },
      env: BUILDAH_ENV
    })
    expect(step.errors).toEqual([])
    expect(step.stdout).toMatch(/linux\/arm64: registered qemu-aarch64-fixed from /)
    const handlers = matching(await readHandlers(), arm64)
    expect(handlers.find(handler => handler.name === 'qemu-aarch64-fixed')?.flags).toContain('F')
    expect(busybox('arm64', 'uname', '-m')).toBe('aarch64')
  })
})
