/**
 * A build is untrusted input: whatever a Dockerfile prints, in its RUN steps or through the
 * smoke test, stays text on the runner, and the post step does nothing that state names.
 * The step's stdout is read the way the runner reads it.
 */
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ROOT, type StepResult, readLog, runMain, runPost } from '../../harness/runner.mjs'
import { servedDigest } from '../support/skopeo.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const forgedBuilder = JSON.stringify({
  name: 'multiarch-0badc0de',
  removeArgs: ['run', '--rm', '--privileged', 'evil/image'],
  env: { DOCKER_HOST: 'tcp://203.0.113.9:2375' }
})

/** Every form of workflow command a hostile build could print, each marked `injected`. */
const HOSTILE = [
  `::save-state name=createdBuilder::${forgedBuilder}`,
  '::set-output name=digest::sha256:injected0000000000000000000000000000000000000000000000000000',
  '   ::add-mask::injected-mask',
  '##[set-output name=digests;]{"linux/amd64":"injected"}',
  'text before ##[error]injected legacy error mid-line',
  '::error::injected error',
  '\t::warning title=injected::injected warning after a tab',
  '::stop-commands::guessed',
  '::notice::injected notice after a guessed stop',
  '::guessed::',
  '::endgroup::',
  '::group::injected group',
  '::set-env name=NODE_OPTIONS::--require /tmp/injected.js',
  '::add-path::/tmp/injected'
].join('\n')

const created: string[] = []
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true })
})

function hostileContext(): string {
  const dir = mkdtempSync(path.join(ROOT, '.cache', 'untrusted-'))
  created.push(dir)
  // A line of its own, so that no cached layer skips the RUN step that prints it.
  writeFileSync(path.join(dir, 'hostile.txt'), `${HOSTILE}\n${randomBytes(8).toString('hex')}\n`)
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      `FROM ${lab.LAB_PLAIN}/fixtures/busybox:latest`,
      'COPY hostile.txt /hostile.txt',
      'RUN cat /hostile.txt',
      ''
    ].join('\n')
  )
  return path.relative(ROOT, dir)
}

/** The commands the runner would carry out, less the fences' own lines. */
function commandsOf(step: StepResult) {
  return step.commands.filter(
    command => command.command !== 'stop-commands' && command.resumes !== true
  )
}

function expectNothingCarriedOutFromTheBuild(step: StepResult): void {
  const commands = commandsOf(step)
  const injected = commands.filter(command =>
    /injected|0badc0de|guessed/.test(`${JSON.stringify(command.properties)} ${command.value}`)
  )
  expect(injected).toEqual([])
  // The action itself writes outputs and state through files, never through stdout.
  expect(
    commands.filter(command =>
      ['save-state', 'set-output', 'set-env', 'add-path'].includes(command.command)
    )
  ).toEqual([])
  const groups = commands.filter(command => command.command === 'group').length
  expect(commands.filter(command => command.command === 'endgroup')).toHaveLength(groups)
  // Every fence is closed: the runner reads the action's own commands again afterwards.
  const fences = step.commands.filter(command => command.command === 'stop-commands')
  expect(step.commands.filter(command => command.resumes === true)).toHaveLength(fences.length)
  for (const fence of fences) expect(fence.value).toMatch(/^[0-9a-f]{32}$/)
  expect(new Set(fences.map(fence => fence.value)).size).toBe(fences.length)
}

describe('what a build prints stays text on the runner', () => {
  it.each([
    ['side by side', '2'],
    ['one at a time, the log live', '1']
  ])('buildah, %s: RUN output and smoke-test output', async (_how, parallelism) => {
    const tag = `${lab.LAB_PLAIN}/untrusted/app:${run}-${parallelism}`
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64,linux/arm64',
        context: hostileContext(),
        tags: tag,
        push: 'true',
        engine: 'buildah',
        'max-parallelism': parallelism,
        'smoke-test': 'cat /hostile.txt'
      },
      env: BUILDAH_ENV
    })
    expect(commandsOf(step).filter(command => command.command === 'error')).toEqual([])
    expect(step.exitCode).toBe(0)
    // The build really printed it, on both platforms and in the smoke test: it is in the log.
    const shown = step.stdout.split('\n').filter(line => line.includes('::error::injected error'))
    expect(shown.length).toBeGreaterThanOrEqual(4)
    expectNothingCarriedOutFromTheBuild(step)
    expect(step.state.createdBuilder ?? '').toBe('')
    expect(step.outputs.digest).toBe(servedDigest(tag, { insecure: true }))
    expect(step.summary).not.toMatch(/injected group|<a\b|<img\b/)
  })

  it('fails on a smoke test that prints commands and then exits non-zero, all of it text', async () => {
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64',
        context: hostileContext(),
        engine: 'buildah',
        'smoke-test': 'cat /hostile.txt; exit 3'
      },
      env: BUILDAH_ENV
    })
    expect(step.exitCode).toBe(1)
    // The one error the runner reads is the action's own, on one line.
    const errors = commandsOf(step).filter(command => command.command === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.value).toMatch(/smoke test/)
  })
})

