/**
 * The registry client against the lab's real registries: plain HTTP, TLS with basic auth,
 * a bearer-token flow in front of the plain one, and a proxy that injects faults.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MEDIA_TYPES, type Manifest, RegistryClient } from '../../src/registry/client.js'
import { parsePlatforms } from '../../src/platform.js'
import { parseReference } from '../../src/reference.js'
import { RegistryPool } from '../../src/registry/pool.js'
import { platformDigests, readBack } from '../../src/registry/readback.js'
import { type FaultProxy, type RequestKind, startFaultProxy } from '../support/fault-proxy.js'
import { closedPort } from '../support/listen.js'
import {
  type BearerProxy,
  type TokenServer,
  startBearerProxy,
  startTokenServer
} from '../support/token-server.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const FIXTURE = 'fixtures/busybox'
const credentials = { username: lab.LAB_USER, password: lab.LAB_PASSWORD }

interface ImageManifest {
  readonly config: { readonly digest: string; readonly size: number }
  readonly layers: readonly { readonly digest: string; readonly size: number }[]
}

interface IndexManifest {
  readonly manifests: readonly { readonly digest: string; readonly mediaType: string }[]
}

const closers: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

function client(registry: string, options: ConstructorParameters<typeof RegistryClient>[1] = {}) {
  const created = new RegistryClient(registry, options)
  closers.push(() => {
    created.close()
  })
  return created
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of stream) hash.update(chunk as Buffer)
  return `sha256:${hash.digest('hex')}`
}

function asIndex(manifest: Manifest): IndexManifest {
  return JSON.parse(manifest.raw.toString('utf8')) as IndexManifest
}

function asImage(manifest: Manifest): ImageManifest {
  return JSON.parse(manifest.raw.toString('utf8')) as ImageManifest
}

/** Milliseconds `work` took, and its rejection. */
async function timedFailure(work: Promise<unknown>): Promise<{ ms: number; error: Error }> {
  const started = Date.now()
  try {
    await work
  } catch (error) {
    return { ms: Date.now() - started, error: error as Error }
  }
  throw new Error('expected a failure')
}

/**
 * Copy the fixture index into `to` the way a merge does: every blob mounted, every
 * platform manifest put by digest, the index put by tag and read back byte for byte.
 */
async function mergeFixture(registry: RegistryClient, to: string, tag: string): Promise<string> {
  const index = await registry.getManifest({
    registry: registry.registry,
    repository: FIXTURE,
    tag: 'latest'
  })
  for (const entry of asIndex(index).manifests) {
    const manifest = await registry.getManifest({
      registry: registry.registry,
      repository: FIXTURE,
      digest: entry.digest
    })
    const { config, layers } = asImage(manifest)
    for (const blob of [config, ...layers]) {
      expect(await registry.mountBlob(FIXTURE, to, blob.digest)).toBe('mounted')
    }
    expect(await registry.putManifest(to, entry.digest, manifest.raw, manifest.mediaType)).toBe(
      entry.digest
    )
  }
  expect(await registry.putManifest(to, tag, index.raw, index.mediaType)).toBe(index.digest)
  const back = await registry.getManifest({ registry: registry.registry, repository: to, tag })
  expect(back.raw.equals(index.raw)).toBe(true)
  return index.digest
}

