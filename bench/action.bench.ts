/**
 * How fast and how lean the action is, measured side by side on the local lab:
 * its overhead over the raw buildah commands it issues, cold start, cache, the
 * emulation penalty per platform, and scaling with the number of platforms.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { inject, it } from 'vitest'
import { ROOT, runMain } from '../harness/runner.mjs'
import { parseReference } from '../src/reference.js'
import { type Sample, report, summarise, timeMs } from './measure.js'

const lab = inject('lab')
const BUILDAH_ENV = { STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' }
const FOUR = ['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']
const base = `${lab.LAB_PLAIN}/fixtures/busybox:latest`
const context = path.join(ROOT, 'examples', 'emulated-run')

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

async function actionBuild(platforms: readonly string[], extra: Record<string, string> = {}) {
  const tag = `${lab.LAB_PLAIN}/bench/app:${randomBytes(3).toString('hex')}`
  const step = await runMain({ inputs: actionInputs(platforms, tag, extra), env: BUILDAH_ENV })
  if (step.exitCode !== 0) throw new Error(`action failed: ${step.errors.join('\n')}`)
  return step
}

function buildah(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('buildah', args, {
      stdio: 'ignore',
      env: { ...process.env, ...BUILDAH_ENV }
    })
    child.on('error', reject)
    child.on('close', code => {
      if (code === 0) resolve()
      else reject(new Error(`buildah ${args.slice(0, 2).join(' ')} exited ${String(code)}`))
    })
  })
}

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
const sections = process.env.BENCH_SECTIONS ?? 'abcde'

it('measures the action', async () => {
  const samples: Sample[] = []
  const pairs = 6

  // a. overhead: the same warm 4-platform build, through the action and bare, alternating.
  if (sections.includes('a')) await overhead(samples, pairs)
  if (sections.includes('b')) await coldStart(samples)
  if (sections.includes('c')) await cache(samples)
  if (sections.includes('d')) await emulationPenalty(samples)
  if (sections.includes('e')) await scaling(samples)
  report(sections === 'abcde' ? 'action' : 'action-partial', samples)
})

async function overhead(samples: Sample[], pairs: number): Promise<void> {
  await actionBuild(FOUR)
  await rawBuild(FOUR)
  const viaAction: number[] = []
  const bare: number[] = []
  for (let pair = 0; pair < pairs; pair++) {
    viaAction.push(await timeMs(() => actionBuild(FOUR)))
    bare.push(await timeMs(() => rawBuild(FOUR)))
  }
  samples.push(summarise('warm 4-platform build through the action', viaAction, 'ms'))
  samples.push(summarise('the same buildah commands, bare', bare, 'ms'))
  samples.push(
    summarise(
      'overhead ratio (action / bare, per pair)',
      viaAction.map((value, index) => value / (bare[index] ?? value)),
      'ratio',
      '<= 1.05'
    )
  )
}

/** b. cold start and bundle size. */
async function coldStart(samples: Sample[]): Promise<void> {
  const env = { ...process.env, INPUT_MODE: 'matrix', INPUT_PLATFORMS: 'arm64' }
  const start: number[] = []
  const bareNode: number[] = []
  for (let run = 0; run < 15; run++) {
    start.push(await firstOutputMs(process.execPath, [path.join(ROOT, 'dist/main/index.js')], env))
    bareNode.push(await timeMs(() => firstOutputMs(process.execPath, ['-e', '0'], env)))
  }
  samples.push(summarise('node dist/main/index.js to its first log line', start, 'ms'))
  samples.push(summarise('node -e 0', bareNode, 'ms'))
  samples.push(summarise('dist/ size', [dirBytes(path.join(ROOT, 'dist')) / 1e6], 'MB'))
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
  samples.push(
    summarise(
      'warm / cold',
      warm.map((value, index) => value / (cold[index] ?? value)),
      'ratio',
      '<= 0.2'
    )
  )
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

/** e. scaling with the number of platforms (no cache, so each platform really builds). */
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
}
