/**
 * The runner's state between the main and the post step. This module alone owns the keys.
 *
 * State is a channel a build could try to write into (a workflow command printed by a
 * Dockerfile, were one ever to slip through), so the post step treats what it reads as a
 * claim: it acts only on a builder name and a folder it can check against rules of its own,
 * with an argv and an environment it builds itself.
 */
import * as core from '@actions/core'
import { lstat, mkdtemp, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { Input, State } from './constants.js'
import { removeBuilderArgs } from './engines/buildx/remove.js'
import { exec } from './exec.js'
import { untrusted } from './untrusted.js'

/** What main created: a temporary folder is `multiarch-` plus mkdtemp's six characters. */
const TEMP_DIR_NAME = /^multiarch-[A-Za-z0-9]{6}$/
/** The builder names this action generates. */
const GENERATED_BUILDER = /^multiarch-[0-9a-f]{8}$/
/** Characters docker accepts in a builder name. */
const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/
/** The folder under the run's temp dir where main keeps a private docker config. */
export const PRIVATE_DOCKER_CONFIG = 'docker-config'

/**
 * Main's first act: every key written afresh, so a value that reached the state some other
 * way before this step does not survive into the post step.
 */
export function markMainStarted(): void {
  core.saveState(State.IsPost, 'true')
  core.saveState(State.TempDir, '')
  core.saveState(State.CreatedBuilder, '')
}

/** Where this run's temporary folders live: the runner's temp dir, else the system's. */
function tempBase(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.RUNNER_TEMP ?? tmpdir())
}

/**
 * A private folder for this run's temporary files (auth file, build secrets), mode 0700.
 * Its path goes into the step state so the post step removes it even when main failed.
 */
export async function runTempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tempBase(process.env), 'multiarch-'))
  core.saveState(State.TempDir, dir)
  return dir
}

/** Should main die before removing the builder, the post step removes it by this name. */
export function rememberBuilder(name: string): void {
  core.saveState(State.CreatedBuilder, name)
}

/** Main removed the builder itself: nothing left for the post step. */
export function forgetBuilder(): void {
  core.saveState(State.CreatedBuilder, '')
}

/**
 * The docker and buildx configuration a builder of this run lives in: the private config
 * under the run's temp dir when main made one, with builders kept where the user's are.
 * Main and post both derive it, from the environment the runner gives both.
 */
export function builderEnv(
  privateConfig: string | undefined,
  env: NodeJS.ProcessEnv
): Record<string, string> {
  if (privateConfig === undefined) return {}
  const original = env.DOCKER_CONFIG ?? path.join(homedir(), '.docker')
  return {
    DOCKER_CONFIG: privateConfig,
    BUILDX_CONFIG: env.BUILDX_CONFIG ?? path.join(original, 'buildx')
  }
}

/** Why a claimed builder name is not one this action may remove; undefined when it may. */
export function builderNameProblem(
  name: string,
  inputs: { readonly builderName: string; readonly builder: string }
): string | undefined {
  if (!BUILDER_NAME.test(name)) return 'it is not a builder name'
  if (inputs.builder !== '' && name === inputs.builder) return 'it is the builder you brought'
  if (GENERATED_BUILDER.test(name)) return undefined
  if (inputs.builderName !== '' && name === inputs.builderName) return undefined
  return 'this action neither generates that name nor was given it as `builder-name`'
}

/** Why a claimed folder is not this run's temporary folder; undefined when it is. */
export function tempDirProblem(dir: string, base: string): string | undefined {
  if (!path.isAbsolute(dir)) return 'it is not an absolute path'
  if (dir.split('/').some(part => part === '.' || part === '..')) return 'it is not a plain path'
  const resolved = path.resolve(dir)
  if (path.dirname(resolved) !== base) return `it is not directly under ${base}`
  if (!TEMP_DIR_NAME.test(path.basename(resolved))) return 'its name is not multiarch-XXXXXX'
  return undefined
}

/** A folder this run made: checked by name, then on disk (a real folder, not a link). */
async function checkedTempDir(claimed: string): Promise<string | undefined> {
  if (claimed === '') return undefined
  const problem = tempDirProblem(claimed, tempBase(process.env))
  if (problem !== undefined) {
    core.warning(`post step: not removing \`${claimed}\`: ${problem}`)
    return undefined
  }
  const stat = await lstat(claimed).catch(() => undefined)
  if (stat === undefined) return undefined
  if (!stat.isDirectory()) {
    core.warning(`post step: not removing \`${claimed}\`: it is not a folder`)
    return undefined
  }
  return claimed
}

async function removeCreatedBuilder(tempDir: string | undefined): Promise<void> {
  const name = core.getState(State.CreatedBuilder)
  if (name === '') {
    core.info('no builder to remove: main removed what it created, or created none')
    return
  }
  const problem = builderNameProblem(name, {
    builderName: core.getInput(Input.BuilderName),
    builder: core.getInput(Input.Builder)
  })
  if (problem !== undefined) {
    core.warning(`post step: not removing builder \`${name}\`: ${problem}`)
    return
  }
  const privateConfig =
    tempDir === undefined ? undefined : path.join(tempDir, PRIVATE_DOCKER_CONFIG)
  const hasPrivate =
    privateConfig !== undefined &&
    (await lstat(privateConfig).then(
      stat => stat.isDirectory(),
      () => false
    ))
  const result = await exec('docker', removeBuilderArgs(name), {
    env: builderEnv(hasPrivate ? privateConfig : undefined, process.env),
    silent: true,
    allowFailure: true
  }).catch(() => undefined)
  if (result?.exitCode === 0) {
    core.info(`removed builder ${name}`)
  } else {
    core.info(`builder ${name} was already gone or could not be removed`)
    // docker's own words may quote what it was given: fenced, never read as a command.
    if (result !== undefined) untrusted(result.stderr.trim())
  }
}

/** The post step: remove what main created, and nothing else. */
export async function cleanup(): Promise<void> {
  const tempDir = await checkedTempDir(core.getState(State.TempDir))
  await removeCreatedBuilder(tempDir)
  if (tempDir !== undefined) {
    await rm(tempDir, { recursive: true, force: true })
    core.info(`removed ${tempDir}`)
  }
}
