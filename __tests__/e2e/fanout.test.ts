import { execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { runMerge } from '../../src/modes/merge/merge.js'
import type { Platform } from '../../src/platform.js'
import { parseReference } from '../../src/reference.js'
import { MEDIA_TYPES, RegistryClient } from '../../src/registry/client.js'
import { RegistryPool } from '../../src/registry/pool.js'
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js'
import { closedPort } from '../support/listen.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const credentials = { username: lab.LAB_USER, password: lab.LAB_PASSWORD }
const repository = `${lab.LAB_TLS}/fanout/app-${run}`
const tag = `${repository}:1.0`
const UNAME: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' }

interface Leg {
  platform: string
  runner: string
  emulated: boolean
  slug: string
}

function skopeoExists(reference: string, creds = true): boolean {
  const args = [
    'inspect',
    '--raw',
    ...(creds ? ['--creds', `${credentials.username}:${credentials.password}`] : [])
  ]
  return spawnSync('skopeo', [...args, `docker://${reference}`]).status === 0
}

function ctr(...args: string[]): string {
  return execFileSync('ctr', ['--address', lab.LAB_CONTAINERD_ADDRESS, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/**
 * Legs run on separate runners, each with its own image store. Running them at once on one
 * store instead races: both pull the base under one name, and one leg's platform evicts the
 * other's.
 */
function legStorage(slug: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `leg-${slug}-`))
  const config = path.join(dir, 'storage.conf')
  writeFileSync(
    config,
    `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`
  )
  return config
}

/** A build leg of the fan-out, as the matrix's job would run it, pushed to the TLS registry. */
const legInputs = (platform: string, legTag: string): Record<string, string> => ({
  platforms: platform,
  context: 'examples/emulated-run',
  'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
  tags: legTag,
  push: 'true',
  'push-by-digest': 'true',
  engine: 'buildah',
  registry: lab.LAB_TLS,
  ...credentials
})

/** The merge job of the fan-out. */
const mergeInputs = (platforms: string, mergeTag: string): Record<string, string> => ({
  mode: 'merge',
  platforms,
  tags: mergeTag,
  registry: lab.LAB_TLS,
  ...credentials
})

describe('fan-out without the 40 lines of YAML: matrix -> legs -> merge', () => {
  const legDigests: Record<string, string> = {}
  const legImages: string[] = []
  let mergedDigest = ''
  const closers: (() => Promise<void> | void)[] = []
  afterAll(async () => {
    for (const close of closers) await close()
  })

  it('plans the legs, builds them as separate processes, merges them, and containerd runs both', async () => {
    const plan = await runMain({ inputs: { mode: 'matrix', platforms: 'linux/amd64,linux/arm64' } })
    expect(plan.exitCode).toBe(0)
    const legs = (JSON.parse(plan.outputs.matrix ?? '') as { include: Leg[] }).include

    const built = await Promise.all(
      legs.map(leg =>
        runMain({
          inputs: legInputs(leg.platform, tag),
          env: { ...BUILDAH_ENV, CONTAINERS_STORAGE_CONF: legStorage(leg.slug) }
        })
      )
    )
    for (const [position, leg] of legs.entries()) {
      const step = built[position]
      expect(step?.errors).toEqual([])
      expect(step?.exitCode).toBe(0)
      legDigests[leg.platform] =
        (JSON.parse(step?.outputs.digests ?? '{}') as Record<string, string>)[leg.platform] ?? ''
      legImages.push(...(step?.outputs.images ?? '').split('\n'))
      // A leg tags only its own `<tag>-<slug>`; the final tag does not exist yet.
      expect(step?.outputs.images).toContain(`${repository}@`)
      expect(skopeoExists(`${tag}-${leg.slug}`)).toBe(true)
    }
    expect(skopeoExists(tag)).toBe(false)

    const merge = await runMain({ inputs: mergeInputs('linux/amd64,linux/arm64', tag) })
    expect(merge.errors).toEqual([])
    expect(merge.exitCode).toBe(0)
    expect(JSON.parse(merge.outputs.digests ?? '{}')).toEqual(legDigests)
    mergedDigest = merge.outputs.digest ?? ''
    expect(mergedDigest).toBe(
      `sha256:${createHash('sha256')
        .update(merge.outputs.manifest ?? '')
        .digest('hex')}`
    )

    for (const platform of ['linux/amd64', 'linux/arm64']) {
      ctr(
        'image',
        'pull',
        '--hosts-dir',
        lab.LAB_CTR_HOSTS_DIR,
        '--user',
        `${credentials.username}:${credentials.password}`,
        '--platform',
        platform,
        tag
      )
      const output = ctr(
        'run',
        '--rm',
        '--snapshotter',
        lab.LAB_SNAPSHOTTER,
        '--platform',
        platform,
        tag,
        `fanout-${run}-${platform.replace('/', '-')}`,
        'cat',
        '/arch'
      )
      expect(output.trim()).toBe(UNAME[platform])
    }
  })

  it('gives the same index digest from explicit sources', async () => {
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: 'linux/amd64,linux/arm64',
        tags: `${repository}:from-sources`,
        sources: legImages.join('\n'),
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.errors).toEqual([])
    expect(merge.outputs.digest).toBe(mergedDigest)
  })

  it('fails on a missing platform and moves no tag', async () => {
    const target = `${repository}:incomplete`
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: 'linux/amd64,linux/arm64,linux/s390x',
        tags: target,
        sources: legImages.join('\n'),
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.exitCode).toBe(1)
    expect(merge.errors).toHaveLength(1)
    expect(merge.errors[0]).toMatch(/cannot merge: missing: linux\/s390x/)
    expect(merge.outputs).toEqual({})
    expect(skopeoExists(target)).toBe(false)
  })

  it('names the platform whose leg never pushed its tag', async () => {
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: 'linux/amd64,linux/arm64,linux/s390x',
        tags: tag,
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.exitCode).toBe(1)
    expect(merge.errors[0]).toMatch(
      /cannot merge: no leg pushed linux\/s390x \(.*:1\.0-linux-s390x does not exist\)/
    )
    // The final tag still names the index the first merge pushed.
    const raw = execFileSync(
      'skopeo',
      [
        'inspect',
        '--raw',
        '--creds',
        `${credentials.username}:${credentials.password}`,
        `docker://${tag}`
      ],
      { encoding: 'utf8' }
    )
    expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(mergedDigest)
  })

  it('fails on a platform that two legs built differently, and moves no tag', async () => {
    const other = await runMain({
      inputs: {
        platforms: 'linux/amd64',
        context: 'examples/emulated-run',
        'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest\nUNUSED=${run}`,
        labels: `run=${run}`,
        tags: `${repository}:other`,
        push: 'true',
        'push-by-digest': 'true',
        engine: 'buildah',
        registry: lab.LAB_TLS,
        ...credentials
      },
      env: BUILDAH_ENV
    })
    expect(other.exitCode).toBe(0)
    const target = `${repository}:doubled`
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: 'linux/amd64,linux/arm64',
        tags: target,
        sources: [...legImages, ...(other.outputs.images ?? '').split('\n')].join('\n'),
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.exitCode).toBe(1)
    expect(merge.errors[0]).toMatch(/linux\/amd64 comes from .* and /)
    expect(skopeoExists(target)).toBe(false)
  })

  it('merges through a registry that fails the first 3 requests of each kind', async () => {
    const proxy: FaultProxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      rules: [{ kind: 'any', first: 3, fault: ['503', 'reset', '429'] }]
    })
    closers.push(() => proxy.close())
    const plain = `${lab.LAB_PLAIN}/fanout/plain-${run}`
    for (const [platform] of [['linux/amd64'], ['linux/arm64']] as const) {
      const leg = await runMain({
        inputs: {
          platforms: platform,
          context: 'examples/emulated-run',
          'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
          tags: `${plain}:1`,
          push: 'true',
          'push-by-digest': 'true',
          engine: 'buildah'
        },
        env: BUILDAH_ENV
      })
      expect(leg.errors).toEqual([])
    }
    const through = `${proxy.address}/fanout/plain-${run}:1`
    const started = Date.now()
    const merge = await runMain({
      inputs: { mode: 'merge', platforms: 'linux/amd64,linux/arm64', tags: through }
    })
    expect(merge.errors).toEqual([])
    expect(merge.exitCode).toBe(0)
    expect(Date.now() - started).toBeLessThan(120_000)
    expect(skopeoExists(`${plain}:1`, false)).toBe(true)
  })

  it('fails naming the registry when it is gone, within the timeout', async () => {
    const port = await closedPort()
    const started = Date.now()
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: 'linux/amd64,linux/arm64',
        tags: `127.0.0.1:${port}/fanout/app:1`
      }
    })
    expect(merge.exitCode).toBe(1)
    expect(merge.errors).toHaveLength(1)
    expect(merge.errors[0]).toContain(`registry 127.0.0.1:${port}`)
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('merges 60 platforms of synthetic images: no 20-leg cap, legs fetched side by side', async () => {
    const client = new RegistryClient(lab.LAB_PLAIN)
    const synthetic = `fanout/synthetic-${run}`
    const platforms: Platform[] = []
    const sources = []
    for (let position = 0; position < 60; position++) {
      const architecture = `synthetic${position}`
      const config = Buffer.from(
        JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })
      )
      const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`
      await client.uploadBlob(synthetic, configDigest, config.length, () => Readable.from([config]))
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.ociManifest,
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: configDigest,
            size: config.length
          },
          layers: []
        })
      )
      const digest = await client.putManifest(
        synthetic,
        `leg${position}`,
        manifest,
        MEDIA_TYPES.ociManifest
      )
      platforms.push({ os: 'linux', architecture })
      sources.push(parseReference(`${lab.LAB_PLAIN}/${synthetic}@${digest}`))
    }
    const pool = new RegistryPool(() => Promise.resolve(undefined))
    const started = Date.now()
    const merged = await runMerge(
      platforms,
      [parseReference(`${lab.LAB_PLAIN}/${synthetic}:all`)],
      sources,
      pool
    )
    await pool.close()
    // Generous for a shared machine; sequential round trips for 60 legs were what it guards.
    expect(Date.now() - started).toBeLessThan(20_000)
    const index = await client.getManifest(parseReference(`${lab.LAB_PLAIN}/${synthetic}:all`))
    expect(index.digest).toBe(merged.digest)
    expect((JSON.parse(index.raw.toString()) as { manifests: unknown[] }).manifests).toHaveLength(
      60
    )
    expect(merged.legs.map(leg => leg.platform)).toEqual(
      platforms.map(platform => `linux/${platform.architecture}`)
    )
    client.close()
  })

  it('probes a 32-bit Arm leg, falls back to QEMU on this x86-64 runner, and the merge shows every leg as it reported itself', async () => {
    const plan = await runMain({
      inputs: { mode: 'matrix', platforms: 'linux/amd64,linux/arm/v7' }
    })
    const legs = (
      JSON.parse(plan.outputs.matrix ?? '') as { include: (Leg & { probe?: boolean })[] }
    ).include
    // native-arm32 defaults to auto: arm/v7 goes to the arm64 runner, which is to probe.
    expect(legs.map(leg => [leg.platform, leg.runner, leg.probe === true])).toEqual([
      ['linux/amd64', 'ubuntu-24.04', false],
      ['linux/arm/v7', 'ubuntu-24.04-arm', true]
    ])
    const fanTag = `${lab.LAB_TLS}/fanout/arm32-${run}:1`
    const built = await Promise.all(
      legs.map(leg =>
        runMain({
          inputs: legInputs(leg.platform, fanTag),
          env: {
            ...BUILDAH_ENV,
            CONTAINERS_STORAGE_CONF: legStorage(leg.slug),
            RUNNER_NAME: `runner-${leg.slug}`,
            RUNNER_ARCH: 'X64'
          }
        })
      )
    )
    const [amd64, armv7] = built
    expect(amd64?.errors).toEqual([])
    expect(armv7?.errors).toEqual([])
    // The probe ran and was not fooled by the QEMU handler this machine has for 32-bit Arm.
    expect(armv7?.stdout).toMatch(
      /32-bit Arm probe: this amd64 runner does not run it natively \(it ran under \S+, not on the CPU\), so linux\/arm\/v7 build under QEMU/
    )
    expect(armv7?.summary).toContain('probed')
    expect(amd64?.stdout).not.toContain('Probe 32-bit Arm')

    const merge = await runMain({ inputs: mergeInputs('linux/amd64,linux/arm/v7', fanTag) })
    expect(merge.errors).toEqual([])
    expect(merge.exitCode).toBe(0)
    // Every leg's own facts, read back from its record: how, where, by what and how long.
    for (const [position, leg] of legs.entries()) {
      const step = built[position]
      const metadata = JSON.parse(step?.outputs.metadata ?? '{}') as {
        builds: { platform: string; seconds: number }[]
        engine: string
        version: string
      }
      const seconds = metadata.builds.find(build => build.platform === leg.platform)?.seconds ?? 0
      const how = step?.outputs.emulated === leg.platform ? 'under QEMU' : 'natively'
      expect(merge.stdout).toContain(
        `${leg.platform}: built ${how} on runner-${leg.slug} (X64) by ${metadata.engine} ${metadata.version} in ${seconds.toFixed(1)} s`
      )
      expect(merge.summary).toContain(`runner-${leg.slug} (X64)`)
    }
    expect(armv7?.outputs.emulated).toBe('linux/arm/v7')
    expect(merge.summary).toMatch(
      /emulated&nbsp;\(QEMU\)<br><sub>runner-linux-arm-v7 \(X64\) · probed<\/sub>/
    )
    expect(merge.summary).toMatch(/native<br><sub>runner-linux-amd64 \(X64\)<\/sub>/)
    expect(merge.summary).toContain('2 legs; 2 left a record of how they were built')
  })
})