describe('reading the fixture index', () => {
  it('from the TLS registry with basic auth and the containers CA', async () => {
    const tls = client(lab.LAB_TLS, { credentials })
    const index = await tls.getManifest({
      registry: lab.LAB_TLS,
      repository: FIXTURE,
      tag: 'latest'
    })
    expect(tls.protocol).toBe('https')
    expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex)
    expect(index.digest).toBe(`sha256:${createHash('sha256').update(index.raw).digest('hex')}`)
    expect(Object.keys(platformDigests(asIndex(index))).sort()).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/arm64',
      'linux/ppc64le',
      'linux/s390x'
    ])
    expect(
      await tls.hasManifest({ registry: lab.LAB_TLS, repository: FIXTURE, tag: 'latest' })
    ).toBe(true)
    expect(await tls.hasManifest({ registry: lab.LAB_TLS, repository: FIXTURE, tag: 'nope' })).toBe(
      false
    )
  })

  it('from the plain registry without auth, noting the fallback to http', async () => {
    const messages: string[] = []
    const plain = client(lab.LAB_PLAIN, { log: message => messages.push(message) })
    const index = await plain.getManifest({
      registry: lab.LAB_PLAIN,
      repository: FIXTURE,
      tag: 'latest'
    })
    expect(plain.protocol).toBe('http')
    expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex)
    expect(messages.join('\n')).toMatch(
      /answers in plain HTTP \(TLS handshake: wrong version number\)/
    )
  })

  it('a config as JSON and a layer as a stream, both checked against their digests', async () => {
    const tls = client(lab.LAB_TLS, { credentials })
    const index = await tls.getManifest({
      registry: lab.LAB_TLS,
      repository: FIXTURE,
      tag: 'latest'
    })
    const amd64 = platformDigests(asIndex(index))['linux/amd64'] ?? ''
    const manifest = await tls.getManifest({
      registry: lab.LAB_TLS,
      repository: FIXTURE,
      digest: amd64
    })
    const { config, layers } = asImage(manifest)
    const configJson = await tls.getBlobJson<{ architecture: string }>(FIXTURE, config.digest)
    expect(configJson.architecture).toBe('amd64')
    const layer = layers[0]?.digest ?? ''
    expect(await sha256Of(await tls.getBlob(FIXTURE, layer))).toBe(layer)
    expect(await tls.hasBlob(FIXTURE, layer)).toBe(true)
    expect(await tls.hasBlob(FIXTURE, `sha256:${'0'.repeat(64)}`)).toBe(false)
  })

  it('refuses without credentials, naming the registry and the fix', async () => {
    const anonymous = client(lab.LAB_TLS, { retries: 0 })
    await expect(
      anonymous.getManifest({ registry: lab.LAB_TLS, repository: FIXTURE, tag: 'latest' })
    ).rejects.toThrow(
      `registry ${lab.LAB_TLS}: GET manifest ${FIXTURE}:latest: needs credentials and none were given`
    )
    const wrong = client(lab.LAB_TLS, { credentials: { username: 'lab', password: 'wrong' } })
    await expect(
      wrong.getManifest({ registry: lab.LAB_TLS, repository: FIXTURE, tag: 'latest' })
    ).rejects.toThrow(/refused the credentials \(401\); check `username`\/`password`/)
  })

  it('reads back one index under tags in both registries, as the build does', async () => {
    const tags = [`${lab.LAB_PLAIN}/${FIXTURE}:latest`, `${lab.LAB_TLS}/${FIXTURE}:latest`].map(
      parseReference
    )
    const pool = new RegistryPool(registry =>
      Promise.resolve(registry === lab.LAB_TLS ? credentials : undefined)
    )
    closers.push(() => pool.close())
    const pushed = await readBack(
      tags,
      parsePlatforms(['linux/amd64', 'linux/arm64', 'linux/s390x']),
      pool
    )
    expect(pushed.mediaType).toBe(MEDIA_TYPES.ociIndex)
    expect(Object.keys(pushed.digests)).toHaveLength(5)
    expect(pushed.images).toEqual([
      `${lab.LAB_PLAIN}/${FIXTURE}@${pushed.digest}`,
      `${lab.LAB_TLS}/${FIXTURE}@${pushed.digest}`
    ])
    await expect(
      readBack(tags.slice(0, 1), parsePlatforms(['linux/riscv64']), pool)
    ).rejects.toThrow(/lacks linux\/riscv64/)
  })

  it('names a missing tag as such', async () => {
    const plain = client(lab.LAB_PLAIN)
    await expect(
      plain.getManifest({ registry: lab.LAB_PLAIN, repository: FIXTURE, tag: 'missing' })
    ).rejects.toThrow(
      `registry ${lab.LAB_PLAIN}: GET manifest ${FIXTURE}:missing: does not exist; answered 404 Not Found (MANIFEST_UNKNOWN`
    )
  })
})

