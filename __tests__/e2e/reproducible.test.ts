import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { rawManifest } from '../support/skopeo.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const credentials = { username: lab.LAB_USER, password: lab.LAB_PASSWORD }
const creds = `${credentials.username}:${credentials.password}`
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const COMMIT_TIME = 1650000000

interface Index {
  manifests: {
    digest: string
    platform: { architecture: string }
    annotations?: Record<string, string>
  }[]
  annotations?: Record<string, string>
}

/** A store of its own, as a second runner has: nothing cached, no base pulled yet. */
function ownStore(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `repro-${name}-`))
  const config = path.join(dir, 'storage.conf')
  writeFileSync(
    config,
    `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`
  )
  return config
}

/**
 * A checked-out repository whose context has a COPY and RUN steps that write files: their
 * times are the build's wall clock unless the build stamps them.
 */
function checkout(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'repro-src-'))
  mkdirSync(path.join(dir, 'app'))
  writeFileSync(
    path.join(dir, 'app', 'Dockerfile'),
    [
      'ARG BASE',
      'FROM ${BASE}',
      'COPY greeting.txt /srv/greeting.txt',
      'RUN chmod 0755 /bin/busybox && uname -m > /arch && mkdir -p /var/app && cp /srv/greeting.txt /var/app/',
      'RUN echo "built for $(cat /arch)" > /built-for',
      ''
    ].join('\n')
  )
  writeFileSync(path.join(dir, 'app', 'greeting.txt'), 'hello\n')
  const git = (...args: string[]): void => {
    execFileSync('git', ['-C', dir, ...args], {
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'e2e',
        GIT_AUTHOR_EMAIL: 'e2e@example.com',
        GIT_COMMITTER_NAME: 'e2e',
        GIT_COMMITTER_EMAIL: 'e2e@example.com',
        GIT_AUTHOR_DATE: `@${COMMIT_TIME} +0000`,
        GIT_COMMITTER_DATE: `@${COMMIT_TIME} +0000`
      }
    })
  }
  git('init', '-q')
  git('add', '.')
  git('commit', '-q', '-m', 'app')
  return dir
}

