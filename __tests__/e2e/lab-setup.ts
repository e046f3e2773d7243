/**
 * Global setup of the end-to-end suites: bring the local lab up (registries, QEMU,
 * containerd, base images) and hand its facts to the tests; stop it afterwards if we
 * started it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { type LabEnv, TEST_STORAGE_CONF } from './lab.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const LAB = path.join(ROOT, 'lab', 'lab.sh')

function lab(command: string): string {
  return execFileSync('bash', [LAB, command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  })
}

/** An empty image store for this run of the suites (see TEST_STORAGE_CONF). */
function freshTestStore(): void {
  const dir = path.dirname(TEST_STORAGE_CONF)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    TEST_STORAGE_CONF,
    `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`
  )
}

export default function setup(project: TestProject): () => void {
  const status = spawnSync('bash', [LAB, 'status'], { encoding: 'utf8' })
  const wasRunning = /registry-plain: running/.test(status.stdout)
  lab('install')
  lab('up')
  freshTestStore()
  const dir = process.env.LAB_DIR ?? '/tmp/multiarch-lab'
  const env = Object.fromEntries(
    readFileSync(path.join(dir, 'env'), 'utf8')
      .split('\n')
      .filter(line => line.includes('='))
      .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  ) as unknown as LabEnv
  project.provide('lab', env)
  return () => {
    if (!wasRunning) lab('down')
  }
}