describe('writing to the plain registry', () => {
  it('mounts every blob, puts manifests by digest and the index by tag, reads it back', async () => {
    const plain = client(lab.LAB_PLAIN)
    const to = `e2e/registry-merge-${run}`
    const digest = await mergeFixture(plain, to, 'merged')
    expect(await plain.hasManifest({ registry: lab.LAB_PLAIN, repository: to, digest })).toBe(true)
  })

  it('refuses a manifest whose bytes do not match the digest it is put under', async () => {
    const plain = client(lab.LAB_PLAIN)
    await expect(
      plain.putManifest(
        `e2e/registry-bad-${run}`,
        `sha256:${'1'.repeat(64)}`,
        Buffer.from('{}'),
        MEDIA_TYPES.ociManifest
      )
    ).rejects.toThrow(/the bytes hash to sha256:[0-9a-f]{64}, not sha256:1{64}/)
  })

  it('names missing blobs when a manifest is put before them', async () => {
    const plain = client(lab.LAB_PLAIN)
    const tls = client(lab.LAB_TLS, { credentials })
    const index = await tls.getManifest({
      registry: lab.LAB_TLS,
      repository: FIXTURE,
      tag: 'latest'
    })
    const amd64 = platformDigests(asIndex(index))['linux/amd64'] ?? ''
    const manifest = await tls.getManifest({
      registry: lab.LAB_TLS,
      repository: FIXTURE,
      digest: amd64
    })
    await expect(
      plain.putManifest(`e2e/registry-empty-${run}`, 'v1', manifest.raw, manifest.mediaType)
    ).rejects.toThrow(/answered 400 Bad Request \(MANIFEST_BLOB_UNKNOWN.*push or mount its blobs/)
  })

  it('copies blobs by streaming, within the registry and from the TLS one; deletes manifests', async () => {
    const plain = client(lab.LAB_PLAIN)
    const tls = client(lab.LAB_TLS, { credentials })
    const index = await plain.getManifest({
      registry: lab.LAB_PLAIN,
      repository: FIXTURE,
      tag: 'latest'
    })
    const arm64 = platformDigests(asIndex(index))['linux/arm64'] ?? ''
    const manifest = await plain.getManifest({
      registry: lab.LAB_PLAIN,
      repository: FIXTURE,
      digest: arm64
    })
    const { config, layers } = asImage(manifest)
    const layer = layers[0]?.digest ?? ''

    const within = `e2e/registry-copy-${run}`
    expect(await plain.copyBlob(FIXTURE, within, layer)).toBe('copied')
    expect(await plain.copyBlob(FIXTURE, within, layer)).toBe('present')
    expect(await sha256Of(await plain.getBlob(within, layer))).toBe(layer)

    const across = `e2e/registry-across-${run}`
    expect(await plain.copyBlob(FIXTURE, across, layer, tls)).toBe('copied')
    expect(await plain.copyBlob(FIXTURE, across, config.digest, tls)).toBe('copied')
    expect(await plain.putManifest(across, arm64, manifest.raw, manifest.mediaType)).toBe(arm64)
    expect(await plain.deleteManifest(across, arm64)).toBe(true)
    expect(
      await plain.hasManifest({ registry: lab.LAB_PLAIN, repository: across, digest: arm64 })
    ).toBe(false)
  })

  it('copies instead when the registry refuses a mount (202), also without a known size', async () => {
    const proxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      refuseMounts: true,
      hideBlobSizes: true
    })
    closers.push(() => proxy.close())
    const messages: string[] = []
    const plain = client(proxy.address, { log: message => messages.push(message) })
    const index = await plain.getManifest({
      registry: proxy.address,
      repository: FIXTURE,
      tag: 'latest'
    })
    const s390x = platformDigests(asIndex(index))['linux/s390x'] ?? ''
    const manifest = await plain.getManifest({
      registry: proxy.address,
      repository: FIXTURE,
      digest: s390x
    })
    const to = `e2e/registry-refused-${run}`
    for (const blob of [asImage(manifest).config, ...asImage(manifest).layers]) {
      expect(await plain.mountBlob(FIXTURE, to, blob.digest)).toBe('copied')
      expect(await plain.hasBlob(to, blob.digest)).toBe(true)
    }
    expect(messages.join('\n')).toMatch(/refused \(202\); copying the bytes instead/)
    // Without a Content-Length the bytes went up as one streamed PATCH, then a closing PUT.
    expect(proxy.counts()['upload-patch']).toBe(2)
    expect(await plain.putManifest(to, 'v1', manifest.raw, manifest.mediaType)).toBe(s390x)
  })
})

