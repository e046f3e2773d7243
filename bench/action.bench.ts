/**
 * How fast and how lean the action is, measured side by side on the local lab against
 * what a user would run instead: the one-line buildah multi-platform build and, where a
 * buildx exists, `docker buildx build --push`. Also cold start per mode, cache, the
 * emulation penalty, platforms side by side, a cross-compiling stage, a realistic
 * service image, and where a warm run spends its time, stage by stage.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { inject, it } from 'vitest'
import { ROOT, inputEnv, nodeBinaries, runMain } from '../harness/runner.mjs'
import { mapBounded } from '../src/bounded.js'
import { parseReference } from '../src/reference.js'
import { BUILDAH_ENV } from '../__tests__/e2e/lab.js'
import { type Sample, ratios, report, summarise, timeMs } from './measure.js'

const lab = inject('lab')
const FOUR = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']
const base = `${lab.LAB_PLAIN}/fixtures/busybox:latest`
const context = path.join(ROOT, 'examples', 'emulated-run')

/** The Node the runner starts the action with (action.yml: node24), where the bench has one. */
const [RUNNER_NODE, RUNNER_NODE_VERSION] = ((): [string, string] => {
  const found = nodeBinaries().map(node => ({
    node,
    version: spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
  }))
  const chosen = found.find(({ version }) => version.startsWith('v24.')) ?? found[0]
  return [chosen?.node ?? process.execPath, chosen?.version ?? process.version]
})()

/** How many platforms the action builds at once by default: the runner's CPU count. */
const AT_ONCE = Math.min(availableParallelism(), FOUR.length)

function actionInputs(
  platforms: readonly string[],
  tag: string,
  extra: Record<string, string> = {}
) {
  return {
    platforms: platforms.join(','),
    context: 'examples/emulated-run',
    'build-args': `BASE=${base}`,
    tags: tag,
    push: 'true',
    engine: 'buildah',
    ...extra
  }
}

async function actionBuild(
  platforms: readonly string[],
  extra: Record<string, string> = {},
  onStdout?: (text: string) => void
) {
  const tag = `${lab.LAB_PLAIN}/bench/app:${randomBytes(3).toString('hex')}`
  const step = await runMain({
    inputs: actionInputs(platforms, tag, extra),
    env: BUILDAH_ENV,
    node: RUNNER_NODE,
    ...(onStdout === undefined ? {} : { onStdout })
  })
  if (step.exitCode !== 0) throw new Error(`action failed: ${step.errors.join('\n')}`)
  return step
}

/** Run a command to its end; a non-zero exit rejects with the command's first words. */
function run(
  program: string,
  args: readonly string[],
  env: Record<string, string> = {}
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'ignore', env: { ...process.env, ...env } })
    child.on('error', reject)
    child.on('close', code => {
      if (code === 0) resolve()
      else reject(new Error(`${program} ${args.slice(0, 2).join(' ')} exited ${String(code)}`))
    })
  })
}

const buildah = (args: readonly string[]) => run('buildah', args, BUILDAH_ENV)

/**
 * What a workflow without the action would type: one multi-platform build into a list,
 * then `manifest push --all` straight to the tag.
 */
async function rawBuild(platforms: readonly string[]): Promise<void> {
  const list = `localhost/bench-raw-${randomBytes(4).toString('hex')}`
  const tag = parseReference(`${lab.LAB_PLAIN}/bench/raw:${randomBytes(3).toString('hex')}`)
  await buildah([
    'build',
    '--platform',
    platforms.join(','),
    '--manifest',
    list,
    '--layers',
    '--build-arg',
    `BASE=${base}`,
    context
  ])
  await buildah([
    'manifest',
    'push',
    '--all',
    list,
    `docker://${tag.registry}/${tag.repository}:${tag.tag ?? 'latest'}`
  ])
  await buildah(['manifest', 'rm', list])
}

/**
 * The buildah commands the action's way needs at the least, without the action: one
 * single-platform build per platform, as many at once as the action runs by default (the
 * CPU count), each image exported to an OCI layout as its build ends. No Node, no pins, no
 * check, no push: what is left of the action's cost once all of its own work is gone.
 */