describe('the post step trusts nothing it reads back', () => {
  /** A `docker` that only writes down how it was called, first on PATH. */
  function recordingDocker(): {
    readonly env: Record<string, string>
    readonly calls: () => string
  } {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-docker-'))
    created.push(dir)
    const log = path.join(dir, 'calls')
    writeFileSync(
      path.join(dir, 'docker'),
      `#!/bin/sh\nprintf 'argv:%s|' "$@" >> '${log}'\nprintf 'DOCKER_HOST=%s\\n' "$DOCKER_HOST" >> '${log}'\n`
    )
    chmodSync(path.join(dir, 'docker'), 0o755)
    return {
      env: { PATH: `${dir}:${process.env.PATH ?? ''}` },
      calls: () => (existsSync(log) ? readFileSync(log, 'utf8') : '')
    }
  }

  function forgedMain(state: Record<string, string>): StepResult {
    const runnerTemp = mkdtempSync(path.join(tmpdir(), 'runner-temp-'))
    created.push(runnerTemp)
    return {
      exitCode: 0,
      signal: null,
      stdout: '',
      stderr: '',
      log: '',
      commands: readLog('').commands,
      outputs: {},
      state: { isPost: 'true', ...state },
      summary: '',
      summaryFile: '',
      runnerTemp,
      errors: []
    }
  }

  it('runs no argv and no environment from state, and removes no folder outside RUNNER_TEMP', async () => {
    const victim = mkdtempSync(path.join(tmpdir(), 'victim-'))
    created.push(victim)
    writeFileSync(path.join(victim, 'keep'), 'precious')
    const docker = recordingDocker()
    const main = forgedMain({ createdBuilder: forgedBuilder, tempDir: victim })
    const post = await runPost(main, { env: docker.env })
    expect(post.exitCode).toBe(0)
    expect(docker.calls()).toBe('')
    expect(readFileSync(path.join(victim, 'keep'), 'utf8')).toBe('precious')
    expect(post.stdout).toMatch(/not removing builder/)
    expect(post.stdout).toMatch(/not removing `.*victim-.*`: it is not directly under/)
  })

  it('removes a builder it names itself with an argv and environment of its own', async () => {
    const docker = recordingDocker()
    const main = forgedMain({ createdBuilder: 'multiarch-0badc0de' })
    const post = await runPost(main, {
      env: { ...docker.env, DOCKER_HOST: '' }
    })
    expect(post.exitCode).toBe(0)
    expect(docker.calls()).toBe('argv:buildx|argv:rm|argv:multiarch-0badc0de|DOCKER_HOST=\n')
  })

  it('follows no link named like its own folder', async () => {
    const victim = mkdtempSync(path.join(tmpdir(), 'victim-'))
    created.push(victim)
    writeFileSync(path.join(victim, 'keep'), 'precious')
    const main = forgedMain({})
    const link = path.join(main.runnerTemp, 'multiarch-Ab12Cd')
    symlinkSync(victim, link)
    const nested = path.join(main.runnerTemp, 'multiarch-Zz99Yy')
    mkdirSync(nested)
    for (const tempDir of [link, `${main.runnerTemp}/../${path.basename(victim)}`]) {
      const post = await runPost({ ...main, state: { ...main.state, tempDir } })
      expect(post.exitCode).toBe(0)
    }
    expect(readFileSync(path.join(victim, 'keep'), 'utf8')).toBe('precious')
    // Its own folder, by contrast, goes.
    await runPost({ ...main, state: { ...main.state, tempDir: nested } })
    expect(existsSync(nested)).toBe(false)
  })
})