describe('the bearer-token challenge', () => {
  let tokens: TokenServer
  let proxy: BearerProxy
  let storage: FaultProxy
  let redirecting: FaultProxy

  beforeAll(async () => {
    tokens = await startTokenServer(credentials)
    storage = await startFaultProxy({ target: lab.LAB_PLAIN })
    redirecting = await startFaultProxy({ target: lab.LAB_PLAIN, redirectBlobsTo: storage.address })
    proxy = await startBearerProxy({ target: redirecting.address, tokens })
    closers.push(
      () => proxy.close(),
      () => redirecting.close(),
      () => storage.close(),
      () => tokens.close()
    )
  })

  it('fetches scoped tokens with basic credentials; merges; blobs redirect without our token', async () => {
    const bearer = client(proxy.address, { credentials })
    const to = `e2e/registry-bearer-${run}`
    await mergeFixture(bearer, to, 'merged')
    expect(proxy.challenges()).toBeGreaterThan(0)
    const requests = tokens.requests()
    expect(requests.length).toBeGreaterThan(0)
    expect(requests.every(request => request.authorized && request.account === 'lab')).toBe(true)
    expect(requests.every(request => request.service === 'lab')).toBe(true)
    // Reads asked for pull; the mount asked for push on the target and pull on the source at once.
    expect(requests.some(request => request.scopes.includes(`repository:${FIXTURE}:pull`))).toBe(
      true
    )
    expect(
      requests.some(
        request =>
          request.scopes.includes(`repository:${to}:pull,push`) &&
          request.scopes.includes(`repository:${FIXTURE}:pull`)
      )
    ).toBe(true)

    const index = await bearer.getManifest({
      registry: proxy.address,
      repository: to,
      tag: 'merged'
    })
    const amd64 = platformDigests(asIndex(index))['linux/amd64'] ?? ''
    const manifest = await bearer.getManifest({
      registry: proxy.address,
      repository: to,
      digest: amd64
    })
    const layer = asImage(manifest).layers[0]?.digest ?? ''
    expect(await sha256Of(await bearer.getBlob(to, layer))).toBe(layer)
    const fetched = storage.requests().filter(request => request.kind === 'blob-get')
    expect(fetched.length).toBe(1)
    expect(fetched[0]?.authorized).toBe(false)
    expect(redirecting.requests().find(request => request.kind === 'blob-get')?.authorized).toBe(
      true
    )
  })

  it('asks the token endpoint once for requests side by side that need one scope', async () => {
    const bearer = client(proxy.address, { credentials })
    const repository = `e2e/registry-token-once-${run}`
    const scope = `repository:${repository}:pull`
    const asked = () => tokens.requests().filter(request => request.scopes.includes(scope)).length
    const found = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        bearer.hasManifest({ registry: proxy.address, repository, tag: `absent-${index}` })
      )
    )
    expect(found).toEqual(Array.from({ length: 8 }, () => false))
    expect(asked()).toBe(1)
  })

  it('names the token endpoint when it refuses the credentials', async () => {
    const wrong = client(proxy.address, { credentials: { username: 'lab', password: 'wrong' } })
    await expect(
      wrong.getManifest({ registry: proxy.address, repository: FIXTURE, tag: 'latest' })
    ).rejects.toThrow(
      new RegExp(
        `^registry ${proxy.address}: token endpoint ${tokens.realm}: refused the credentials of \`lab\` \\(401\\)`
      )
    )
  })
})

