import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { runMain, runPost } from '../../harness/runner.mjs'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')

const inputs = (tag: string): Record<string, string> => ({
  platforms: 'linux/amd64,linux/arm64',
  context: 'examples/emulated-run',
  'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
  tags: tag,
  push: 'true',
  engine: 'buildah',
  // Build for real each time, so there is a build to interrupt.
  'no-cache': 'true'
})

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      })
    })
  })
}

function tagExists(reference: string): boolean {
  return spawnSync('skopeo', ['inspect', '--raw', `docker://${reference}`]).status === 0
}

function buildProcesses(): string[] {
  const found = spawnSync('pgrep', ['-a', '-f', 'buildah (build|manifest)'], { encoding: 'utf8' })
  return found.stdout.split('\n').filter(line => line !== '')
}

function leftoverLists(): string[] {
  const images = execFileSync('buildah', ['images', '--format', '{{.Name}}'], {
    encoding: 'utf8',
    env: { ...process.env, ...BUILDAH_ENV }
  })
  return images.split('\n').filter(name => name.includes('multiarch-build-'))
}

describe('faults: a clear error, no tag moved, cleanup done', () => {
  it('fails naming the registry when it is down before the build', async () => {
    const port = await freePort()
    const step = await runMain({ inputs: inputs(`127.0.0.1:${port}/down/app:1`), env: BUILDAH_ENV })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toContain(`127.0.0.1:${port}`)
    expect(step.outputs).toEqual({})
    expect(buildProcesses()).toEqual([])
    expect(leftoverLists()).toEqual([])
  })

  it('fails naming the platform when the builder dies mid-build, and pushes nothing', async () => {
    const tag = `${lab.LAB_PLAIN}/faults/killed-${run}:1`
    let killed = false
    const step = await runMain({
      inputs: inputs(tag),
      env: BUILDAH_ENV,
      onStdout: text => {
        if (!killed && /Build linux\/arm64|started linux\/arm64/.test(text)) {
          killed = true
          // Once the arm64 build runs (it may still wait on a pull), give it a moment, then kill it.
          const pattern = 'buildah build --platform linux/arm64'
          const killWhenRunning = (tries: number): void => {
            if (spawnSync('pgrep', ['-f', pattern]).status !== 0 && tries > 0) {
              setTimeout(() => {
                killWhenRunning(tries - 1)
              }, 50)
              return
            }
            setTimeout(() => spawnSync('pkill', ['-KILL', '-f', pattern]), 300)
          }
          killWhenRunning(200)
        }
      }
    })
    expect(killed).toBe(true)
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(/build of linux\/arm64 failed \(under QEMU\)/)
    expect(tagExists(tag)).toBe(false)
    expect(buildProcesses()).toEqual([])
    expect(leftoverLists()).toEqual([])
  })

  it("stops the build on the runner's SIGTERM, pushes nothing and cleans up", async () => {
    const tag = `${lab.LAB_PLAIN}/faults/cancelled-${run}:1`
    let pid = 0
    let signalled = false
    const step = await runMain({
      inputs: inputs(tag),
      env: BUILDAH_ENV,
      onSpawn: child => (pid = child),
      onStdout: text => {
        if (!signalled && /Build linux\/arm64|started linux\/arm64/.test(text)) {
          signalled = true
          setTimeout(() => process.kill(pid, 'SIGTERM'), 300)
        }
      }
    })
    expect(signalled).toBe(true)
    expect(step.exitCode).toBe(1)
    expect(step.errors[0]).toMatch(/^::error::cancelled by SIGTERM/)
    expect(step.outputs).toEqual({})
    expect(tagExists(tag)).toBe(false)
    expect(buildProcesses()).toEqual([])
    expect(leftoverLists()).toEqual([])
    const post = await runPost(step)
    expect(post.exitCode).toBe(0)
    expect(readdirSync(step.runnerTemp)).toEqual([])
  })

  it('fails naming the registry when it dies during the push, and no tag appears', async () => {
    const port = await freePort()
    const dir = mkdtempSync(path.join(tmpdir(), 'dying-registry-'))
    const config = path.join(dir, 'config.yml')
    writeFileSync(
      config,
      `version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: ${dir}/storage}\nhttp:\n  addr: 127.0.0.1:${port}\n`
    )
    const start = (): ChildProcess =>
      spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
    const waitUp = async (): Promise<void> => {
      for (let tries = 0; tries < 100; tries++) {
        if (spawnSync('curl', ['-sf', `http://127.0.0.1:${port}/v2/`]).status === 0) return
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      throw new Error('the test registry did not come up')
    }
    let registry = start()
    await waitUp()
    const tag = `127.0.0.1:${port}/faults/dying-${run}:1`
    let killed = false
    try {
      const step = await runMain({
        inputs: { ...inputs(tag), 'no-cache': 'false' },
        env: BUILDAH_ENV,
        onStdout: text => {
          if (!killed && text.includes('::group::Push by digest')) {
            killed = true
            registry.kill('SIGKILL')
          }
        }
      })
      expect(killed).toBe(true)
      expect(step.exitCode).toBe(1)
      expect(step.errors).toHaveLength(1)
      expect(step.errors[0]).toContain(`registry 127.0.0.1:${port}`)
      expect(step.outputs).toEqual({})
      // Back on the same storage, the registry holds no tag.
      registry = start()
      await waitUp()
      const tags = spawnSync(
        'curl',
        ['-s', `http://127.0.0.1:${port}/v2/faults/dying-${run}/tags/list`],
        {
          encoding: 'utf8'
        }
      )
      expect(tags.stdout).not.toMatch(/"tags":\[".+"\]/)
      expect(leftoverLists()).toEqual([])
    } finally {
      registry.kill('SIGKILL')
    }
  })

  it('fails clearly when RUNNER_TEMP is full, leaving no secret behind', async () => {
    const full = mkdtempSync(path.join(tmpdir(), 'full-'))
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', full])
    try {
      const tag = `${lab.LAB_PLAIN}/faults/full-${run}:1`
      const step = await runMain({
        inputs: { ...inputs(tag), secrets: `a=small\nbig=${'x'.repeat(30 * 1024)}` },
        env: { ...BUILDAH_ENV, RUNNER_TEMP: full }
      })
      expect(step.exitCode).toBe(1)
      expect(step.errors).toHaveLength(1)
      expect(step.errors[0]).toMatch(
        /cannot write build secret `big` into .* \(ENOSPC\)\. Free space in RUNNER_TEMP/
      )
      expect(tagExists(tag)).toBe(false)
      const leftovers = readdirSync(full).flatMap(dir => readdirSync(path.join(full, dir)))
      expect(leftovers).toEqual([])
    } finally {
      execFileSync('umount', [full])
    }
  })
})
