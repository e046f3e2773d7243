import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { nodeBinaries, runMain } from '../../harness/runner.mjs'
import { rawManifest } from '../support/skopeo.js'
import { needsPins } from '../../src/engines/buildah/version.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const base = `${lab.LAB_PLAIN}/fixtures/busybox:latest`
const run = randomBytes(3).toString('hex')
/** The buildah on PATH: before 1.40 the action pins every image reference (see version.ts). */
const version =
  /version (\S+)/.exec(spawnSync('buildah', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? ''
const pins = needsPins(version, true, false)

/** Each `::group::` of a log with the lines inside it. */
function groups(stdout: string): Map<string, string[]> {
  const found = new Map<string, string[]>()
  let current: string[] | undefined
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::group::')) {
      current = []
      found.set(line.slice('::group::'.length), current)
    } else if (line.startsWith('::endgroup::')) current = undefined
    // The fence around a build's own output is not part of it.
    else if (!/^::(stop-commands::)?[0-9a-f]{32}(::)?$/.test(line)) current?.push(line)
  }
  return found
}

function containers(): string[] {
  const listed = spawnSync(
    'buildah',
    ['containers', '--noheading', '--format', '{{.ContainerID}}'],
    {
      env: { ...process.env, ...BUILDAH_ENV },
      encoding: 'utf8'
    }
  )
  return listed.stdout.split('\n').filter(line => line !== '')
}

describe.each(nodeBinaries())('buildah builds the platforms side by side, under %s', node => {
  it('builds four platforms at once, each log whole in its own group, the list complete', async () => {
    const platforms = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']
    const tag = `${lab.LAB_PLAIN}/e2e/parallel-${run}:four-${randomBytes(2).toString('hex')}`
    const step = await runMain({
      node,
      inputs: {
        platforms: platforms.join(','),
        context: 'examples/emulated-run',
        'build-args': `BASE=${base}`,
        'no-cache': 'true',
        'max-parallelism': '4',
        tags: tag,
        push: 'true',
        engine: 'buildah'
      },
      env: BUILDAH_ENV
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toContain('building 4 platforms, 4 at a time (max-parallelism)')
    const logs = groups(step.log)
    for (const platform of platforms) {
      const title = [...logs.keys()].find(name => name.startsWith(`Build ${platform}`))
      expect(title, platform).toMatch(/: [0-9.]+ s$/)
      const lines = logs.get(title ?? '') ?? []
      // One build's steps in order, and no other build's lines among them.
      const said =
        /^base .* for linux\/[^:]+: image ([0-9a-f]{12}) \((pulled|in the store)\)$/.exec(
          lines[0] ?? ''
        )
      const id = said?.[1]
      if (pins) {
        expect(lines[0]).toBe(
          `base ${base} for ${platform}: image ${id ?? '?'} (${said?.[2] ?? '?'})`
        )
      }
      expect(lines.filter(line => line.startsWith('STEP '))).toEqual([
        pins ? `STEP 1/4: FROM ${base} (image ${id ?? '?'})` : `STEP 1/4: FROM ${base}`,
        'STEP 2/4: RUN chmod 0755 /bin/busybox && uname -m > /arch',
        'STEP 3/4: RUN echo "built for $(cat /arch)" > /built-for',
        'STEP 4/4: CMD ["cat", "/arch"]'
      ])
      expect(lines.filter(line => line === 'COMMIT')).toHaveLength(1)
    }
    const digests = JSON.parse(step.outputs.digests ?? '{}') as Record<string, string>
    expect(Object.keys(digests).sort()).toEqual([...platforms].sort())
    const index = JSON.parse(rawManifest(tag)?.toString('utf8') ?? '{}') as {
      manifests: { platform: { architecture: string } }[]
    }
    // In the order asked for, whichever finished first.
    expect(index.manifests.map(entry => entry.platform.architecture)).toEqual([
      'amd64',
      'arm64',
      's390x',
      'ppc64le'
    ])
  })

  it('stops the other builds when one fails, names it, and pushes nothing', async () => {
    const context = mkdtempSync(path.join(tmpdir(), 'parallel-'))
    writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        `FROM ${base}`,
        // s390x fails at once; every other platform would take a minute.
        'RUN if [ "$(uname -m)" = s390x ]; then echo "no s390x here" >&2; exit 3; fi; sleep 60',
        ''
      ].join('\n')
    )
    const tag = `${lab.LAB_PLAIN}/e2e/parallel-${run}:fails`
    const containersBefore = containers()
    const started = performance.now()
    const step = await runMain({
      node,
      inputs: {
        platforms: 'linux/amd64,linux/s390x,linux/arm64',
        context: '.',
        'no-cache': 'true',
        'max-parallelism': '2',
        tags: tag,
        push: 'true',
        engine: 'buildah'
      },
      env: BUILDAH_ENV,
      cwd: context
    })
    const seconds = (performance.now() - started) / 1000
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(/build of linux\/s390x failed \(under QEMU\)/)
    expect(step.errors[0]).toContain('no s390x here')
    expect(step.errors[0]).toMatch(
      /Stopped the builds of linux\/amd64\. Never started linux\/arm64\. Nothing was pushed/
    )
    // amd64 was stopped, not waited for: its RUN sleeps a minute.
    expect(seconds).toBeLessThan(50)
    const logs = [...groups(step.stdout).keys()]
    expect(logs).toContain('Build linux/s390x (emulated): failed')
    expect(logs).toContain('Build linux/amd64: stopped')
    expect(rawManifest(tag)).toBeUndefined()
    // The store is sound after the stopped build, and neither build left a container.
    const images = spawnSync('buildah', ['images', '--noheading'], {
      env: { ...process.env, ...BUILDAH_ENV },
      encoding: 'utf8'
    })
    expect(images.status, images.stderr).toBe(0)
    expect(containers()).toEqual(containersBefore)
  })
})

