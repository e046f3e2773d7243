import { execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']
const UNAME: Record<string, string> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/s390x': 's390x',
  'linux/ppc64le': 'ppc64le'
}
const run = randomBytes(4).toString('hex')
const repository = `${lab.LAB_TLS}/e2e/app-${run}`
const tags = [`${repository}:1.0`, `${repository}:latest`]
const credentials = { username: lab.LAB_USER, password: lab.LAB_PASSWORD }

function skopeoRaw(reference: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(
    'skopeo',
    [
      'inspect',
      '--raw',
      '--creds',
      `${credentials.username}:${credentials.password}`,
      `docker://${reference}`
    ],
    { encoding: 'utf8' }
  )
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

function ctr(...args: string[]): string {
  return execFileSync('ctr', ['--address', lab.LAB_CONTAINERD_ADDRESS, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

const buildInputs = {
  platforms: PLATFORMS.join(','),
  context: 'examples/emulated-run',
  'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
  tags: tags.join('\n'),
  push: 'true',
  engine: 'buildah',
  registry: lab.LAB_TLS,
  ...credentials
}

interface Metadata {
  builds: { platform: string; cacheHits: number }[]
}

describe('buildah engine end to end: build, push to the TLS registry, read back, run', () => {
  let firstDigests: Record<string, string> = {}

  it('pushes a 4-platform index whose outputs match the registry byte for byte', async () => {
    const step = await runMain({ inputs: buildInputs, env: BUILDAH_ENV })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)

    const manifest = step.outputs.manifest ?? ''
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`
    expect(step.outputs.digest).toBe(digest)
    for (const tag of tags) {
      const raw = skopeoRaw(tag)
      expect(raw.status, raw.stderr).toBe(0)
      expect(raw.stdout).toBe(manifest)
    }
    firstDigests = JSON.parse(step.outputs.digests ?? '{}') as Record<string, string>
    expect(Object.keys(firstDigests).sort()).toEqual([...PLATFORMS].sort())
    const index = JSON.parse(manifest) as { manifests: { digest: string }[] }
    expect(index.manifests.map(entry => entry.digest).sort()).toEqual(
      Object.values(firstDigests).sort()
    )
    expect(step.outputs.images).toBe(tags.map(() => `${repository}@${digest}`).join('\n'))
    // The summary's table shows each platform's digest, shortened to 12 hex digits.
    expect(step.summary).toContain((firstDigests['linux/s390x'] ?? '').slice(7, 19))
    expect(step.summary).toContain('<code>linux/s390x</code> | emulated')
    // The runner swallows `::add-mask::` commands; every other line is what a log shows.
    const logLines = step.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
    expect(logLines.join('\n')).not.toContain(lab.LAB_PASSWORD)
    expect(step.stderr).not.toContain(lab.LAB_PASSWORD)
    expect(step.outputs.emulated).toBe('linux/arm64,linux/s390x,linux/ppc64le')
  })

  it.each(PLATFORMS)('containerd pulls %s from the tag and runs it', platform => {
    const reference = tags[0] ?? ''
    ctr(
      'image',
      'pull',
      '--hosts-dir',
      lab.LAB_CTR_HOSTS_DIR,
      '--user',
      `${credentials.username}:${credentials.password}`,
      '--platform',
      platform,
      reference
    )
    const id = `e2e-${run}-${platform.replaceAll('/', '-')}`
    const output = ctr(
      'run',
      '--rm',
      '--snapshotter',
      lab.LAB_SNAPSHOTTER,
      '--platform',
      platform,
      reference,
      id,
      'cat',
      '/arch'
    )
    expect(output.trim()).toBe(UNAME[platform])
  })

  it('reuses the cache on a second identical run and yields the same per-platform digests', async () => {
    const step = await runMain({ inputs: buildInputs, env: BUILDAH_ENV })
    expect(step.errors).toEqual([])
    const metadata = JSON.parse(step.outputs.metadata ?? '{}') as Metadata
    expect(metadata.builds.map(build => build.platform)).toEqual(PLATFORMS)
    for (const build of metadata.builds) expect(build.cacheHits).toBeGreaterThanOrEqual(2)
    expect(JSON.parse(step.outputs.digests ?? '{}')).toEqual(firstDigests)
  })

  it('fails naming the one platform whose RUN fails, and creates no tag', async () => {
    const context = mkdtempSync(path.join(tmpdir(), 'failing-'))
    writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM ${lab.LAB_PLAIN}/fixtures/busybox:latest\nRUN test "$(uname -m)" != s390x\n`
    )
    const failing = `${lab.LAB_TLS}/e2e/failing-${run}:1.0`
    const step = await runMain({
      inputs: { ...buildInputs, context: '.', 'build-args': '', tags: failing },
      env: BUILDAH_ENV,
      cwd: context
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(/build of linux\/s390x failed \(under QEMU\)/)
    expect(step.errors[0]).toMatch(/Nothing was pushed/)
    expect(step.outputs).toEqual({})
    const raw = skopeoRaw(failing)
    expect(raw.status).not.toBe(0)
    expect(raw.stderr).toMatch(/manifest unknown|not found|404/i)
  })
})