async function perPlatformCommands(platforms: readonly string[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-floor-'))
  try {
    await mapBounded(platforms, AT_ONCE, async platform => {
      const slug = platform.replaceAll('/', '-')
      const iid = path.join(dir, `iid-${slug}`)
      await buildah([
        'build',
        '--platform',
        platform,
        '--layers',
        '--iidfile',
        iid,
        '--build-arg',
        `BASE=${base}`,
        context
      ])
      const id = readFileSync(iid, 'utf8')
        .trim()
        .replace(/^sha256:/, '')
      await buildah(['push', '--quiet', id, `oci:${path.join(dir, slug)}`])
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function firstOutputMs(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] })
    let seen: number | undefined
    child.stdout.once('data', () => (seen = performance.now() - started))
    child.on('error', reject)
    child.on('close', () => {
      resolve(seen ?? performance.now() - started)
    })
  })
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (total, entry) =>
      total +
      (entry.isDirectory()
        ? dirBytes(path.join(dir, entry.name))
        : statSync(path.join(dir, entry.name)).size),
    0
  )
}

/** sha256 and gzip of 32 MiB of zeros, by busybox of one architecture (QEMU runs foreign ones). */
function cpuWorkload(debianArch: string): () => Promise<void> {
  const busybox = path.join(lab.LAB_BUSYBOX_DIR, debianArch, 'bin', 'busybox')
  const script = `${busybox} dd if=/dev/zero bs=1048576 count=32 2>/dev/null | ${busybox} sha256sum >/dev/null && ${busybox} dd if=/dev/zero bs=1048576 count=32 2>/dev/null | ${busybox} gzip -c | ${busybox} wc -c >/dev/null`
  return () =>
    new Promise((resolve, reject) => {
      const child = spawn(busybox, ['sh', '-c', script], { stdio: 'ignore' })
      child.on('error', reject)
      child.on('close', code => {
        if (code === 0) resolve()
        else reject(new Error(`${debianArch} workload exited ${String(code)}`))
      })
    })
}

/** BENCH_SECTIONS=ac runs only sections a and c (and reports them as a partial run). */
const sections = process.env.BENCH_SECTIONS ?? 'abcdefgh'
const ALL_SECTIONS = 'abcdefgh'

it('measures the action', async () => {
  const samples: Sample[] = []
  const pairs = 6
  if (sections.includes('a')) await overhead(samples, pairs)
  if (sections.includes('b')) await coldStart(samples)
  if (sections.includes('c')) await cache(samples)
  if (sections.includes('d')) await emulationPenalty(samples)
  if (sections.includes('e')) await scaling(samples)
  if (sections.includes('f')) await crossStage(samples)
  if (sections.includes('g')) await buildxComparison(samples, pairs)
  if (sections.includes('h')) await realistic(samples)
  report(sections === ALL_SECTIONS ? 'action' : 'action-partial', samples)
})

/** Per log group of one run: when it opened, so each stage's share of the wall time shows. */
function stageClock(): { onStdout: (text: string) => void; stages: () => Map<string, number> } {
  const opened: { name: string; at: number }[] = []
  const started = performance.now()
  let ended = started
  return {
    onStdout: text => {
      const now = performance.now()
      ended = now
      for (const line of text.split('\n')) {
        const group = /^::group::(.*)$/.exec(line)
        // One name per stage, whichever platform a build group is for.
        if (group !== null)
          opened.push({ name: (group[1] ?? '').replace(/ linux\/.*$/, ''), at: now })
      }
    },
    stages: () => {
      const spent = new Map<string, number>()
      const first = opened[0]
      spent.set('start, inputs and plan', (first?.at ?? ended) - started)
      opened.forEach((group, index) => {
        const next = opened[index + 1]?.at ?? ended
        spent.set(group.name, (spent.get(group.name) ?? 0) + next - group.at)
      })
      return spent
    }
  }
}

