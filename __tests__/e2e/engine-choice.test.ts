/**
 * `engine: auto` on a runner with the docker CLI and a buildx plugin but no Docker daemon:
 * buildah builds when it is installed, and the step is refused before QEMU when it is not.
 * The plugin is a stand-in in a private DOCKER_CONFIG, so no other suite ever sees it.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { rawManifest, servedDigest } from '../support/skopeo.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')

/** Answers what the docker CLI asks a plugin, and `docker buildx version`; builds nothing. */
const BUILDX_PLUGIN = `#!/bin/sh
case "$1" in
  docker-cli-plugin-metadata)
    printf '{"SchemaVersion":"0.1.0","Vendor":"Docker Inc.","Version":"v0.17.1"}\\n' ;;
  buildx)
    if [ "$2" = version ]; then echo 'github.com/docker/buildx v0.17.1 257815a'; exit 0; fi
    echo "this buildx stand-in only answers version: $*" >&2; exit 1 ;;
  *) exit 1 ;;
esac
`

/**
 * Where the runner has no docker CLI, one that behaves as the real one does without a daemon:
 * plugins from DOCKER_CONFIG, and no server to ask.
 */
const DOCKER_WITHOUT_DAEMON = `#!/bin/sh
if [ "$1" = buildx ]; then exec "$DOCKER_CONFIG/cli-plugins/docker-buildx" "$@"; fi
echo "Cannot connect to the Docker daemon at $DOCKER_HOST. Is the docker daemon running?" >&2
exit 1
`

function onPath(program: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' })
  return found.status === 0 ? found.stdout.trim() : undefined
}

let work = ''
let dockerConfig = ''
/** A PATH with docker on it and nothing else: no buildah. */
let dockerOnlyPath = ''
/** The machine's PATH with the same docker first. */
let fullPath = ''
let silentServer: Server | undefined

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'engine-choice-'))
  dockerConfig = path.join(work, 'docker-config')
  mkdirSync(path.join(dockerConfig, 'cli-plugins'), { recursive: true })
  // buildah, too, reads DOCKER_CONFIG, and refuses one without a config.json.
  writeFileSync(path.join(dockerConfig, 'config.json'), '{}\n')
  const plugin = path.join(dockerConfig, 'cli-plugins', 'docker-buildx')
  writeFileSync(plugin, BUILDX_PLUGIN)
  chmodSync(plugin, 0o755)
  const bin = path.join(work, 'bin')
  mkdirSync(bin)
  const docker = onPath('docker')
  if (docker === undefined) {
    writeFileSync(path.join(bin, 'docker'), DOCKER_WITHOUT_DAEMON)
    chmodSync(path.join(bin, 'docker'), 0o755)
  } else {
    symlinkSync(docker, path.join(bin, 'docker'))
  }
  dockerOnlyPath = bin
  fullPath = `${bin}${path.delimiter}${process.env.PATH ?? ''}`
})

afterAll(async () => {
  const server = silentServer
  if (server !== undefined) {
    await new Promise(resolve => server.close(resolve))
  }
  rmSync(work, { recursive: true, force: true })
})

/** No daemon behind DOCKER_HOST, whatever this machine runs. */
function noDaemon(): Record<string, string> {
  return {
    DOCKER_CONFIG: dockerConfig,
    DOCKER_HOST: `unix://${path.join(work, 'no-daemon.sock')}`,
    RUNNER_DEBUG: '1'
  }
}

function inputs(repository: string): Record<string, string> {
  return {
    platforms: 'linux/amd64,linux/arm64',
    context: 'examples/emulated-run',
    'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
    tags: `${repository}:1`,
    push: 'true',
    engine: 'auto'
  }
}

describe('engine auto with a buildx plugin and no Docker daemon', () => {
  it('the stand-in plugin answers `docker buildx version` through the docker CLI', () => {
    const result = spawnSync('docker', ['buildx', 'version'], {
      encoding: 'utf8',
      env: { ...process.env, ...noDaemon(), PATH: fullPath }
    })
    expect(result.stdout).toContain('github.com/docker/buildx v0.17.1')
  })

  it('builds with buildah when it is installed, and says why buildx was passed over', async () => {
    const repository = `${lab.LAB_PLAIN}/e2e/engine-auto-${run}`
    const step = await runMain({
      inputs: inputs(repository),
      env: { ...BUILDAH_ENV, ...noDaemon(), PATH: fullPath }
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.stdout).toMatch(
      /building with buildah \S+: buildx was passed over because the Docker daemon does not answer \(`docker version --format '\{\{\.Server\.Version\}\}'` exited with code 1: Cannot connect to the Docker daemon/
    )
    expect(step.stdout).toMatch(/::debug::engine buildah: `engine: auto`: buildah \S+ is installed/)
    // linux/arm64 builds under QEMU, whose version is logged and kept in the metadata.
    const metadata = JSON.parse(step.outputs.metadata ?? '{}') as { engine?: string; qemu?: string }
    expect(metadata.engine).toBe('buildah')
    expect(metadata.qemu).toMatch(/^\d+\.\d+/)
    expect(step.stdout).toContain(`QEMU ${metadata.qemu ?? ''} (`)
    // The summary escapes what Markdown would read (`1:7.2` becomes `1&#58;7.2`).
    expect(step.summary).toContain(`QEMU ${metadata.qemu?.split(' ')[0] ?? ''} (`)
    expect(servedDigest(`${repository}:1`, { insecure: true })).toBe(step.outputs.digest)
    expect(step.summary).toMatch(/buildah \d/)
  })

  it('is refused before QEMU without buildah on PATH, naming the ways out; nothing is pushed', async () => {
    const repository = `${lab.LAB_PLAIN}/e2e/engine-refused-${run}`
    const step = await runMain({
      inputs: inputs(repository),
      env: { ...BUILDAH_ENV, ...noDaemon(), PATH: dockerOnlyPath }
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    const [error] = step.errors
    expect(error).toMatch(
      /engine `auto` found no engine that can build here: the Docker daemon does not answer .*, and buildah is not installed/
    )
    for (const way of ['`builder`', '`endpoint`', 'start Docker', '`engine: buildah`']) {
      expect(error).toContain(way)
    }
    expect(step.stdout).not.toContain('Set up QEMU')
    expect(step.outputs).toEqual({})
    expect(rawManifest(`${repository}:1`, { insecure: true })).toBeUndefined()
  })

  it('gives a daemon that never answers a few seconds, then builds with buildah', async () => {
    // Accepts the connection and says nothing: a hung daemon, or a socket nobody serves.
    const server = createServer(socket => {
      // Read nothing it is sent, answer nothing, but notice when the client goes away.
      socket.resume()
    })
    silentServer = server
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const repository = `${lab.LAB_PLAIN}/e2e/engine-hung-${run}`
    const started = performance.now()
    const step = await runMain({
      inputs: { ...inputs(repository), platforms: 'linux/amd64' },
      env: {
        ...BUILDAH_ENV,
        ...noDaemon(),
        DOCKER_HOST: `tcp://127.0.0.1:${address.port}`,
        PATH: fullPath
      }
    })
    const seconds = (performance.now() - started) / 1000
    expect(step.errors).toEqual([])
    expect(step.stdout).toMatch(
      /buildx was passed over because the Docker daemon does not answer \(.* gave no answer in 5 s\)/
    )
    expect(step.exitCode).toBe(0)
    console.log(`engine choice with a hung daemon: the whole step took ${seconds.toFixed(1)} s`)
  })
})
