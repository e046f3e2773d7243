/**
 * Pushes the way real registries make them hard, through dist/ as the runner calls it: a
 * 200 MB layer in resumable chunks over a connection that drops, a registry that refuses
 * mounts, and two runs moving the same tag at once.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, writeFileSync } from 'node:fs'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ROOT, runMain } from '../../harness/runner.mjs'
import { workspaceScratch } from '../support/scratch.js'
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js'
import { rawManifest, servedDigest } from '../support/skopeo.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const CHUNK = 32 * 1024 * 1024
const proxies: FaultProxy[] = []
afterAll(async () => {
  for (const proxy of proxies) await proxy.close()
})

async function proxy(options: Omit<Parameters<typeof startFaultProxy>[0], 'target'>) {
  const started = await startFaultProxy({ target: lab.LAB_PLAIN, ...options })
  proxies.push(started)
  return started
}

/** A context whose image is one file: `bytes` of it, random so that gzip cannot shrink it. */
async function fileContext(bytes: number, label: string): Promise<string> {
  const dir = workspaceScratch('uploads-')
  const out = createWriteStream(path.join(dir, 'payload'))
  for (let written = 0; written < bytes; written += 1024 * 1024) {
    if (!out.write(randomBytes(Math.min(1024 * 1024, bytes - written)))) {
      await new Promise<void>(resolve => {
        out.once('drain', () => {
          resolve()
        })
      })
    }
  }
  out.end()
  await finished(out)
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    `FROM scratch\nLABEL run=${label}\nCOPY payload /payload\n`
  )
  return path.relative(ROOT, dir)
}

/** The digest the lab registry itself serves for a reference. */
const served = (repositoryAndTag: string) =>
  servedDigest(`${lab.LAB_PLAIN}/${repositoryAndTag}`, { insecure: true })

/** Until `proxy` holds the PUT of its held tag: the run is between its two tags. */
async function untilHolding(proxy: FaultProxy): Promise<void> {
  for (let waited = 0; !proxy.holding(); waited += 100) {
    if (waited > 240_000) throw new Error('the run never reached its second tag')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** The size of the first layer, through the index buildah pushes even for one platform. */
function layerSize(repositoryAndTag: string): number {
  const read = (reference: string) =>
    JSON.parse(
      rawManifest(`${lab.LAB_PLAIN}/${reference}`, { insecure: true })?.toString('utf8') ?? '{}'
    ) as { manifests?: { digest: string }[]; layers?: { size: number }[] }
  const top = read(repositoryAndTag)
  const [first] = top.manifests ?? []
  const image =
    first === undefined ? top : read(`${repositoryAndTag.split(':')[0] ?? ''}@${first.digest}`)
  return image.layers?.[0]?.size ?? 0
}

const build = (context: string, tags: string[], platforms = 'linux/amd64') =>
  runMain({
    inputs: {
      platforms,
      context,
      tags: tags.join('\n'),
      push: 'true',
      engine: 'buildah',
      'verify-arch': 'off'
    },
    env: BUILDAH_ENV
  })

describe('uploads', () => {
  it('sends a 200 MB layer in chunks, and resumes from the Range the registry reports after a reset', async () => {
    // The third chunk's connection is reset as it arrives; every other request goes through.
    const faults = await proxy({
      rules: [{ kind: 'upload-patch', first: 3, fault: ['pass', 'pass', 'reset'] }]
    })
    const repository = `e2e/uploads-resume-${run}`
    const step = await build(await fileContext(200 * 1024 * 1024, 'resume'), [
      `${faults.address}/${repository}:1`
    ])
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.outputs.digest).toBe(served(`${repository}:1`))
    const size = layerSize(`${repository}:1`)
    expect(size).toBeGreaterThan(200 * 1024 * 1024)
    const requests = faults.requests()
    // One upload session for the layer, one for the config: nothing started over.
    expect(requests.filter(request => request.kind === 'upload-post')).toHaveLength(2)
    // Every chunk once, plus the one that was reset.
    expect(requests.filter(request => request.kind === 'upload-patch')).toHaveLength(
      Math.ceil(size / CHUNK) + 1
    )
    expect(
      requests.some(request => request.method === 'GET' && request.url.includes('/blobs/uploads/'))
    ).toBe(true)
    expect(step.stdout).toContain(
      `the registry holds ${2 * CHUNK} of ${size} bytes, resuming there`
    )
  })

  it('starts a 200 MB layer over when the registry drops an upload cut off mid-chunk', async () => {
    // The distribution registry cancels an upload whose bytes no longer match its state.
    const faults = await proxy({
      rules: [{ kind: 'upload-patch', first: 2, fault: ['pass', 'reset-midway'] }]
    })
    const repository = `e2e/uploads-restart-${run}`
    const step = await build(await fileContext(200 * 1024 * 1024, 'restart'), [
      `${faults.address}/${repository}:1`
    ])
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.outputs.digest).toBe(served(`${repository}:1`))
    expect(step.stdout).toMatch(/the registry no longer has the upload .*; starting it again/)
    // The layer's session twice, the config's once.
    expect(faults.requests().filter(request => request.kind === 'upload-post')).toHaveLength(3)
  })

  it("sends the blobs side by side, then the platforms' manifests, the index, and the tag last", async () => {
    const recording = await proxy({})
    const repository = `e2e/uploads-order-${run}`
    const step = await build(
      await fileContext(1024 * 1024, 'order'),
      [`${recording.address}/${repository}:1`],
      'linux/amd64,linux/arm64'
    )
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const digest = step.outputs.digest ?? ''
    expect(served(`${repository}:1`)).toBe(digest)
    const requests = recording.requests()
    const indexed = requests.map((request, index) => ({ request, index }))
    const ofKind = (kind: string) => indexed.filter(({ request }) => request.kind === kind)
    const position = (kind: string, nth = 0) => ofKind(kind)[nth]?.index ?? -1
    // Three blobs (one layer both platforms share, a config each): their checks went out
    // together, before the first upload began.
    expect(ofKind('upload-post')).toHaveLength(3)
    expect(position('blob-head', 2)).toBeGreaterThan(-1)
    expect(position('blob-head', 2)).toBeLessThan(position('upload-post'))
    // No manifest before the last blob is in; the index after both platforms; the tag last.
    const lastBlob = requests.map(request => request.kind).lastIndexOf('upload-put')
    const puts = ofKind('manifest-put')
    expect(puts.every(({ index }) => index > lastBlob)).toBe(true)
    const names = puts.map(({ request }) => request.url.split('/manifests/')[1] ?? '')
    expect(names).toHaveLength(4)
    expect(names.slice(0, 2).every(name => name.startsWith('sha256:') && name !== digest)).toBe(
      true
    )
    expect(names.slice(2)).toEqual([digest, '1'])
  })

  it('copies the bytes into a second repository when the registry refuses to mount (403)', async () => {
    const refusing = await proxy({ refuseMountsWith: 403 })
    const first = `e2e/uploads-first-${run}`
    const second = `e2e/uploads-second-${run}`
    const step = await build(await fileContext(1024 * 1024, 'mount'), [
      `${refusing.address}/${first}:1`,
      `${refusing.address}/${second}:1`
    ])
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toMatch(/refused \(403\); copying the bytes instead/)
    expect(served(`${first}:1`)).toBe(step.outputs.digest)
    expect(served(`${second}:1`)).toBe(step.outputs.digest)
  })
})

