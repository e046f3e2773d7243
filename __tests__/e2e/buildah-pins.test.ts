/**
 * buildah builds what raw buildah builds: images named outside FROM (`COPY --from=<image>`),
 * bases named by an ARG, each platform with its own files, every time; a warm rebuild with
 * `pull: false` fetches no image again.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { rawManifest } from '../support/skopeo.js'
import { needsPins } from '../../src/engines/buildah/version.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(3).toString('hex')
/** A base of this file's own, so that the registry's log shows every fetch of it. */
const repository = `e2e/pins-${run}/base`
const base = `${lab.LAB_PLAIN}/${repository}:latest`
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']
/** ELF e_machine of each platform's binaries. */
const MACHINE: Record<string, number> = {
  amd64: 62,
  arm64: 183,
  s390x: 22,
  ppc64le: 21
}
const ROUNDS = Number(process.env.PINS_ROUNDS ?? 5)
/** Before 1.40 the action pins and pulls; from 1.40 buildah resolves (and pulls) by itself. */
const pins = needsPins(
  /version (\S+)/.exec(spawnSync('buildah', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '',
  true,
  false
)

interface Descriptor {
  readonly digest: string
  readonly platform?: { readonly architecture: string }
}

/** The ELF machine of `file` in the image each platform of `tag` holds, read from the registry. */
async function machines(tag: string, file: string): Promise<Record<string, number>> {
  const [, repo] = /^[^/]+\/(.*):[^:]+$/.exec(tag) ?? []
  const index = JSON.parse(rawManifest(tag)?.toString('utf8') ?? '{}') as {
    manifests: Descriptor[]
  }
  const found: Record<string, number> = {}
  for (const entry of index.manifests) {
    const manifest = JSON.parse(
      rawManifest(`${lab.LAB_PLAIN}/${repo ?? ''}@${entry.digest}`)?.toString('utf8') ?? '{}'
    ) as { layers: Descriptor[] }
    for (const layer of manifest.layers) {
      const response = await fetch(`http://${lab.LAB_PLAIN}/v2/${repo ?? ''}/blobs/${layer.digest}`)
      const blob = path.join(mkdtempSync(path.join(tmpdir(), 'pins-layer-')), 'layer')
      writeFileSync(blob, Buffer.from(await response.arrayBuffer()))
      const extracted = spawnSync('tar', ['-xOf', blob, file], { maxBuffer: 64 << 20 })
      if (extracted.status === 0 && extracted.stdout.length > 20) {
        // e_machine, in the byte order EI_DATA names (s390x is big-endian).
        const bigEndian = extracted.stdout[5] === 2
        found[entry.platform?.architecture ?? '?'] = bigEndian
          ? extracted.stdout.readUInt16BE(18)
          : extracted.stdout.readUInt16LE(18)
      }
    }
  }
  return found
}

function context(dockerfile: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pins-'))
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile)
  return dir
}

/** The registry's access log lines that fetched this file's base since `from` lines. */
function baseFetches(from: number): string[] {
  return readFileSync(path.join(lab.LAB_DIR, 'logs', 'registry-plain.log'), 'utf8')
    .split('\n')
    .slice(from)
    .filter(line => line.includes(`"GET /v2/${repository}/`))
}

function logLength(): number {
  return readFileSync(path.join(lab.LAB_DIR, 'logs', 'registry-plain.log'), 'utf8').split('\n')
    .length
}

const build = (dir: string, tag: string, extra: Record<string, string> = {}) =>
  runMain({
    inputs: {
      platforms: PLATFORMS.join(','),
      context: '.',
      tags: tag,
      push: 'true',
      'max-parallelism': '4',
      engine: 'buildah',
      ...extra
    },
    env: BUILDAH_ENV,
    cwd: dir
  })

describe('buildah pins every image reference per platform', () => {
  beforeAll(() => {
    execFileSync('skopeo', [
      'copy',
      '--all',
      '--quiet',
      `docker://${lab.LAB_PLAIN}/${lab.LAB_FIXTURE}`,
      `docker://${base}`
    ])
  })

  it(`builds COPY --from=<image> on 4 platforms ${ROUNDS} times, each with its own binary`, async () => {
    const dir = context(`FROM scratch\nCOPY --from=${base} /bin/busybox /bin/copied\n`)
    for (let round = 1; round <= ROUNDS; round++) {
      const tag = `${lab.LAB_PLAIN}/e2e/pins-${run}/copy:${round}`
      const step = await build(dir, tag, { 'verify-arch': 'off' })
      expect(step.errors, `round ${round}`).toEqual([])
      expect(step.exitCode, `round ${round}`).toBe(0)
      const found = await machines(tag, 'bin/copied')
      expect(found, `round ${round}`).toEqual(
        Object.fromEntries(
          PLATFORMS.map(platform => {
            const architecture = platform.split('/')[1] ?? ''
            return [architecture, MACHINE[architecture]]
          })
        )
      )
    }
  })

  it('builds a base named by an ARG, in FROM and in COPY --from', async () => {
    const dir = context(
      [
        '# syntax=docker/dockerfile:1',
        `ARG BASE=${lab.LAB_PLAIN}/fixtures/none:missing`,
        'FROM ${BASE}',
        'ARG BASE',
        'COPY --from=${BASE} /bin/busybox /bin/again',
        'RUN uname -m > /arch',
        ''
      ].join('\n')
    )
    const tag = `${lab.LAB_PLAIN}/e2e/pins-${run}/arg:1`
    const step = await build(dir, tag, { 'build-args': `BASE=${base}` })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const found = await machines(tag, 'bin/again')
    expect(Object.keys(found).sort()).toEqual(['amd64', 'arm64', 'ppc64le', 's390x'])
    for (const [architecture, machine] of Object.entries(found)) {
      expect(machine, architecture).toBe(MACHINE[architecture])
    }
  })

  it.runIf(pins)('fetches no image again on a warm rebuild with pull: false', async () => {
    const dir = context(`FROM ${base}\nCOPY --from=${base} /bin/busybox /bin/copied\nRUN true\n`)
    const first = await build(dir, `${lab.LAB_PLAIN}/e2e/pins-${run}/warm:1`)
    expect(first.errors).toEqual([])
    // Every platform keeps its base's name, as buildah records it for a named base.
    const tag = `${lab.LAB_PLAIN}/e2e/pins-${run}/warm:1`
    const index = JSON.parse(rawManifest(tag)?.toString('utf8') ?? '{}') as {
      manifests: Descriptor[]
    }
    for (const entry of index.manifests) {
      const manifest = JSON.parse(
        rawManifest(`${lab.LAB_PLAIN}/e2e/pins-${run}/warm@${entry.digest}`)?.toString('utf8') ??
          '{}'
      ) as { annotations?: Record<string, string> }
      expect(manifest.annotations?.['org.opencontainers.image.base.name'], entry.digest).toBe(base)
    }
    const before = logLength()
    const step = await build(dir, `${lab.LAB_PLAIN}/e2e/pins-${run}/warm:2`)
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.stdout).not.toContain('Trying to pull')
    expect(step.stdout).not.toMatch(/: image [0-9a-f]{12} \(pulled\)/)
    // Only the index of each name may be read (buildah looks up what the tag names now).
    const fetches = baseFetches(before)
    expect(fetches.filter(line => line.includes('/blobs/'))).toEqual([])
    expect(fetches.filter(line => /\/manifests\/sha256:/.test(line))).toEqual([])
  })
})
