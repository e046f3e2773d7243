/**
 * Global setup of the end-to-end suites: take the lab for this run alone, bring it up
 * (registries, QEMU, containerd, base images), keep its registries within their bound, and
 * give the run its own folder: an image store and a TMPDIR that no other run shares and that
 * go when the run ends. Stop the lab afterwards if we started it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import type { LabEnv, TestRun } from './lab.js'
import { LAB_LOCK, holdLock } from '../support/machine-lock.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const LAB = path.join(ROOT, 'lab', 'lab.sh')
const RUN_PREFIX = 'multiarch-e2e-'

function lab(command: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('bash', [LAB, command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env
  })
}

/** Mount points at or below `dir` (a build killed under chroot isolation can leave some). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map(line => line.split(' ')[4]?.replace(/\\040/g, ' ') ?? '')
    .filter(point => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
}

/** Remove a run's folder, but never through a mount into the rest of the machine. */
function removeRunDir(dir: string): void {
  for (const point of mountsUnder(dir)) spawnSync('umount', ['-l', point])
  const left = mountsUnder(dir)
  if (left.length > 0) {
    console.warn(`[e2e] left ${dir} in place: still mounted there: ${left.join(', ')}`)
    return
  }
  rmSync(dir, { recursive: true, force: true })
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Folders of earlier runs whose process is gone (killed before its teardown). */
function removeStaleRuns(): void {
  for (const name of readdirSync(tmpdir()).filter(entry => entry.startsWith(RUN_PREFIX))) {
    const dir = path.join(tmpdir(), name)
    let owner = Number.NaN
    try {
      owner = Number(readFileSync(path.join(dir, 'pid'), 'utf8'))
    } catch {
      // No pid file: a run that died while it started.
    }
    if (!Number.isInteger(owner) || !alive(owner)) removeRunDir(dir)
  }
}

function newRun(): TestRun {
  const dir = mkdtempSync(path.join(tmpdir(), RUN_PREFIX))
  // Steps run as another user (an unprivileged runner) reach their files under tmp/, as in /tmp.
  chmodSync(dir, 0o755)
  writeFileSync(path.join(dir, 'pid'), String(process.pid))
  const store = path.join(dir, 'store')
  const tmp = path.join(dir, 'tmp')
  mkdirSync(store, { mode: 0o700 })
  mkdirSync(tmp)
  chmodSync(tmp, 0o1777)
  const storageConf = path.join(store, 'storage.conf')
  writeFileSync(
    storageConf,
    `[storage]\ndriver = "vfs"\ngraphroot = "${store}/root"\nrunroot = "${store}/run"\n`
  )
  return { dir, storageConf, tmp }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const release = await holdLock(LAB_LOCK, { holder: 'the end-to-end suites' })
  try {
    const status = spawnSync('bash', [LAB, 'status'], { encoding: 'utf8' })
    const wasRunning = /registry-plain: running/.test(status.stdout)
    lab('install')
    lab('up')
    // This run holds the lab lock, so no cooperating run is pushing while the registries shrink.
    lab('prune', { ...process.env, LAB_LOCK_HELD: '1' })
    removeStaleRuns()
    const run = newRun()
    const dir = process.env.LAB_DIR ?? '/tmp/multiarch-lab'
    const env = Object.fromEntries(
      readFileSync(path.join(dir, 'env'), 'utf8')
        .split('\n')
        .filter(line => line.includes('='))
        .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    ) as unknown as LabEnv
    project.provide('lab', env)
    project.provide('testRun', run)
    return async () => {
      removeRunDir(run.dir)
      if (!wasRunning) lab('down')
      await release()
    }
  } catch (error) {
    await release()
    throw error
  }
}
