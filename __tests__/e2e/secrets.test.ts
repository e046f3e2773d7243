import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ROOT, type StepResult, runMain, runPost } from '../../harness/runner.mjs'
import { workspaceScratch } from '../support/scratch.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const buildSecret = `build-secret-${randomBytes(12).toString('hex')}`
const token = `ghp_${randomBytes(18).toString('base64url')}`

/** Each secret as written, and as base64 alone or inside `user:secret` (how auth files hold it). */
function forbidden(): string[] {
  const values = [lab.LAB_PASSWORD, buildSecret, token]
  return values.flatMap(value => [
    value,
    Buffer.from(value).toString('base64'),
    Buffer.from(`${lab.LAB_USER}:${value}`).toString('base64')
  ])
}

/** Everything a run leaves readable: logs, outputs, state, summary; `::add-mask::` is for the runner. */
function everything(step: StepResult): string {
  const stdout = step.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  return [
    stdout,
    step.stderr,
    JSON.stringify(step.outputs),
    JSON.stringify(step.state),
    step.summary
  ].join('\n')
}

/** Temporary files the run wrote, with their modes. */
function tempFiles(step: StepResult): { file: string; mode: number }[] {
  const found: { file: string; mode: number }[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else found.push({ file, mode: statSync(file).mode & 0o777 })
    }
  }
  walk(step.runnerTemp)
  return found
}

function contextWith(dockerfile: string): string {
  const dir = workspaceScratch('secrets-')
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile)
  return path.relative(ROOT, dir)
}

const dockerfile = (last: string): string =>
  [
    `FROM ${lab.LAB_PLAIN}/fixtures/busybox:latest`,
    'RUN --mount=type=secret,id=build sha256sum /run/secrets/build > /build.sha',
    'RUN --mount=type=secret,id=token wc -c /run/secrets/token > /token.len',
    last,
    ''
  ].join('\n')

describe('secrets never reach a log, an output or a file left behind', () => {
  it.each([
    ['a build that succeeds', 'RUN echo done', 0],
    ['a build that fails', 'RUN false', 1]
  ])('%s', async (_, last, exitCode) => {
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64,linux/arm64',
        context: contextWith(dockerfile(last)),
        tags: `${lab.LAB_TLS}/secrets/app-${run}:${String(exitCode)}`,
        push: 'true',
        'no-cache': 'true',
        engine: 'buildah',
        registry: lab.LAB_TLS,
        username: lab.LAB_USER,
        password: lab.LAB_PASSWORD,
        secrets: `build=${buildSecret}\ntoken=${token}`
      },
      env: BUILDAH_ENV
    })
    expect(step.exitCode).toBe(exitCode)
    const seen = everything(step)
    for (const value of forbidden()) expect(seen).not.toContain(value)

    // What stays until the post step (the auth file) is readable by its owner only.
    const files = tempFiles(step)
    expect(files.map(entry => path.basename(entry.file))).toContain('auth.json')
    for (const { mode } of files) expect(mode).toBe(0o600)
    expect(files.filter(entry => path.basename(entry.file).startsWith('secret-'))).toEqual([])

    const post = await runPost(step)
    expect(post.exitCode).toBe(0)
    for (const value of forbidden()) expect(everything(post)).not.toContain(value)
    for (const { file } of files) expect(existsSync(file)).toBe(false)
  })
})
