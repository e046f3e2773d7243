import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { runMain, runPost } from '../../harness/runner.mjs'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const secret = `s3cret-${randomBytes(8).toString('hex')}`

function skopeoJson(...args: string[]): unknown {
  return JSON.parse(execFileSync('skopeo', args, { encoding: 'utf8' })) as unknown
}

function ctr(...args: string[]): string {
  return execFileSync('ctr', ['--address', lab.LAB_CONTAINERD_ADDRESS, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

describe('buildah engine passes every build input through to a real build', () => {
  it('applies target, build-args, labels, annotations, secrets, no-cache and cache-to', async () => {
    const context = mkdtempSync(path.join(tmpdir(), 'options-'))
    writeFileSync(
      path.join(context, 'Containerfile'),
      [
        `FROM ${lab.LAB_PLAIN}/fixtures/busybox:latest AS build`,
        'ARG GREETING',
        'RUN echo "$GREETING" > /greeting',
        'RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -c1-64 > /token.sha',
        'FROM build AS final',
        'RUN echo final > /final',
        ''
      ].join('\n')
    )
    const tag = `${lab.LAB_PLAIN}/e2e/options-${run}:1`
    const cache = `${lab.LAB_PLAIN}/e2e/options-cache-${run}`
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64,linux/arm64',
        context: '.',
        file: 'Containerfile',
        target: 'build',
        'build-args': 'GREETING=hello, world',
        labels: 'org.example.flavour=test',
        annotations: 'org.example.note=annotated',
        secrets: `token=${secret}`,
        'cache-to': `type=registry,ref=${cache}`,
        // A secret never busts the layer cache (by design), so build from scratch each run.
        'no-cache': 'true',
        tags: tag,
        push: 'true',
        engine: 'buildah'
      },
      env: BUILDAH_ENV,
      cwd: context
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const visibleLog = step.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(visibleLog).not.toContain(secret)
    expect(visibleLog).not.toContain(Buffer.from(secret).toString('base64'))

    const digests = JSON.parse(step.outputs.digests ?? '{}') as Record<string, string>
    expect(Object.keys(digests)).toEqual(['linux/amd64', 'linux/arm64'])
    const arm64 = `${lab.LAB_PLAIN}/e2e/options-${run}@${digests['linux/arm64'] ?? ''}`
    const config = skopeoJson('inspect', '--config', `docker://${arm64}`) as {
      architecture: string
      config: { Labels?: Record<string, string> }
    }
    expect(config.architecture).toBe('arm64')
    expect(config.config.Labels?.['org.example.flavour']).toBe('test')
    const manifest = skopeoJson('inspect', '--raw', `docker://${arm64}`) as {
      annotations?: Record<string, string>
    }
    expect(manifest.annotations?.['org.example.note']).toBe('annotated')

    ctr('image', 'pull', '--hosts-dir', lab.LAB_CTR_HOSTS_DIR, '--platform', 'linux/arm64', tag)
    const inside = ctr(
      'run',
      '--rm',
      '--snapshotter',
      lab.LAB_SNAPSHOTTER,
      '--platform',
      'linux/arm64',
      tag,
      `options-${run}`,
      'sh',
      '-c',
      'cat /greeting /token.sha; test -e /final && echo has-final || echo no-final'
    )
    expect(inside.trim().split('\n')).toEqual([
      'hello, world',
      createHash('sha256').update(secret).digest('hex'),
      'no-final'
    ])

    const cacheTags = skopeoJson('list-tags', `docker://${cache}`) as { Tags: string[] }
    expect(cacheTags.Tags.length).toBeGreaterThan(0)

    // Secret files are gone once the build is over; the post step removes the rest.
    const tempDirs = readdirSync(step.runnerTemp)
    for (const dir of tempDirs) {
      expect(
        readdirSync(path.join(step.runnerTemp, dir)).filter(name => name.startsWith('secret-'))
      ).toEqual([])
    }
    const post = await runPost(step)
    expect(post.exitCode).toBe(0)
    for (const dir of tempDirs) expect(existsSync(path.join(step.runnerTemp, dir))).toBe(false)
  })
})