/** a. overhead: the same warm 4-platform build through the action and bare, alternating. */
async function overhead(samples: Sample[], pairs: number): Promise<void> {
  await actionBuild(FOUR)
  await rawBuild(FOUR)
  await perPlatformCommands(FOUR)
  const viaAction: number[] = []
  const unchecked: number[] = []
  const bare: number[] = []
  const floor: number[] = []
  const stages = new Map<string, number[]>()
  for (let pair = 0; pair < pairs; pair++) {
    const clock = stageClock()
    viaAction.push(await timeMs(() => actionBuild(FOUR, {}, clock.onStdout)))
    for (const [name, ms] of clock.stages()) stages.set(name, [...(stages.get(name) ?? []), ms])
    unchecked.push(await timeMs(() => actionBuild(FOUR, { 'verify-arch': 'off' })))
    bare.push(await timeMs(() => rawBuild(FOUR)))
    floor.push(await timeMs(() => perPlatformCommands(FOUR)))
  }
  samples.push(
    summarise(
      `warm 4-platform build through the action (Node ${RUNNER_NODE_VERSION})`,
      viaAction,
      'ms'
    )
  )
  samples.push(summarise('the same through the action, verify-arch: off', unchecked, 'ms'))
  samples.push(
    summarise('buildah build --platform a,b,c,d --manifest + manifest push --all', bare, 'ms')
  )
  samples.push(
    summarise(
      `buildah alone, the action's way: 4 single-platform builds, ${AT_ONCE} at a time, each exported to an OCI layout`,
      floor,
      'ms'
    )
  )
  samples.push(ratios('action / raw commands (per round)', viaAction, bare, '<= 1.25'))
  samples.push(ratios('action, verify-arch: off / raw commands', unchecked, bare, '<= 1.10'))
  samples.push(ratios("buildah alone, the action's way / raw commands", floor, bare))
  for (const [name, values] of stages) {
    samples.push(summarise(`stage of the warm run: ${name}`, values, 'ms'))
  }
}

/** b. cold start of every mode, to its first log line, against `node -e 0`; and bundle size. */
async function coldStart(samples: Sample[]): Promise<void> {
  const modes: Record<string, Record<string, string>> = {
    matrix: inputEnv({ mode: 'matrix', platforms: 'linux/amd64,linux/arm64' }),
    build: inputEnv({
      mode: 'build',
      platforms: 'linux/amd64',
      context: 'examples/emulated-run',
      engine: 'buildah'
    }),
    merge: inputEnv({
      mode: 'merge',
      platforms: 'linux/amd64,linux/arm64',
      // Nothing listens on port 9: the run fails at once, after its first line.
      tags: '127.0.0.1:9/bench/merge:1'
    })
  }
  // This Node and the runner's Node 24, which scripts/bench.sh names in TEST_NODE_BINARIES.
  const binaries = nodeBinaries()
  for (const node of binaries) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
    const bare: number[] = []
    const byMode = new Map<string, number[]>()
    for (let run = 0; run < 15; run++) {
      bare.push(await firstOutputMs(node, ['-e', '0'], process.env))
      for (const [mode, env] of Object.entries(modes)) {
        const ms = await firstOutputMs(node, [path.join(ROOT, 'dist/main/index.js')], {
          ...process.env,
          ...env,
          ...BUILDAH_ENV
        })
        byMode.set(mode, [...(byMode.get(mode) ?? []), ms])
      }
    }
    samples.push(summarise(`node -e 0 (Node ${version})`, bare, 'ms'))
    const bareMedian = summarise('', bare, 'ms').median
    for (const [mode, values] of byMode) {
      samples.push(summarise(`mode ${mode} to its first log line (Node ${version})`, values, 'ms'))
      samples.push(
        summarise(
          `mode ${mode} / node -e 0 (Node ${version})`,
          values.map(value => value / bareMedian),
          'ratio',
          '<= 2.0'
        )
      )
    }
  }
  samples.push(summarise('dist/ size', [dirBytes(path.join(ROOT, 'dist')) / 1e6], 'MB'))
  samples.push(
    summarise(
      'dist/main/index.js (loaded by every run)',
      [statSync(path.join(ROOT, 'dist/main/index.js')).size / 1e6],
      'MB'
    )
  )
}

/** c. cache: a rebuild without cache against a warm one. */
async function cache(samples: Sample[]): Promise<void> {
  const cold: number[] = []
  const warm: number[] = []
  for (let run = 0; run < 5; run++) {
    cold.push(await timeMs(() => actionBuild(FOUR, { 'no-cache': 'true' })))
    warm.push(await timeMs(() => actionBuild(FOUR)))
  }
  samples.push(summarise('cold rebuild of the example, 4 platforms', cold, 'ms'))
  samples.push(summarise('warm rebuild of the example, 4 platforms', warm, 'ms'))
  samples.push(ratios('warm / cold', warm, cold, '<= 0.2'))
}