describe.each(nodeBinaries())('a cross-compiling Dockerfile on buildah, under %s', node => {
  it('runs the $BUILDPLATFORM stage on the build host and the rest as each target', async () => {
    const step = await runMain({
      node,
      inputs: {
        platforms: 'linux/amd64,linux/arm64,linux/s390x',
        context: 'examples/cross-stage',
        'build-args': `BASE=${base}`,
        'no-cache': 'true',
        // The bases are pulled again, and buildah is not asked to pull the ids it is given.
        pull: 'true',
        // Build host / TARGETARCH the stage was told / the final stage's own uname -m.
        'smoke-test': 'cat /build-arch /for-arch /arch',
        engine: 'buildah'
      },
      env: BUILDAH_ENV
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const metadata = JSON.parse(step.outputs.metadata ?? '{}') as {
      smoke: { platform: string; output: string }[]
    }
    expect(
      Object.fromEntries(metadata.smoke.map(entry => [entry.platform, entry.output.split('\n')]))
    ).toEqual({
      'linux/amd64': ['x86_64', 'amd64', 'x86_64'],
      'linux/arm64': ['x86_64', 'arm64', 'aarch64'],
      'linux/s390x': ['x86_64', 's390x', 's390x']
    })
    // The architecture check read every final image: each holds its target's busybox.
    expect(step.stdout).toMatch(/linux\/s390x: 1 ELF files in \d+ layers \(\d+ read\): all match/)
    expect(step.stdout).not.toContain('were not consumed')
  })

  it("still warns about the user's own build args that no ARG takes", async () => {
    const step = await runMain({
      node,
      inputs: {
        platforms: 'linux/arm64',
        context: 'examples/cross-stage',
        'build-args': `BASE=${base}\nUNUSED_BY_ANY_ARG=1`,
        engine: 'buildah'
      },
      env: BUILDAH_ENV
    })
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toContain('one or more build args were not consumed: [UNUSED_BY_ANY_ARG]')
  })

  it.runIf(pins)(
    'leaves a FROM it cannot read to buildah, and then builds one platform at a time',
    async () => {
      const context = mkdtempSync(path.join(tmpdir(), 'unread-'))
      writeFileSync(
        path.join(context, 'Dockerfile'),
        // `${VAR:+word}` is a form buildah expands and the action does not read.
        ['ARG WITH_BASE=yes', `FROM \${WITH_BASE:+${base}}`, 'RUN uname -m > /arch', ''].join('\n')
      )
      const step = await runMain({
        node,
        inputs: { platforms: 'linux/amd64,linux/arm64', context: '.', engine: 'buildah' },
        env: BUILDAH_ENV,
        cwd: context
      })
      expect(step.errors).toEqual([])
      expect(step.exitCode).toBe(0)
      expect(step.stdout).toContain(
        `building one platform at a time: buildah ${version} looks images up by name, so platforms side by side could take each other's images, and the action cannot pin line 2: \`FROM \${WITH_BASE:+${base}}\``
      )
      expect(step.stdout).toContain('::group::Build linux/arm64 (emulated)')
    }
  )
})
