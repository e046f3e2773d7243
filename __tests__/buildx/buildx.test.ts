/**
 * The buildx engine against a real `docker buildx` and BuildKit, through dist/ as the runner
 * calls it, wherever a buildx can really build: BuildKit answers at BUILDX_E2E_ENDPOINT, or,
 * without one, a Docker daemon answers for docker-container builders (GitHub's runners:
 * .github/workflows/e2e.yml; a developer's own machine: README "Running the buildx suite").
 * A buildx plugin with nothing behind it is not enough. Elsewhere it is skipped, loudly.
 *
 * BUILDX_E2E_REGISTRY  a registry on loopback that BuildKit may reach over plain HTTP
 * BUILDX_E2E_BASE      a multi-arch base image with busybox (amd64, arm64, s390x, ppc64le)
 * BUILDX_E2E_ENDPOINT  a BuildKit address: builders use the `remote` driver on it; unset:
 *                      `docker-container` on the host network
 * BUILDX_E2E_HUB_ENDPOINT  optional: a BuildKit daemon on the network of the lab's Docker Hub
 *                      look-alike (lab/lab.sh), for the case that pushes there
 * BUILDX_E2E_CA_BUNDLE the system CA bundle plus the lab's CA, for that case: the buildx client
 *                      fetches registry tokens itself and trusts what SSL_CERT_FILE names
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, nodeBinaries, runMain, runPost } from '../../harness/runner.mjs'
import { workspaceScratch } from '../support/scratch.js'
import { probeBuildx } from '../support/buildx-ready.js'

const registry = process.env.BUILDX_E2E_REGISTRY ?? 'localhost:5000'
const base = process.env.BUILDX_E2E_BASE ?? 'docker.io/library/busybox:1.36'
const endpoint = process.env.BUILDX_E2E_ENDPOINT ?? ''
/** A registry on loopback is read back for the check rather than exported a second time. */
const registryHere = /^(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(registry)
const hubEndpoint = process.env.BUILDX_E2E_HUB_ENDPOINT ?? ''
const caBundle = process.env.BUILDX_E2E_CA_BUNDLE ?? ''
const labEnvFile = path.join(process.env.LAB_DIR ?? '/tmp/multiarch-lab', 'env')
/** The lab's facts (lab/lab.sh writes them), for the Docker Hub case. */
const labEnv: Record<string, string> = existsSync(labEnvFile)
  ? Object.fromEntries(
      readFileSync(labEnvFile, 'utf8')
        .split('\n')
        .filter(line => line.includes('='))
        .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    )
  : {}
const readiness = probeBuildx({ endpoint })
/** buildx 0.13 takes several outputs (given a BuildKit 0.13 too). */
const severalOutputs = /v0\.(1[3-9]|[2-9]\d)\./.test(readiness.version ?? '')
const available = readiness.ready
if (!available) {
  console.warn(
    [
      '',
      '*** SKIPPING the buildx suite: no buildx here can build. Looked for:',
      ...readiness.checks.map(check => `***   ${check}`),
      '*** It runs in .github/workflows/e2e.yml on GitHub-hosted runners, and wherever BuildKit',
      '*** or a Docker daemon answers (README: "Running the buildx suite").',
      ''
    ].join('\n')
  )
} else {
  console.info(`buildx suite: ${readiness.checks.join('; ')}`)
}

/** The builder inputs: the action creates its own builder in every case, and removes it. */
const builderInputs: Record<string, string> =
  endpoint === ''
    ? // The registry listens on the runner's loopback; the builder must share its network.
      { driver: 'docker-container', 'driver-opts': 'network=host' }
    : { driver: 'remote', endpoint }
const FOUR = 'linux/amd64,linux/arm64,linux/s390x,linux/ppc64le'
/** The runner's runtime: the last Node binary given (Node 24 in scripts/test.sh). */
const node = nodeBinaries().at(-1)
const run = randomBytes(4).toString('hex')

interface Descriptor {
  digest: string
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}

function rawManifest(reference: string): string | undefined {
  const result = spawnSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', reference], {
    encoding: 'utf8'
  })
  return result.status === 0 ? result.stdout.trimEnd() : undefined
}

