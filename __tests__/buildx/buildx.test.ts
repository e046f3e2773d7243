/**
 * The buildx engine against a real `docker buildx`, wherever one is on PATH (GitHub's
 * runners: .github/workflows/e2e.yml). Elsewhere the suite is skipped, and says so.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { runMain, runPost } from '../../harness/runner.mjs'

const buildx = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' })
const available = buildx.status === 0
const registry = process.env.BUILDX_E2E_REGISTRY ?? 'localhost:5000'
if (!available) {
  console.warn(
    '\n*** SKIPPING the buildx suite: `docker buildx version` does not work on this machine. ***\n' +
      '*** It runs in .github/workflows/e2e.yml on GitHub-hosted runners.                    ***\n'
  )
}

interface Index {
  manifests: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[]
}

describe.runIf(available)('buildx engine end to end', () => {
  it('builds 4 platforms with a RUN step, pushes, and reports what the registry holds', async () => {
    const tag = `${registry}/buildx-e2e/app:${randomBytes(4).toString('hex')}`
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64,linux/arm64,linux/s390x,linux/ppc64le',
        context: 'examples/emulated-run',
        'build-args': 'BASE=busybox:1.36',
        tags: tag,
        push: 'true',
        engine: 'buildx',
        // The registry listens on the runner's loopback; the builder must share its network.
        'driver-opts': 'network=host',
        provenance: 'false'
      }
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const raw = spawnSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', tag], {
      encoding: 'utf8'
    })
    expect(raw.status).toBe(0)
    expect(step.outputs.manifest).toBe(raw.stdout.trimEnd())
    const index = JSON.parse(raw.stdout) as Index
    const entries = Object.fromEntries(
      index.manifests
        .filter(entry => entry.platform?.architecture !== 'unknown')
        .map(entry => [
          [entry.platform?.os, entry.platform?.architecture, entry.platform?.variant]
            .filter(part => part !== undefined)
            .join('/')
            .replace('linux/arm64/v8', 'linux/arm64'),
          entry.digest
        ])
    )
    expect(JSON.parse(step.outputs.digests ?? '{}')).toEqual(entries)
    expect((await runPost(step)).exitCode).toBe(0)
  })
})

it.runIf(!available)('records that the buildx suite was skipped', () => {
  expect(available).toBe(false)
})
