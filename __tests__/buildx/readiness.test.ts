/**
 * The buildx suite's gate against the real docker CLI: a buildx plugin that answers
 * `version` while nothing can build must not let the suite run. The plugin is a script in
 * a DOCKER_CONFIG of this test's own; the CLI's default plugin folders are never touched.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { probeBuildx } from '../support/buildx-ready.js'

const dockerCli = spawnSync('docker', ['--version'], { encoding: 'utf8' }).status === 0
if (!dockerCli) console.warn('*** buildx gate: skipped, no docker CLI on this machine ***')

const config = mkdtempSync(path.join(tmpdir(), 'buildx-gate-'))
afterAll(() => {
  rmSync(config, { recursive: true, force: true })
})

/** A plugin that says it is buildx and fails everything else, as one with no daemon does. */
function fakePlugin(): void {
  mkdirSync(path.join(config, 'cli-plugins'), { recursive: true })
  const plugin = path.join(config, 'cli-plugins', 'docker-buildx')
  writeFileSync(
    plugin,
    [
      '#!/bin/sh',
      'case "$1" in',
      `  docker-cli-plugin-metadata) echo '{"SchemaVersion":"0.1.0","Vendor":"Docker Inc.","Version":"v0.28.0"}' ;;`,
      '  *) [ "$2" = version ] && { echo "github.com/docker/buildx v0.28.0 abc"; exit 0; }',
      '     echo "ERROR: Cannot connect to the Docker daemon" >&2; exit 1 ;;',
      'esac',
      ''
    ].join('\n')
  )
  chmodSync(plugin, 0o755)
}

/** A socket path where no daemon listens, whatever this machine runs. */
const env = () => ({
  ...process.env,
  DOCKER_CONFIG: config,
  DOCKER_HOST: `unix://${path.join(config, 'no-daemon.sock')}`
})

describe.runIf(dockerCli)('the buildx suite gate', () => {
  it('says not ready, naming the plugin it found and the daemon it missed', () => {
    fakePlugin()
    const readiness = probeBuildx({ env: env(), timeoutMs: 10_000 })
    expect(readiness.version).toBe('github.com/docker/buildx v0.28.0 abc')
    expect(readiness.ready).toBe(false)
    expect(readiness.checks.join('\n')).toMatch(/a Docker daemon for docker-container builders/)
  })

  it('says not ready when the BuildKit endpoint does not answer', async () => {
    fakePlugin()
    // A port that was free a moment ago: nothing listens there now.
    const server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    await new Promise(resolve => server.close(resolve))
    const readiness = probeBuildx({
      env: env(),
      endpoint: `tcp://127.0.0.1:${port}`,
      timeoutMs: 10_000
    })
    expect(readiness.ready).toBe(false)
    expect(readiness.checks.at(-1)).toContain(`BuildKit at tcp://127.0.0.1:${port}`)
  })
})
