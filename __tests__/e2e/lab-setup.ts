/**
 * Global setup of the end-to-end suites: bring the local lab up (registries, QEMU,
 * containerd, base images) and hand its facts to the tests; stop it afterwards if we
 * started it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import type { LabEnv } from './lab.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const LAB = path.join(ROOT, 'lab', 'lab.sh')

function lab(command: string): string {
  return execFileSync('bash', [LAB, command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  })
}

export default function setup(project: TestProject): () => void {
  const status = spawnSync('bash', [LAB, 'status'], { encoding: 'utf8' })
  const wasRunning = /registry-plain: running/.test(status.stdout)
  lab('install')
  lab('up')
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
