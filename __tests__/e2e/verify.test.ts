import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ROOT, runMain } from '../../harness/runner.mjs'
import { workspaceScratch } from '../support/scratch.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')

/** A context whose image copies the host's amd64 busybox in: the classic silent mistake. */
function wrongBinaryContext(): string {
  const dir = workspaceScratch('verify-')
  copyFileSync(path.join(lab.LAB_BUSYBOX_DIR, 'amd64', 'bin', 'busybox'), path.join(dir, 'tool'))
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    `FROM ${lab.LAB_PLAIN}/fixtures/busybox:latest\nCOPY tool /usr/local/bin/tool\n`
  )
  return path.relative(ROOT, dir)
}

function tagExists(reference: string): boolean {
  return spawnSync('skopeo', ['inspect', '--raw', `docker://${reference}`]).status === 0
}

const build = (tag: string, extra: Record<string, string> = {}) =>
  runMain({
    inputs: {
      platforms: 'linux/amd64,linux/arm64',
      context: wrongBinaryContext(),
      tags: tag,
      push: 'true',
      engine: 'buildah',
      ...extra
    },
    env: { ...BUILDAH_ENV, RUNNER_DEBUG: '1' }
  })

describe('architecture check before any tag moves', () => {
  it('fails an "arm64" image holding an amd64 binary, naming the file and both architectures', async () => {
    const tag = `${lab.LAB_PLAIN}/verify/wrong-${run}:1`
    const step = await build(tag)
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(
      /architecture check failed: usr\/local\/bin\/tool is linux\/amd64, expected linux\/arm64/
    )
    expect(step.errors[0]).not.toMatch(/expected linux\/amd64/)
    // Each platform's layers were read as its own image was written, while the other built.
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      expect(step.stdout).toContain(
        `::debug::${platform}: its layers were read for the check as its image was written`
      )
    }
    expect(step.outputs).toEqual({})
    expect(tagExists(tag)).toBe(false)
    // The summary still tells the story, with what to do next.
    expect(step.summary).toContain('❌')
    expect(step.summary).toMatch(/Next steps/i)
  })

  it('leaves an existing tag where it was when the check fails', async () => {
    const tag = `${lab.LAB_PLAIN}/verify/kept-${run}:1`
    execFileSync('skopeo', [
      'copy',
      '--all',
      `docker://${lab.LAB_PLAIN}/fixtures/busybox:latest`,
      `docker://${tag}`
    ])
    const before = execFileSync('skopeo', ['inspect', '--raw', `docker://${tag}`], {
      encoding: 'utf8'
    })
    const step = await build(tag)
    expect(step.exitCode).toBe(1)
    expect(
      execFileSync('skopeo', ['inspect', '--raw', `docker://${tag}`], { encoding: 'utf8' })
    ).toBe(before)
  })

  it('passes an allow-listed foreign file and notes it', async () => {
    const tag = `${lab.LAB_PLAIN}/verify/allowed-${run}:1`
    const step = await build(tag, { 'verify-arch-allow': 'usr/local/bin/*' })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toMatch(/linux\/arm64: .*1 foreign but allowed/)
    expect(step.stdout).toContain('allowed: usr/local/bin/tool is linux/amd64')
    expect(tagExists(tag)).toBe(true)
  })

  it('only warns, as an annotation, under verify-arch: warn', async () => {
    const tag = `${lab.LAB_PLAIN}/verify/warned-${run}:1`
    const step = await build(tag, { 'verify-arch': 'warn' })
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toMatch(
      /::warning title=architecture check \(linux\/arm64\)::usr\/local\/bin\/tool is linux\/amd64, expected linux\/arm64/
    )
  })

  it('checks zstd layers in merge mode before the index is pushed', async () => {
    const repository = `${lab.LAB_PLAIN}/verify/zstd-${run}`
    // Legs whose layers the registry stores zstd-compressed.
    for (const [platform, slug] of [
      ['arm64', 'linux-arm64'],
      ['amd64', 'linux-amd64']
    ] as const) {
      // Through an OCI layout, so no gzip copy of the same layer can be reused on the way.
      const layout = mkdtempSync(path.join(tmpdir(), 'zstd-'))
      execFileSync('skopeo', [
        'copy',
        '--override-arch',
        platform,
        '--dest-compress-format',
        'zstd',
        `docker://${lab.LAB_PLAIN}/fixtures/busybox:latest`,
        `oci:${layout}:leg`
      ])
      execFileSync('skopeo', [
        'copy',
        '--preserve-digests',
        `oci:${layout}:leg`,
        `docker://${repository}:1-${slug}`
      ])
    }
    const raw = JSON.parse(
      execFileSync('skopeo', ['inspect', '--raw', `docker://${repository}:1-linux-arm64`], {
        encoding: 'utf8'
      })
    ) as { layers: { mediaType: string }[] }
    expect(raw.layers[0]?.mediaType).toMatch(/zstd/)
    const merge = await runMain({
      inputs: { mode: 'merge', platforms: 'linux/amd64,linux/arm64', tags: `${repository}:1` }
    })
    expect(merge.errors).toEqual([])
    expect(merge.stdout).toMatch(
      /linux\/arm64: [1-9]\d* ELF files in 1 layers \(1 read\): all match/
    )
  })
})
