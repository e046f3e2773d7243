/**
 * The runner's state between the main and the post step. This module alone owns the keys:
 * what main records here is exactly what post undoes.
 */
import * as core from './runner.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { State } from './constants.js'
import { exec } from './exec.js'

/** A builder main created, with the argv and environment that remove it. */
export interface CreatedBuilder {
  readonly name: string
  readonly removeArgs: readonly string[]
  readonly env: Readonly<Record<string, string>>
}

/** Marks that the post step should run cleanup (the runner runs it after main either way). */
export function markMainStarted(): void {
  core.saveState(State.IsPost, 'true')
}

/**
 * A private folder for this run's temporary files (auth file, build secrets), mode 0700.
 * Its path goes into the step state so the post step removes it even when main failed.
 */
export async function runTempDir(): Promise<string> {
  const base = process.env.RUNNER_TEMP ?? tmpdir()
  const dir = await mkdtemp(path.join(base, 'multiarch-'))
  core.saveState(State.TempDir, dir)
  return dir
}

/** Should main die before removing the builder, the post step removes it with this argv. */
export function rememberBuilder(builder: CreatedBuilder): void {
  core.saveState(State.CreatedBuilder, JSON.stringify(builder))
}

/** Main removed the builder itself: nothing left for the post step. */
export function forgetBuilder(): void {
  core.saveState(State.CreatedBuilder, '')
}

function savedBuilder(): CreatedBuilder | undefined {
  const text = core.getState(State.CreatedBuilder)
  if (text === '') return undefined
  try {
    const parsed = JSON.parse(text) as Partial<CreatedBuilder>
    if (typeof parsed.name !== 'string' || !Array.isArray(parsed.removeArgs)) return undefined
    return { name: parsed.name, removeArgs: parsed.removeArgs, env: parsed.env ?? {} }
  } catch {
    return undefined
  }
}

/** The post step: remove what main created, and nothing else. */
export async function cleanup(): Promise<void> {
  const builder = savedBuilder()
  if (builder === undefined) {
    core.info('no builder to remove: main removed what it created, or created none')
  } else {
    const result = await exec('docker', builder.removeArgs, {
      env: builder.env,
      silent: true,
      allowFailure: true
    }).catch(() => undefined)
    core.info(
      result?.exitCode === 0
        ? `removed builder ${builder.name}`
        : `builder ${builder.name} was already gone or could not be removed${result ? `: ${result.stderr.trim()}` : ''}`
    )
  }
  const dir = core.getState(State.TempDir)
  if (dir !== '') {
    await rm(dir, { recursive: true, force: true })
    core.info(`removed ${dir}`)
  }
}