describe('faults between client and registry', () => {
  it('survives the first 3 requests of every kind failing (503, reset, 429 + Retry-After)', async () => {
    const proxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      rules: [{ kind: 'any', first: 3, fault: ['503', 'reset', '429'] }]
    })
    closers.push(() => proxy.close())
    const messages: string[] = []
    const faulty = client(proxy.address, { log: message => messages.push(message) })
    const to = `e2e/registry-faults-${run}`
    const started = Date.now()

    const digest = await mergeFixture(faulty, to, 'merged')
    expect(await faulty.hasManifest({ registry: proxy.address, repository: to, digest })).toBe(true)
    const manifest = await faulty.getManifest({
      registry: proxy.address,
      repository: to,
      digest: asIndex(
        await faulty.getManifest({ registry: proxy.address, repository: to, tag: 'merged' })
      ).manifests[0]?.digest
    })
    const layer = asImage(manifest).layers[0]?.digest ?? ''
    expect(await faulty.hasBlob(to, layer)).toBe(true)
    expect(await sha256Of(await faulty.getBlob(to, layer))).toBe(layer)
    expect(await faulty.copyBlob(to, `e2e/registry-faults-copy-${run}`, layer)).toBe('copied')
    const seconds = (Date.now() - started) / 1000

    const counts = proxy.counts()
    const kinds: RequestKind[] = [
      'other',
      'manifest-get',
      'manifest-head',
      'manifest-put',
      'blob-get',
      'blob-head',
      'upload-post',
      'upload-put'
    ]
    for (const kind of kinds) expect(counts[kind], kind).toBeGreaterThanOrEqual(4)
    // After each 429 the client waited out Retry-After: 1 before asking again.
    const requests = proxy.requests()
    for (const limited of requests.filter(request => request.fault === '429')) {
      const next = requests.find(
        request => request.kind === limited.kind && request.number === limited.number + 1
      )
      expect(next, limited.kind).toBeDefined()
      expect((next?.at ?? 0) - limited.at, limited.kind).toBeGreaterThanOrEqual(950)
    }
    expect(messages.some(message => /ECONNRESET|socket hang up/.test(message))).toBe(true)
    expect(messages.some(message => /answered 503 Service Unavailable/.test(message))).toBe(true)
    console.log(`fault sequence: ${seconds.toFixed(1)} s, ${messages.length} retries`)
  })

  it('gives up on a registry that never answers, within the timeouts, naming it', async () => {
    const proxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      rules: [{ kind: 'manifest-get', first: 100, fault: 'stall' }]
    })
    closers.push(() => proxy.close())
    const stalled = client(proxy.address, { timeoutMs: 500, retries: 1 })
    const { ms, error } = await timedFailure(
      stalled.getManifest({ registry: proxy.address, repository: FIXTURE, tag: 'latest' })
    )
    expect(error.message).toMatch(
      new RegExp(
        `^registry ${proxy.address}: GET manifest ${FIXTURE}:latest: gave up after 2 attempts: (no answer for 500 ms|not finished within timeoutMs \\(500 ms\\))`
      )
    )
    expect(ms).toBeGreaterThanOrEqual(1000)
    expect(ms).toBeLessThan(2500)
    console.log(`stall: failed after ${ms} ms: ${error.message}`)
  })

  it('gives up on a body that stalls after the headers', async () => {
    const proxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      rules: [{ kind: 'manifest-get', first: 100, fault: 'stall-body' }]
    })
    closers.push(() => proxy.close())
    const stalled = client(proxy.address, { timeoutMs: 500, retries: 1 })
    const { ms, error } = await timedFailure(
      stalled.getManifest({ registry: proxy.address, repository: FIXTURE, tag: 'latest' })
    )
    expect(error.message).toMatch(
      new RegExp(
        `^registry ${proxy.address}: GET manifest ${FIXTURE}:latest: gave up after 2 attempts: (the body stalled for 500 ms|not finished within timeoutMs \\(500 ms\\))`
      )
    )
    expect(ms).toBeLessThan(2500)
    console.log(`stalled body: failed after ${ms} ms: ${error.message}`)
  })

  it('fails a streamed blob whose body stalls midway, naming the registry', async () => {
    const proxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      rules: [{ kind: 'blob-get', first: 100, fault: 'stall-body' }]
    })
    closers.push(() => proxy.close())
    const plain = client(lab.LAB_PLAIN)
    const index = await plain.getManifest({
      registry: lab.LAB_PLAIN,
      repository: FIXTURE,
      tag: 'latest'
    })
    const amd64 = platformDigests(asIndex(index))['linux/amd64'] ?? ''
    const manifest = await plain.getManifest({
      registry: lab.LAB_PLAIN,
      repository: FIXTURE,
      digest: amd64
    })
    const layer = asImage(manifest).layers[0]?.digest ?? ''
    const stalled = client(proxy.address, { timeoutMs: 500, retries: 1 })
    const blob = await stalled.getBlob(FIXTURE, layer)
    const { ms, error } = await timedFailure(sha256Of(blob))
    expect(error.message).toBe(
      `registry ${proxy.address}: GET blob ${FIXTURE}@${layer}: the body stalled for 500 ms; the registry or the network is too slow; raise \`timeoutMs\` or check the network`
    )
    expect(ms).toBeLessThan(1500)
  })

  it('keeps to operationTimeoutMs however many retries are allowed', async () => {
    const proxy = await startFaultProxy({
      target: lab.LAB_PLAIN,
      rules: [{ kind: 'manifest-get', first: 1000, fault: ['503', 'stall'] }]
    })
    closers.push(() => proxy.close())
    const budgeted = client(proxy.address, {
      timeoutMs: 400,
      retries: 100,
      operationTimeoutMs: 1500
    })
    const { ms, error } = await timedFailure(
      budgeted.getManifest({ registry: proxy.address, repository: FIXTURE, tag: 'latest' })
    )
    expect(error.message).toMatch(new RegExp(`^registry ${proxy.address}: GET manifest `))
    expect(error.message).toMatch(/operationTimeoutMs/)
    expect(ms).toBeLessThan(2000)
    console.log(`operation deadline: failed after ${ms} ms: ${error.message}`)
  })

  it('fails fast and names the registry when nothing listens at its address', async () => {
    const address = `127.0.0.1:${await closedPort()}`
    const gone = client(address, { retries: 3, operationTimeoutMs: 3000 })
    const { ms, error } = await timedFailure(
      gone.getManifest({ registry: address, repository: FIXTURE, tag: 'latest' })
    )
    expect(error.message).toMatch(
      new RegExp(
        `^registry ${address}: GET manifest ${FIXTURE}:latest \\(GET /v2/\\): gave up after 4 attempts: connect ECONNREFUSED ${address}; is a registry listening`
      )
    )
    expect(ms).toBeLessThan(3000)
    console.log(`closed port: failed after ${ms} ms: ${error.message}`)
  })
})