/** d. the emulation penalty of one CPU-bound RUN workload. */
async function emulationPenalty(samples: Sample[]): Promise<void> {
  const native: number[] = []
  for (let run = 0; run < 5; run++) native.push(await timeMs(cpuWorkload('amd64')))
  samples.push(summarise('sha256 + gzip of 32 MiB, native amd64', native, 'ms'))
  for (const [debianArch, platform] of [
    ['arm64', 'linux/arm64'],
    ['armhf', 'linux/arm/v7'],
    ['s390x', 'linux/s390x'],
    ['ppc64el', 'linux/ppc64le']
  ] as const) {
    const emulated: number[] = []
    for (let run = 0; run < 5; run++) emulated.push(await timeMs(cpuWorkload(debianArch)))
    const nativeMedian = summarise('', native, 'ms').median
    samples.push(
      summarise(
        `emulation penalty ${platform} (QEMU / native)`,
        emulated.map(value => value / nativeMedian),
        'ratio'
      )
    )
  }
}

const EMULATED_FOUR = ['linux/arm64', 'linux/s390x', 'linux/ppc64le', 'linux/arm/v7']
const cpuContext = { context: 'bench/contexts/cpu', 'no-cache': 'true' }

/**
 * e. scaling: the example with 1, 2, 4, 5 platforms, no cache; and four emulated platforms of
 * a CPU-bound step side by side against the sum of each built alone.
 */
async function scaling(samples: Sample[]): Promise<void> {
  for (const platforms of [
    ['linux/amd64'],
    ['linux/amd64', 'linux/arm64'],
    FOUR,
    [...FOUR, 'linux/arm/v7']
  ]) {
    const times: number[] = []
    for (let run = 0; run < 3; run++) {
      times.push(await timeMs(() => actionBuild(platforms, { 'no-cache': 'true' })))
    }
    samples.push(summarise(`build with ${platforms.length} platform(s), no cache`, times, 'ms'))
  }
  const together: number[] = []
  const sums: number[] = []
  for (let run = 0; run < 3; run++) {
    together.push(await timeMs(() => actionBuild(EMULATED_FOUR, cpuContext)))
    let sum = 0
    for (const platform of EMULATED_FOUR) {
      sum += await timeMs(() => actionBuild([platform], cpuContext))
    }
    sums.push(sum)
  }
  samples.push(summarise('4 emulated platforms of a CPU-bound step, side by side', together, 'ms'))
  samples.push(summarise('the same 4 platforms, each built alone (sum)', sums, 'ms'))
  samples.push(ratios('side by side / sum of the four', together, sums, '<= 0.65'))
}

/** f. a cross-compiling Dockerfile: its $BUILDPLATFORM stage at native speed for arm64. */
async function crossStage(samples: Sample[]): Promise<void> {
  const context = { context: 'bench/contexts/cross-cpu', 'no-cache': 'true' }
  const native: number[] = []
  const forArm64: number[] = []
  const emulatedStage: number[] = []
  for (let run = 0; run < 3; run++) {
    native.push(await timeMs(() => actionBuild(['linux/amd64'], context)))
    forArm64.push(await timeMs(() => actionBuild(['linux/arm64'], context)))
    // The same work in a stage that is the target's: what the stage cost before.
    emulatedStage.push(
      await timeMs(() =>
        actionBuild(['linux/arm64'], { ...context, context: 'bench/contexts/cpu' })
      )
    )
  }
  samples.push(summarise('cross-stage Dockerfile for linux/amd64', native, 'ms'))
  samples.push(summarise('cross-stage Dockerfile for linux/arm64', forArm64, 'ms'))
  samples.push(summarise('the same work in an arm64 stage (under QEMU)', emulatedStage, 'ms'))
  samples.push(
    ratios(
      'cross-stage for arm64 / for amd64 (1.0: the stage ran natively)',
      forArm64,
      native,
      '<= 1.10'
    )
  )
}

/** Where a buildx and a BuildKit on loopback are given (as for the buildx suite). */
function buildxSetup(): { endpoint: string; env: Record<string, string> } | undefined {
  const endpoint = process.env.BUILDX_E2E_ENDPOINT ?? ''
  if (endpoint === '') return undefined
  // Its own variable: a DOCKER_CONFIG without a config.json makes buildah refuse to pull.
  const env = { DOCKER_CONFIG: process.env.BENCH_DOCKER_CONFIG ?? process.env.DOCKER_CONFIG ?? '' }
  const works = spawnSync('docker', ['buildx', 'version'], {
    env: { ...process.env, ...env },
    encoding: 'utf8'
  })
  return works.status === 0 ? { endpoint, env } : undefined
}

