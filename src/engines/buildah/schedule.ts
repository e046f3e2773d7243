/**
 * Every platform's `buildah build`, `limit` at a time; the first failure stops the rest.
 * Side by side, each platform's log is kept and written as one group when it ends, so that
 * platforms finishing together do not interleave; one at a time, it streams live.
 */
import * as core from '@actions/core'
import { untrusted, untrustedLines } from '../../untrusted.js'
import { readFile, rm } from 'node:fs/promises'
import { settleBounded } from '../../bounded.js'
import { ActionError, errorMessage } from '../../errors.js'
import { ExecError, type ExecResult, commandLine, execStreaming } from '../../exec.js'
import type { PlannedPlatform } from '../../plan.js'
import type { BuildRequest, Group, PlatformBuild } from '../engine.js'
import type { SecretFile } from '../secrets.js'
import { type PlatformBuildFiles, buildahBuildArgs } from './argv.js'
import { countCacheHits, namedFromLine, withoutAutomaticArgWarning } from './log.js'

/** How often a build with platforms side by side says which are still running. */
const HEARTBEAT_MS = 60_000

export interface BuildJob {
  readonly platform: PlannedPlatform
  readonly files: PlatformBuildFiles & { readonly iidFile: string }
  /** Lines the platform's log starts with (which image each reference is). */
  readonly said: readonly string[]
  /** Image ids and their names, put back on the log's lines. */
  readonly baseNames: ReadonlyMap<string, string>
}

export interface Built {
  readonly builds: PlatformBuild[]
  /** Each platform's image id. */
  readonly images: Map<string, string>
}

export async function buildAll(
  request: BuildRequest,
  jobs: readonly BuildJob[],
  limit: number,
  secretFiles: readonly SecretFile[],
  authFile: string | undefined,
  group: Group,
  /** Called as each platform's image is ready, before the other builds end. */
  onBuilt: (platform: string, id: string) => void = () => undefined
): Promise<Built> {
  const side = limit > 1
  const images = new Map<string, string>()
  const running = new Map<string, number>()
  if (side) {
    core.info(
      `building ${jobs.length} platforms, ${limit} at a time (max-parallelism): each log follows as its platform finishes`
    )
  }
  const heartbeat = side
    ? setInterval(() => {
        const now = performance.now()
        const names = [...running].map(
          ([name, started]) => `${name} (${Math.round((now - started) / 1000)} s)`
        )
        if (names.length > 0) core.info(`still building: ${names.join(', ')}`)
      }, HEARTBEAT_MS)
    : undefined
  heartbeat?.unref()
  try {
    const outcomes = await settleBounded(jobs, limit, async (job, signal) => {
      const label = `${job.platform.name}${job.platform.emulated ? ' (emulated)' : ''}`
      const started = performance.now()
      running.set(label, started)
      const log: string[] = []
      const live = untrustedLines()
      const write = (line: string): void => {
        if (side) log.push(line)
        else live(line)
      }
      const args = buildahBuildArgs(request, job.platform, secretFiles, authFile, job.files)
      const run = async (): Promise<ExecResult> => {
        for (const line of job.said) write(line)
        const onLine = (line: string): void => {
          const filtered = withoutAutomaticArgWarning(line)
          if (filtered !== undefined) write(namedFromLine(filtered, job.baseNames))
        }
        return execStreaming('buildah', args, { onLine, signal })
      }
      let result: ExecResult | undefined
      try {
        if (side) core.info(`started ${label}`)
        result = side ? await run() : await group(`Build ${label}`, run)
      } finally {
        running.delete(label)
        const seconds = (performance.now() - started) / 1000
        if (side) {
          const how =
            result?.exitCode === 0
              ? `${seconds.toFixed(1)} s`
              : signal.aborted
                ? 'stopped'
                : 'failed'
          await group(`Build ${label}: ${how}`, async () => {
            if (log.length > 0) untrusted(`${log.join('\n')}\n`)
            return Promise.resolve()
          })
        }
      }
      if (result.exitCode !== 0) {
        if (signal.aborted) throw new Error('stopped')
        throw new Error(
          `build of ${job.platform.name} failed${job.platform.emulated ? ' (under QEMU)' : ''}: ${new ExecError(commandLine('buildah', args), result).message}`
        )
      }
      // The bare id: `sha256:<id>` reads as a name to some commands, which then ask Docker Hub.
      const id = (await readFile(job.files.iidFile, 'utf8')).trim().replace(/^sha256:/, '')
      images.set(job.platform.name, id)
      onBuilt(job.platform.name, id)
      await rm(job.files.iidFile, { force: true })
      return {
        platform: job.platform.name,
        seconds: (performance.now() - started) / 1000,
        cacheHits: countCacheHits(`${result.stdout}\n${result.stderr}`)
      }
    })
    const failed = outcomes.find(outcome => outcome.status === 'failed')
    if (failed !== undefined) {
      const names = (status: string): string[] =>
        jobs
          .filter((_job, index) => outcomes[index]?.status === status)
          .map(job => job.platform.name)
      const stopped = names('stopped')
      const waiting = names('not-started')
      throw new ActionError(
        [
          errorMessage(failed.error),
          ...(stopped.length > 0 ? [`Stopped the builds of ${stopped.join(', ')}`] : []),
          ...(waiting.length > 0 ? [`Never started ${waiting.join(', ')}`] : [])
        ].join('. '),
        'Nothing was pushed'
      )
    }
    return {
      builds: outcomes.flatMap(outcome => (outcome.status === 'done' ? [outcome.value] : [])),
      images
    }
  } finally {
    if (heartbeat !== undefined) clearInterval(heartbeat)
  }
}