const platformName = (entry: Descriptor) =>
  [entry.platform?.os, entry.platform?.architecture, entry.platform?.variant]
    .filter(part => part !== undefined)
    .join('/')
    .replace('linux/arm64/v8', 'linux/arm64')

/** Platform -> digest, and platform -> attestation digests, as an independent reader sees them. */
function indexEntries(manifests: Descriptor[]): {
  digests: Record<string, string>
  attestations: Record<string, string[]>
} {
  const images = manifests.filter(entry => entry.platform?.architecture !== 'unknown')
  const digests = Object.fromEntries(images.map(entry => [platformName(entry), entry.digest]))
  const attestations: Record<string, string[]> = {}
  for (const entry of manifests.filter(item => item.platform?.architecture === 'unknown')) {
    const subject = images.find(
      image => image.digest === entry.annotations?.['vnd.docker.reference.digest']
    )
    if (subject === undefined) continue
    const name = platformName(subject)
    attestations[name] = [...(attestations[name] ?? []), entry.digest]
  }
  return { digests, attestations }
}

/** A build context inside the workspace, as actions/checkout leaves one. */
function context(dockerfile: string): string {
  const dir = workspaceScratch('buildx-')
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile)
  return path.relative(ROOT, dir)
}

const build = (inputs: Record<string, string>) =>
  runMain({
    inputs: { engine: 'buildx', 'build-args': `BASE=${base}`, ...builderInputs, ...inputs },
    ...(node === undefined ? {} : { node })
  })

const builderExists = (name: string) =>
  spawnSync('docker', ['buildx', 'inspect', name], { encoding: 'utf8' }).status === 0