const docker = (args: readonly string[], env: Record<string, string>) => run('docker', args, env)

/** g. buildx: the action against `docker buildx build --push` on the same builder. */
async function buildxComparison(samples: Sample[], pairs: number): Promise<void> {
  const setup = buildxSetup()
  if (setup === undefined) {
    console.warn(
      'bench g skipped: no buildx here (set BENCH_DOCKER_CONFIG and BUILDX_E2E_ENDPOINT to a docker config with the plugin and a BuildKit address)'
    )
    return
  }
  const builder = `bench-${randomBytes(3).toString('hex')}`
  await docker(
    ['buildx', 'create', '--name', builder, '--driver', 'remote', setup.endpoint],
    setup.env
  )
  try {
    const viaAction = async (onStdout?: (text: string) => void) => {
      const tag = `${lab.LAB_PLAIN}/bench/buildx:${randomBytes(3).toString('hex')}`
      const step = await runMain({
        inputs: { ...actionInputs(FOUR, tag), engine: 'buildx', builder },
        env: setup.env,
        node: RUNNER_NODE,
        ...(onStdout === undefined ? {} : { onStdout })
      })
      if (step.exitCode !== 0) throw new Error(`action failed: ${step.errors.join('\n')}`)
    }
    const raw = () =>
      docker(
        [
          'buildx',
          'build',
          '--builder',
          builder,
          '--platform',
          FOUR.join(','),
          '--build-arg',
          `BASE=${base}`,
          '--tag',
          `${lab.LAB_PLAIN}/bench/buildx-raw:${randomBytes(3).toString('hex')}`,
          '--push',
          context
        ],
        setup.env
      )
    await viaAction()
    await raw()
    const action: number[] = []
    const bare: number[] = []
    const stages = new Map<string, number[]>()
    for (let pair = 0; pair < pairs; pair++) {
      const clock = stageClock()
      action.push(await timeMs(() => viaAction(clock.onStdout)))
      for (const [name, ms] of clock.stages()) stages.set(name, [...(stages.get(name) ?? []), ms])
      bare.push(await timeMs(raw))
    }
    samples.push(
      summarise(
        `buildx: warm 4-platform build through the action (Node ${RUNNER_NODE_VERSION})`,
        action,
        'ms'
      )
    )
    samples.push(summarise('buildx: docker buildx build --push, same builder', bare, 'ms'))
    samples.push(ratios('buildx: action / docker buildx build --push', action, bare, '<= 1.25'))
    for (const [name, values] of stages) {
      samples.push(summarise(`buildx stage of the warm run: ${name}`, values, 'ms'))
    }
  } finally {
    await docker(['buildx', 'rm', builder], setup.env).catch(() => undefined)
  }
}

/** h. a service image: apt-get a compiler and libraries, compile; amd64 + arm64, no cache. */
async function realistic(samples: Sample[]): Promise<void> {
  const debian = `${lab.LAB_PLAIN}/fixtures/debian:bookworm`
  const present = spawnSync('skopeo', [
    'inspect',
    '--raw',
    '--tls-verify=false',
    `docker://${debian}`
  ])
  if (present.status !== 0) {
    console.warn(`bench h skipped: ${debian} is missing; run bash lab/lab.sh bench-base`)
    return
  }
  const service = {
    context: 'bench/contexts/service',
    'build-args': `BASE=${debian}`,
    'no-cache': 'true'
  }
  const both: number[] = []
  const amd64: number[] = []
  const arm64: number[] = []
  for (let run = 0; run < 2; run++) {
    both.push(await timeMs(() => actionBuild(['linux/amd64', 'linux/arm64'], service)))
    amd64.push(await timeMs(() => actionBuild(['linux/amd64'], service)))
    arm64.push(await timeMs(() => actionBuild(['linux/arm64'], service)))
  }
  samples.push(summarise('service image, amd64 + arm64 side by side, no cache', both, 'ms'))
  samples.push(summarise('service image, amd64 alone', amd64, 'ms'))
  samples.push(summarise('service image, arm64 alone (QEMU)', arm64, 'ms'))
  samples.push(
    summarise(
      'both / the slowest alone',
      both.map((value, index) => value / Math.max(amd64[index] ?? 0, arm64[index] ?? 0)),
      'ratio',
      '<= 1.10'
    )
  )
}
