/**
 * QEMU setup cost for 4 emulated platforms: the already-registered path (reads /proc
 * only) and registration from local QEMU binaries, timed in-process as the action runs it.
 */
import { afterAll, beforeAll, it } from 'vitest'
import { parsePlatform, parsePlatforms } from '../src/platform.js'
import { planBuild } from '../src/plan.js'
import { type BinfmtHandler, handlerMatches, readHandlers } from '../src/qemu/binfmt.js'
import { BINFMT_TABLE } from '../src/qemu/binfmt-table.js'
import { setupQemu } from '../src/qemu/setup.js'
import { removeHandler, restoreHandler } from '../__tests__/support/binfmt.js'
import { BINFMT_LOCK, type Release, holdLock } from '../__tests__/support/machine-lock.js'
import { report, summarise, timeMs } from './measure.js'

const plan = planBuild(
  parsePlatforms(['amd64', 'arm64', 'arm/v7', 's390x', 'ppc64le']),
  parsePlatform('amd64'),
  { arm32OnArm64: false }
)
const rows = BINFMT_TABLE.filter(row =>
  ['arm64', 'arm', 's390x', 'ppc64le'].includes(row.architecture)
)
const options = { choice: 'auto', platforms: undefined, allowInstall: false } as const

async function emulatedHandlers(): Promise<BinfmtHandler[]> {
  const handlers = await readHandlers()
  return handlers.filter(handler => rows.some(row => handlerMatches(handler, row)))
}

function remove(handlers: readonly BinfmtHandler[]): void {
  for (const handler of handlers) removeHandler(handler)
}

let saved: BinfmtHandler[] = []
let release: Release | undefined
beforeAll(async () => {
  // The QEMU suite and lab.sh up wait while handlers come and go here.
  release = await holdLock(BINFMT_LOCK, { holder: 'the QEMU benchmark' })
  saved = await emulatedHandlers()
})
afterAll(async () => {
  remove(await emulatedHandlers())
  for (const handler of saved) restoreHandler(handler)
  await release?.()
})

it('times QEMU setup for 4 emulated platforms', async () => {
  const register: number[] = []
  for (let run = 0; run < 15; run++) {
    remove(await emulatedHandlers())
    register.push(await timeMs(() => setupQemu(plan, options)))
  }
  const already: number[] = []
  for (let run = 0; run < 50; run++) already.push(await timeMs(() => setupQemu(plan, options)))
  report('qemu', [
    summarise('already registered, 4 platforms', already, 'ms', '< 50 ms'),
    summarise('registered from local QEMU binaries, 4 platforms', register, 'ms', '< 500 ms')
  ])
})