describe.runIf(available)('buildx engine end to end', () => {
  it.each(nodeBinaries())(
    'builds 4 platforms with a RUN step under %s, pushes by digest, then tags, and reports what the registry holds',
    async binary => {
      const tag = `${registry}/buildx-e2e/app:${run}-${path.basename(path.dirname(binary))}`
      const step = await runMain({
        inputs: {
          platforms: FOUR,
          context: 'examples/emulated-run',
          'build-args': `BASE=${base}`,
          tags: tag,
          push: 'true',
          engine: 'buildx',
          provenance: 'false',
          ...builderInputs
        },
        node: binary
      })
      expect(step.errors).toEqual([])
      expect(step.exitCode).toBe(0)
      const raw = rawManifest(tag)
      expect(raw).toBeDefined()
      expect(step.outputs.manifest).toBe(raw)
      const index = JSON.parse(raw ?? '{}') as { manifests: Descriptor[] }
      expect(JSON.parse(step.outputs.digests ?? '{}')).toEqual(
        indexEntries(index.manifests).digests
      )
      expect(step.outputs.images).toBe(`${tag.replace(/:[^:/]+$/, '')}@${step.outputs.digest}`)
      // The check ran on what BuildKit pushed, before the tag existed: its layers read from a
      // layout the same build wrote where buildx and BuildKit run several exporters (0.13).
      expect(step.stdout).toMatch(/linux\/s390x: \d+ ELF files in \d+ layers .*all match/)
      expect(step.stdout).toMatch(
        registryHere
          ? /the checks read the layers back from the registry: \S+ is on this machine/
          : severalOutputs
            ? /the checks read the layers (from an OCI layout written beside the push|back from the registry: BuildKit)/
            : /the checks read the layers back from the registry: buildx [\d.]+ takes one output only/
      )
      expect(step.stdout.indexOf('Move the tags')).toBeGreaterThan(
        step.stdout.indexOf("Check each platform's binaries")
      )
      const metadata = JSON.parse(step.outputs.metadata ?? '{}') as Record<string, unknown>
      expect(metadata.driver).toBe(builderInputs.driver)
      const builder = String(metadata.builder)
      const post = await runPost(step)
      expect(post.exitCode).toBe(0)
      // Main removed the builder it created; post found nothing left to do.
      expect(builderExists(builder)).toBe(false)
    }
  )

  it('reuses a running builder: builds at once, learns buildx and the builder beside the build, and checks what it pushed', async () => {
    const name = `bx-reuse-${run}`
    const created = spawnSync(
      'docker',
      endpoint === ''
        ? [
            'buildx',
            'create',
            '--name',
            name,
            '--driver',
            'docker-container',
            '--driver-opt',
            'network=host',
            '--bootstrap'
          ]
        : ['buildx', 'create', '--name', name, '--driver', 'remote', '--bootstrap', endpoint],
      { encoding: 'utf8' }
    )
    expect(created.stderr).toBe('')
    try {
      const tag = `${registry}/buildx-e2e/reuse:${run}`
      const step = await runMain({
        inputs: {
          engine: 'buildx',
          builder: name,
          platforms: FOUR,
          context: 'examples/emulated-run',
          'build-args': `BASE=${base}`,
          tags: tag,
          push: 'true'
        },
        ...(node === undefined ? {} : { node })
      })
      expect(step.errors).toEqual([])
      expect(step.exitCode).toBe(0)
      expect(step.stdout).toContain(
        `reusing builder \`${name}\` as it is; buildx and the builder are checked when it has built`
      )
      // What ran beside the build is in the outputs all the same, from buildx itself.
      const metadata = JSON.parse(step.outputs.metadata ?? '{}') as Record<string, unknown>
      expect(metadata.driver).toBe(builderInputs.driver)
      expect(readiness.version ?? '').toContain(`v${String(metadata.version)}`)
      // buildx 0.13 and BuildKit 0.13 write the layout; older ones refuse the second output
      // before building, and the build runs again with the push alone. A registry on this
      // machine is read back instead.
      const several = step.stdout.includes('written beside the push')
      const refused = step.stdout.includes('takes one output per build: building again')
      if (registryHere) expect([several, refused]).toEqual([false, false])
      else expect(several !== refused).toBe(true)
      expect(step.stdout).toMatch(/linux\/ppc64le: \d+ ELF files in \d+ layers .*all match/)
      expect(step.outputs.manifest).toBe(rawManifest(tag))
      // The layout served the check, and went with the engine; the builder stays.
      expect(
        readdirSync(step.runnerTemp, { recursive: true }).filter(entry =>
          String(entry).includes('layout-')
        )
      ).toEqual([])
      await runPost(step)
      expect(builderExists(name)).toBe(true)
    } finally {
      spawnSync('docker', ['buildx', 'rm', name])
    }
  })

  it('names a reused builder that does not exist, and moves no tag', async () => {
    const tag = `${registry}/buildx-e2e/nobuilder:${run}`
    const step = await runMain({
      inputs: {
        engine: 'buildx',
        builder: `bx-missing-${run}`,
        platforms: 'linux/amd64,linux/arm64',
        context: 'examples/emulated-run',
        'build-args': `BASE=${base}`,
        tags: tag,
        push: 'true'
      },
      ...(node === undefined ? {} : { node })
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors.join('\n')).toContain(`bx-missing-${run}`)
    expect(rawManifest(tag)).toBeUndefined()
    await runPost(step)
  })

  it('removes in the post step a builder whose main step was killed', async () => {
    let pid: number | undefined
    let killed = false
    const step = await runMain({
      inputs: {
        engine: 'buildx',
        ...builderInputs,
        platforms: 'linux/amd64,linux/arm64',
        context: 'examples/emulated-run',
        'build-args': `BASE=${base}`,
        'no-cache': 'true'
      },
      ...(node === undefined ? {} : { node }),
      onSpawn: (spawned: number) => {
        pid = spawned
      },
      onStdout: (text: string) => {
        // Killed once the builder exists, as a runner kills a step on its timeout.
        if (killed || pid === undefined || !text.includes('::group::Build ')) return
        killed = true
        process.kill(pid, 'SIGKILL')
      }
    })
    expect(killed).toBe(true)
    expect(step.exitCode).not.toBe(0)
    // The state holds the builder's name only: the post step builds its own argv.
    const saved = step.state.createdBuilder ?? ''
    expect(saved).toMatch(/^multiarch-[0-9a-f]{8}$/)
    expect(builderExists(saved)).toBe(true)
    const post = await runPost(step)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(`removed builder ${saved}`)
    expect(builderExists(saved)).toBe(false)
  })

  it('keeps every workflow command a RUN step or the smoke test prints as text', async () => {
    const hostile = [
      '::save-state name=createdBuilder::multiarch-0badc0de',
      '::set-output name=digest::sha256:injected',
      '   ::add-mask::injected-mask',
      'x ##[set-output name=digests;]injected',
      '::error::injected error',
      '::stop-commands::guessed',
      '::warning::injected after a guessed stop',
      '::guessed::',
      '::group::injected group'
    ]
    const printf = hostile.map(line => `'${line}\\n'`).join(' ')
    const tag = `${registry}/buildx-e2e/untrusted:${run}`
    const step = await build({
      platforms: 'linux/amd64,linux/arm64',
      context: context(
        `ARG BASE\nFROM \${BASE}\nRUN printf '%b' ${printf} > /hostile.txt && cat /hostile.txt && echo ${run}\n`
      ),
      tags: tag,
      push: 'true',
      provenance: 'false',
      'smoke-test': 'cat /hostile.txt'
    })
    expect(step.exitCode).toBe(0)
    const carried = step.commands.filter(
      command => command.command !== 'stop-commands' && command.resumes !== true
    )
    expect(
      carried.filter(command =>
        /injected|0badc0de|guessed/.test(`${JSON.stringify(command.properties)} ${command.value}`)
      )
    ).toEqual([])
    expect(step.log).toContain('::error::injected error')
    expect(step.state.createdBuilder ?? '').toBe('')
    expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    await runPost(step)
  })

  it('fails an arm64 image that holds an x86-64 binary, and its tag never exists', async () => {
    const tag = `${registry}/buildx-e2e/wrong:${run}`
    const step = await build({
      platforms: 'linux/amd64,linux/arm64',
      context: context(
        [
          'ARG BASE',
          'FROM --platform=$BUILDPLATFORM ${BASE} AS host',
          'FROM ${BASE}',
          'COPY --from=host /bin/busybox /usr/local/bin/tool',
          ''
        ].join('\n')
      ),
      tags: tag,
      push: 'true',
      provenance: 'false'
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors.join('\n')).toMatch(
      /architecture check failed: usr\/local\/bin\/tool is linux\/amd64, expected linux\/arm64.*No tag was moved/
    )
    expect(step.outputs).toEqual({})
    expect(rawManifest(tag)).toBeUndefined()
    await runPost(step)
  })

  it('smoke-tests all 4 platforms on the same builder, and reports each output', async () => {
    const tag = `${registry}/buildx-e2e/smoke:${run}`
    const step = await build({
      platforms: FOUR,
      context: 'examples/emulated-run',
      tags: tag,
      push: 'true',
      'smoke-test': 'uname -m',
      'smoke-test-expect': '^(x86_64|aarch64|s390x|ppc64le)$'
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const metadata = JSON.parse(step.outputs.metadata ?? '{}') as {
      smoke: { platform: string; passed: boolean; output: string }[]
    }
    expect(
      Object.fromEntries(metadata.smoke.map(outcome => [outcome.platform, outcome.output]))
    ).toEqual({
      'linux/amd64': 'x86_64',
      'linux/arm64': 'aarch64',
      'linux/s390x': 's390x',
      'linux/ppc64le': 'ppc64le'
    })
    expect(metadata.smoke.every(outcome => outcome.passed)).toBe(true)
    // The summary's smoke-test column shows a pass for every platform, as with buildah.
    expect(step.summary).toContain('Smoke&nbsp;test')
    expect(step.summary.match(/\| ✅ [\d.]+&nbsp;s \|/g)).toHaveLength(4)
    await runPost(step)
  })

  it('fails a smoke test whose output does not match, before the tag exists', async () => {
    const tag = `${registry}/buildx-e2e/smoke-fail:${run}`
    const step = await build({
      platforms: 'linux/amd64,linux/arm64',
      context: 'examples/emulated-run',
      tags: tag,
      push: 'true',
      'smoke-test': 'uname -m',
      'smoke-test-expect': '^x86_64$'
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors.join('\n')).toMatch(/smoke test `uname -m` failed on linux\/arm64/)
    expect(rawManifest(tag)).toBeUndefined()
    await runPost(step)
  })

  it('lists every attestation manifest of the index with provenance: mode=max', async () => {
    const tag = `${registry}/buildx-e2e/attest:${run}`
    const step = await build({
      platforms: 'linux/amd64,linux/arm64',
      context: 'examples/emulated-run',
      tags: tag,
      push: 'true',
      provenance: 'mode=max'
    })
    expect(step.errors).toEqual([])
    const index = JSON.parse(rawManifest(tag) ?? '{}') as { manifests: Descriptor[] }
    const expected = indexEntries(index.manifests).attestations
    expect(Object.keys(expected).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(JSON.parse(step.outputs.attestations ?? '{}')).toEqual(expected)
    const metadata = JSON.parse(step.outputs.metadata ?? '{}') as { attestations: unknown }
    expect(metadata.attestations).toEqual(expected)
    await runPost(step)
  })

  it('gives digest and digests of an OCI tar output, equal to its index.json', async () => {
    const out = workspaceScratch('buildx-oci-')
    const tar = path.join(out, 'image.tar')
    const step = await build({
      platforms: 'linux/amd64,linux/arm64',
      context: 'examples/emulated-run',
      outputs: `type=oci,dest=${tar}`,
      provenance: 'false'
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const unpacked = path.join(out, 'unpacked')
    mkdirSync(unpacked)
    expect(spawnSync('tar', ['-xf', tar, '-C', unpacked]).status).toBe(0)
    const top = (
      JSON.parse(readFileSync(path.join(unpacked, 'index.json'), 'utf8')) as {
        manifests: Descriptor[]
      }
    ).manifests[0]
    const blob = (digest: string) =>
      readFileSync(path.join(unpacked, 'blobs', 'sha256', digest.replace('sha256:', '')), 'utf8')
    const index = JSON.parse(blob(top?.digest ?? '')) as { manifests: Descriptor[] }
    expect(step.outputs.digest).toBe(top?.digest)
    expect(JSON.parse(step.outputs.digests ?? '{}')).toEqual(indexEntries(index.manifests).digests)
    expect(step.outputs.images).toBeUndefined()
    // Nothing was pushed, and the log says which checks ran on the local result.
    expect(step.stdout).toMatch(
      /`push` is false: nothing was pushed.*Ran on the local result: architecture check/
    )
    await runPost(step)
  })

  it.each([
    ['with provenance (buildx default)', ''],
    ['without provenance', 'false']
  ])(
    'rebuilds seconds later with source-date-epoch, %s: the same per-platform digests, checked by expect-digests',
    async (_name, provenance) => {
      const dir = context(
        [
          'ARG BASE',
          'FROM ${BASE}',
          'COPY Dockerfile /srv/Dockerfile',
          'RUN uname -m > /arch && cp /srv/Dockerfile /srv/copy',
          ''
        ].join('\n')
      )
      const common = {
        engine: 'buildx',
        'build-args': `BASE=${base}`,
        ...builderInputs,
        platforms: 'linux/amd64,linux/arm64',
        context: dir,
        'no-cache': 'true',
        'source-date-epoch': '1650000000',
        provenance
      }
      const tag = `${registry}/buildx-e2e/repro:${run}-${provenance || 'default'}`
      const first = await runMain({ inputs: { ...common, tags: tag, push: 'true' } })
      if (!severalOutputs) {
        // buildx before 0.13 cannot ask for rewrite-timestamp: refused by name, nothing pushed.
        expect(first.exitCode).toBe(1)
        expect(first.errors).toHaveLength(1)
        expect(first.errors[0]).toMatch(/input `source-date-epoch`: is set, but buildx 0\.\d+/)
        expect(rawManifest(tag)).toBeUndefined()
        return
      }
      expect(first.errors).toEqual([])
      const digests = JSON.parse(first.outputs.digests ?? '{}') as Record<string, string>
      expect(Object.keys(digests)).toEqual(['linux/amd64', 'linux/arm64'])
      const metadata = JSON.parse(first.outputs.metadata ?? '{}') as Record<string, unknown>
      expect(metadata['containerimage.digest']).toBe(first.outputs.digest)
      expect(metadata['image.name']).toBe(tag)
      expect(String(metadata['buildx.build.ref'])).toContain('/')
      // Provenance records build times: the summary says what repeats and what does not.
      if (provenance === '') expect(first.summary).toContain('the provenance attestations are not')
      else expect(first.summary).not.toContain('attestations are not')

      await new Promise(resolve => setTimeout(resolve, 1100))
      const again = await runMain({
        inputs: { ...common, 'expect-digests': first.outputs.digests ?? '' }
      })
      expect(again.errors).toEqual([])
      expect(JSON.parse(again.outputs.digests ?? '{}')).toEqual(digests)
      expect(again.summary).toContain('Rebuild check: all 2 platforms match')
      // Without attestations the index repeats too: pushed or in a local layout, the same bytes.
      if (provenance === 'false') expect(again.outputs.digest).toBe(first.outputs.digest)

      const altered = { ...digests, 'linux/amd64': `sha256:${'0'.repeat(64)}` }
      const moved = `${registry}/buildx-e2e/repro:${run}-${provenance || 'default'}-altered`
      const refused = await runMain({
        inputs: { ...common, tags: moved, push: 'true', 'expect-digests': JSON.stringify(altered) }
      })
      expect(refused.exitCode).toBe(1)
      expect(refused.errors[0]).toContain(
        `linux/amd64: expected ${altered['linux/amd64']}, built ${digests['linux/amd64']}`
      )
      expect(rawManifest(moved)).toBeUndefined()
    }
  )
})

const hubGiven =
  available && hubEndpoint !== '' && caBundle !== '' && labEnv.LAB_HUB_NETNS !== undefined
const hubProbe = hubGiven ? probeBuildx({ endpoint: hubEndpoint }) : undefined
const hubReady = hubProbe?.ready === true
if (available && !hubReady) {
  console.warn(
    hubProbe === undefined
      ? '*** buildx suite: the Docker Hub case is skipped (BUILDX_E2E_HUB_ENDPOINT, BUILDX_E2E_CA_BUNDLE and the lab are needed). ***'
      : `*** buildx suite: the Docker Hub case is skipped: ${hubProbe.checks.at(-1)} ***`
  )
}

describe.runIf(hubReady)('buildx engine against the Docker Hub look-alike', () => {
  it('pushes a short name by digest with BuildKit, mounts it into a second repository, and tags both', async () => {
    const netns = labEnv.LAB_HUB_NETNS ?? ''
    const credentials = {
      username: labEnv.LAB_HUB_USER ?? '',
      password: labEnv.LAB_HUB_PASSWORD ?? ''
    }
    const log = labEnv.LAB_HUB_LOG ?? ''
    const from = readFileSync(log).length
    const tags = [`someuser/bx-${run}:1`, `someuser/bx-other-${run}:1`]
    const step = await runMain({
      inputs: {
        engine: 'buildx',
        driver: 'remote',
        endpoint: hubEndpoint,
        platforms: 'linux/amd64,linux/arm64',
        context: context('FROM scratch\nCOPY Dockerfile /copied\n'),
        tags: tags.join('\n'),
        push: 'true',
        provenance: 'false',
        ...credentials
      },
      env: { NODE_EXTRA_CA_CERTS: labEnv.LAB_CA ?? '', SSL_CERT_FILE: caBundle },
      netns,
      ...(node === undefined ? {} : { node })
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.outputs.images?.split('\n')).toEqual(
      tags.map(tag => `docker.io/${tag.replace(/:1$/, '')}@${step.outputs.digest ?? ''}`)
    )
    const served = readFileSync(log, 'utf8')
      .slice(from)
      .split('\n')
      .filter(line => line.startsWith('{'))
      .map(line => JSON.parse(line) as { host: string; authorization?: boolean })
    // BuildKit and the action both went to registry-1.docker.io, never to the web site, and
    // the check's layer downloads went to storage without the registry's token.
    expect(served.filter(entry => entry.host === 'docker.io')).toEqual([])
    const storage = served.filter(entry => entry.host === 'storage')
    // Unless the check read the layers from the layout BuildKit wrote beside its push.
    if (!step.stdout.includes('written beside the push')) expect(storage.length).toBeGreaterThan(0)
    expect(storage.every(entry => entry.authorization === false)).toBe(true)
    expect(step.stdout).toMatch(/blobs \(\d+ mounted, 0 already there\)/)
    await runPost(step, { netns })
  })
})

it.runIf(!available)('records that the buildx suite was skipped', () => {
  expect(available).toBe(false)
})