function sha256(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

/** Wait into the next wall-clock second, so two builds never share one. */
async function nextSecond(): Promise<number> {
  const now = Date.now()
  await new Promise(resolve => setTimeout(resolve, 1000 - (now % 1000) + 50))
  return Math.floor(Date.now() / 1000)
}

describe('reproducible builds with buildah: rebuild in another store, compare, verify', () => {
  const source = checkout()
  const repository = `${lab.LAB_TLS}/repro/app-${run}`
  const tag = `${repository}:1.0`
  const common = {
    platforms: PLATFORMS.join(','),
    context: 'app',
    'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
    'no-cache': 'true',
    engine: 'buildah',
    annotations: [
      'org.opencontainers.image.title=app',
      'index:org.opencontainers.image.version=1.0',
      'manifest-descriptor[linux/arm64]:com.example.leg=arm'
    ].join('\n')
  }
  let first: { digest: string; digests: Record<string, string> } = { digest: '', digests: {} }

  it('two no-cache builds in separate stores, seconds apart, give the same digests', async () => {
    const firstSecond = await nextSecond()
    const built = await runMain({
      inputs: {
        ...common,
        'source-date-epoch': 'commit',
        tags: tag,
        push: 'true',
        registry: lab.LAB_TLS,
        ...credentials
      },
      env: { ...BUILDAH_ENV, CONTAINERS_STORAGE_CONF: ownStore('first') },
      cwd: source
    })
    expect(built.errors).toEqual([])
    expect(built.exitCode).toBe(0)
    expect(built.stdout).toContain(`source-date-epoch: ${COMMIT_TIME}`)
    first = {
      digest: built.outputs.digest ?? '',
      digests: JSON.parse(built.outputs.digests ?? '{}') as Record<string, string>
    }
    expect(Object.keys(first.digests)).toEqual(PLATFORMS)

    // A real client reads what the tag holds: the index with the annotations the action wrote.
    const served = rawManifest(tag, { creds })
    expect(served).toBeDefined()
    expect(sha256(served ?? '')).toBe(first.digest)
    const index = JSON.parse((served ?? '').toString('utf8')) as Index
    expect(index.annotations).toEqual({ 'org.opencontainers.image.version': '1.0' })
    const arm = index.manifests.find(entry => entry.platform.architecture === 'arm64')
    expect(arm?.annotations).toEqual({ 'com.example.leg': 'arm' })
    for (const digest of Object.values(first.digests)) {
      const manifest = JSON.parse(
        (rawManifest(`${repository}@${digest}`, { creds }) ?? '{}').toString('utf8')
      ) as { annotations?: Record<string, string> }
      expect(manifest.annotations?.['org.opencontainers.image.title']).toBe('app')
    }
    // The keys build-push-action's steps read.
    const metadata = JSON.parse(built.outputs.metadata ?? '{}') as Record<string, unknown>
    expect(metadata['containerimage.digest']).toBe(first.digest)
    expect(metadata['containerimage.descriptor']).toEqual({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: first.digest,
      size: (served ?? Buffer.alloc(0)).length
    })
    expect(metadata['image.name']).toBe(tag)
    expect(metadata.sourceDateEpoch).toBe(COMMIT_TIME)

    // The second runner: its own store, a later second, the time from the environment, no registry.
    const secondSecond = await nextSecond()
    expect(secondSecond).toBeGreaterThan(firstSecond)
    const rebuilt = await runMain({
      inputs: { ...common, 'expect-digests': JSON.stringify(first.digests) },
      env: {
        ...BUILDAH_ENV,
        CONTAINERS_STORAGE_CONF: ownStore('second'),
        SOURCE_DATE_EPOCH: String(COMMIT_TIME)
      },
      cwd: source
    })
    expect(rebuilt.errors).toEqual([])
    expect(rebuilt.exitCode).toBe(0)
    expect(JSON.parse(rebuilt.outputs.digests ?? '{}')).toEqual(first.digests)
    // The index too: the action's own steps add nothing time-dependent.
    expect(rebuilt.outputs.digest).toBe(first.digest)
    expect(rebuilt.summary).toContain('Rebuild check: all 2 platforms match')
    expect(rebuilt.summary).toContain((first.digests['linux/arm64'] ?? '').slice('sha256:'.length))
  })

  it('fails naming the platform whose digest differs, with both digests, and pushes nothing', async () => {
    const altered = { ...first.digests, 'linux/arm64': sha256('another build') }
    const target = `${lab.LAB_TLS}/repro/verify-${run}`
    const step = await runMain({
      inputs: {
        ...common,
        'source-date-epoch': String(COMMIT_TIME),
        'expect-digests': JSON.stringify(altered),
        tags: `${target}:1.0`,
        push: 'true',
        registry: lab.LAB_TLS,
        ...credentials
      },
      env: { ...BUILDAH_ENV, CONTAINERS_STORAGE_CONF: ownStore('third') },
      cwd: source
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toContain(
      `linux/arm64: expected ${altered['linux/arm64']}, built ${first.digests['linux/arm64']}`
    )
    expect(step.errors[0]).not.toContain('linux/amd64:')
    expect(step.errors[0]).toContain('Nothing was pushed')
    expect(step.outputs).toEqual({})
    expect(step.summary).toMatch(/Rebuild check: 1 of 2 platforms differ/)
    // Neither the tag nor any of the images exists in the target repository.
    expect(rawManifest(`${target}:1.0`, { creds })).toBeUndefined()
    expect(rawManifest(`${target}@${first.digest}`, { creds })).toBeUndefined()
    for (const digest of Object.values(first.digests)) {
      expect(rawManifest(`${target}@${digest}`, { creds })).toBeUndefined()
    }
  })

  it('refuses a bad source-date-epoch by name before anything runs', async () => {
    const step = await runMain({
      inputs: { ...common, 'source-date-epoch': 'yesterday' },
      env: BUILDAH_ENV,
      cwd: source
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors[0]).toMatch(
      /input `source-date-epoch`: is `yesterday`. Valid: a Unix time in whole seconds/
    )
  })
})

describe('merge with annotations, read back with skopeo', () => {
  const repository = `${lab.LAB_TLS}/repro/merged-${run}`
  const tag = `${repository}:1.0`
  const title = 'manifest:org.opencontainers.image.title=merged app'
  const legImages: string[] = []

  it('legs carry the manifest level, the merged index the index and entry levels', async () => {
    const legs = await Promise.all(
      PLATFORMS.map(platform =>
        runMain({
          inputs: {
            platforms: platform,
            context: 'examples/emulated-run',
            'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
            tags: tag,
            push: 'true',
            'push-by-digest': 'true',
            engine: 'buildah',
            annotations: title,
            registry: lab.LAB_TLS,
            ...credentials
          },
          env: { ...BUILDAH_ENV, CONTAINERS_STORAGE_CONF: ownStore(platform.replace('/', '-')) }
        })
      )
    )
    for (const leg of legs) {
      expect(leg.errors).toEqual([])
      expect(leg.exitCode).toBe(0)
      legImages.push((leg.outputs.images ?? '').split('\n')[0] ?? '')
    }
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: PLATFORMS.join(','),
        tags: tag,
        annotations: [
          title,
          'index:org.opencontainers.image.version=1.0',
          'index:org.opencontainers.image.source=https://example.com/app',
          'manifest-descriptor:com.example.merged=yes'
        ].join('\n'),
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.errors).toEqual([])
    expect(merge.exitCode).toBe(0)
    const served = rawManifest(tag, { creds })
    expect(sha256(served ?? '')).toBe(merge.outputs.digest)
    const index = JSON.parse((served ?? '').toString('utf8')) as Index
    expect(index.annotations).toEqual({
      'org.opencontainers.image.source': 'https://example.com/app',
      'org.opencontainers.image.version': '1.0'
    })
    expect(index.manifests).toHaveLength(2)
    for (const entry of index.manifests) {
      expect(entry.annotations?.['com.example.merged']).toBe('yes')
      const manifest = JSON.parse(
        (rawManifest(`${repository}@${entry.digest}`, { creds }) ?? '{}').toString('utf8')
      ) as { annotations?: Record<string, string> }
      expect(manifest.annotations?.['org.opencontainers.image.title']).toBe('merged app')
    }
    const metadata = JSON.parse(merge.outputs.metadata ?? '{}') as Record<string, unknown>
    expect(metadata['containerimage.digest']).toBe(merge.outputs.digest)
    expect(metadata['image.name']).toBe(tag)
  })

  it('refuses a manifest annotation the legs do not carry, naming each platform, and moves no tag', async () => {
    const target = `${repository}:unannotated`
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: PLATFORMS.join(','),
        tags: target,
        sources: legImages.join('\n'),
        annotations: 'org.opencontainers.image.description=not on the legs',
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.exitCode).toBe(1)
    expect(merge.errors).toHaveLength(1)
    expect(merge.errors[0]).toContain("the manifest-level `annotations` belong on the legs' images")
    for (const platform of PLATFORMS) {
      expect(merge.errors[0]).toContain(`${platform}: org.opencontainers.image.description missing`)
    }
    expect(rawManifest(target, { creds })).toBeUndefined()
  })

  it('refuses the index-descriptor level by name', async () => {
    const merge = await runMain({
      inputs: {
        mode: 'merge',
        platforms: PLATFORMS.join(','),
        tags: `${repository}:descriptor`,
        annotations: 'index-descriptor:a=b',
        registry: lab.LAB_TLS,
        ...credentials
      }
    })
    expect(merge.exitCode).toBe(1)
    expect(merge.errors[0]).toMatch(
      /input `annotations`: `index-descriptor:a=b` asks for the index-descriptor level/
    )
  })
})