describe('two runs moving the same tag', () => {
  /** Seed `shared` with an image, so a rollback has something to put back. */
  async function seeded(repository: string): Promise<string> {
    const seed = await build(await fileContext(1024, 'seed'), [
      `${lab.LAB_PLAIN}/${repository}:shared`
    ])
    expect(seed.exitCode).toBe(0)
    return seed.outputs.digest ?? ''
  }

  it("leaves the winner's tag alone when the loser rolls back", async () => {
    const repository = `e2e/race-${run}`
    await seeded(repository)
    const slow = await proxy({ holdTagPut: 'slow' })
    // A moves `shared`, then waits on `slow` while B moves `shared` to its own image.
    const loser = build(await fileContext(1024, 'loser'), [
      `${slow.address}/${repository}:shared`,
      `${slow.address}/${repository}:slow`
    ])
    await untilHolding(slow)
    const winner = await build(await fileContext(1024, 'winner'), [
      `${lab.LAB_PLAIN}/${repository}:shared`
    ])
    expect(winner.exitCode).toBe(0)
    slow.release(400)
    const lost = await loser
    expect(lost.exitCode).toBe(1)
    expect(lost.errors.join('\n')).toMatch(
      new RegExp(
        `moving the tags failed: .*no tag needed putting back; left as they are: .*${repository}:shared \\(now ${winner.outputs.digest ?? ''}: moved by another push since\\)`
      )
    )
    expect(served(`${repository}:shared`)).toBe(winner.outputs.digest)
  })

  it('puts the tags it moved back when nobody else touched them', async () => {
    const repository = `e2e/rollback-${run}`
    const before = await seeded(repository)
    const slow = await proxy({ holdTagPut: 'slow' })
    const failing = build(await fileContext(1024, 'alone'), [
      `${slow.address}/${repository}:shared`,
      `${slow.address}/${repository}:slow`
    ])
    await untilHolding(slow)
    slow.release(400)
    const step = await failing
    expect(step.exitCode).toBe(1)
    expect(step.errors.join('\n')).toMatch(
      new RegExp(`put back: .*${repository}:shared \\(back to ${before}\\)`)
    )
    expect(served(`${repository}:shared`)).toBe(before)
  })
})
