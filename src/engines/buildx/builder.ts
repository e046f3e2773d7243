/** The builder's life: create (or reuse), boot, check its platforms, remove. */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError } from '../../errors.js'
import { type ExecResult, exec } from '../../exec.js'
import type { PlannedPlatform } from '../../plan.js'
import { forgetBuilder, rememberBuilder } from '../../state.js'
import type { BuildxOptions } from '../../values.js'
import {
  type BuilderSpec,
  appendNodeArgs,
  bootstrapArgs,
  inspectArgs,
  createBuilderArgs,
  removeBuilderArgs
} from './argv.js'
import type { Env } from './docker-config.js'
import {
  allNodesRunning,
  buildLogDriver,
  parseInspectBuildkitVersions,
  parseInspectDriver,
  parseInspectPlatforms,
  unsupportedPlatforms
} from './progress.js'

/** The builder a run uses. */
export interface Builder {
  readonly name: string
  /** The driver `buildx inspect` reports, not the one asked for. */
  readonly driver: string
  /** Created by this run, and so removed by it. */
  readonly created: boolean
  readonly env: Env
  /** Each node's BuildKit version as `inspect` shows it; undefined where it shows none. */
  readonly buildkitVersions: readonly (string | undefined)[]
}

/** Run a docker command silently and say in the debug log how long it took. */
async function timed(args: readonly string[], env: Env, allowFailure = false) {
  const started = performance.now()
  const result = await exec('docker', args, { env, silent: true, allowFailure })
  core.debug(
    `docker ${args.slice(0, 3).join(' ')}: ${Math.round(performance.now() - started)} ms, exit ${result.exitCode}`
  )
  return result
}

/**
 * buildkitd.toml with the OCI worker's `max-parallelism` set, unless the given config sets it
 * already (the user's own line wins).
 */
export function withWorkerParallelism(config: string, limit: number | undefined): string {
  if (limit === undefined || /^\s*max-parallelism\s*=/m.test(config)) return config
  const line = `  max-parallelism = ${limit}`
  const table = /^\s*\[worker\.oci\]\s*$/m.exec(config)
  if (table !== null) {
    const end = table.index + table[0].length
    return `${config.slice(0, end)}\n${line}${config.slice(end)}`
  }
  return `${config}${config === '' || config.endsWith('\n') ? '' : '\n'}[worker.oci]\n${line}\n`
}

/**
 * Create (or pick) the builder, boot it, and check it offers every planned platform. `version`
 * is the buildx in use, still being found out: a builder this step does not create is
 * inspected meanwhile, as inspecting needs no particular version; creating waits for it.
 */
export async function prepareBuilder(
  options: BuildxOptions,
  platforms: readonly PlannedPlatform[],
  version: Promise<string>,
  env: Env,
  tempDir: string
): Promise<Builder> {
  let name = options.builder
  let created = false
  core.debug(
    name !== ''
      ? `builder: \`${name}\` given as \`builder\`, used as it is`
      : options.driver === 'docker'
        ? "builder: the docker driver builds on the daemon's own builder"
        : `builder: creating one with driver ${options.driver}, named ${options.builderName === '' ? 'by the action' : 'by `builder-name`'}`
  )
  // A builder this step did not create is often running already: one inspect tells whether,
  // and is all it needs; booting it again would cost a round trip to every node for nothing.
  let inspecting: Promise<ExecResult> | undefined
  if (name === '' && options.driver === 'docker') {
    // The docker driver's builder carries the name of the docker context.
    name = options.endpoint || (await timed(['context', 'show'], env)).stdout.trim()
    inspecting = timed(inspectArgs(name), env, true)
    inspecting.catch(() => undefined)
    await version
    core.info(`using the docker daemon's own builder \`${name}\``)
  } else if (name === '') {
    name = options.builderName || `multiarch-${randomBytes(4).toString('hex')}`
    let configFile: string | undefined
    const config = withWorkerParallelism(
      options.buildkitdConfigInline,
      options.driver === 'remote' ? undefined : options.workerParallelism
    )
    if (config.trim() !== '') {
      configFile = path.join(tempDir, `buildkitd-${name}.toml`)
      await writeFile(configFile, config, { mode: 0o600 })
    }
    const spec: BuilderSpec = {
      name,
      driver: options.driver,
      driverOpts: options.driverOpts,
      endpoint: options.endpoint,
      version: await version,
      ...(configFile === undefined ? {} : { configFile })
    }
    await timed(createBuilderArgs(spec), env)
    created = true
    // Should this step die before it removes the builder, the post step does.
    rememberBuilder(name)
    core.info(
      `created builder \`${name}\` (driver ${options.driver}${options.endpoint === '' ? '' : `, endpoint ${options.endpoint}`})`
    )
    if (options.workerParallelism !== undefined) {
      core.info(
        options.driver === 'remote'
          ? `max-parallelism: a remote builder keeps the limit its own buildkitd.toml sets`
          : `max-parallelism: the builder's worker runs at most ${options.workerParallelism} build steps at once`
      )
    }
    for (const [index, node] of options.append.entries()) {
      await timed(appendNodeArgs(name, node, index), env)
      core.info(`appended node ${name}${index + 1} for ${node.platforms.join(', ')}`)
    }
  } else {
    inspecting = timed(inspectArgs(name), env, true)
    inspecting.catch(() => undefined)
    // The version's failure (no docker, no buildx) says more than the inspect's would.
    await version
    core.info(
      `reusing builder \`${name}\` as it is${options.workerParallelism === undefined ? '' : '; max-parallelism applies only to a builder this step creates'}`
    )
  }
  // A failed inspect (no such builder, or buildx installed only now) leads to the boot, whose
  // own failure names the problem.
  let inspect = await inspecting
  if (inspect === undefined || inspect.exitCode !== 0 || !allNodesRunning(inspect.stdout)) {
    inspect = await timed(bootstrapArgs(name), env)
  }
  return inspectedBuilder(name, created, env, inspect.stdout, options.driver, platforms)
}

/**
 * The builder as `inspect` describes it, logged, and checked to offer every planned platform
 * (none listed: the check cannot be made, and the log says so).
 */
function inspectedBuilder(
  name: string,
  created: boolean,
  env: Env,
  inspect: string,
  askedDriver: string,
  platforms: readonly PlannedPlatform[]
): Builder {
  const driver = parseInspectDriver(inspect) ?? askedDriver
  const available = parseInspectPlatforms(inspect)
  core.info(
    `builder \`${name}\`: driver ${driver}; platforms ${available.join(', ') || 'not listed'}`
  )
  const missing = unsupportedPlatforms(platforms, available)
  if (available.length === 0) {
    core.warning(`builder \`${name}\` lists no platforms; the plan was not checked against it`)
  }
  if (missing.length > 0) {
    throw new ActionError(
      `builder \`${name}\` cannot build ${missing.join(', ')}; it offers ${available.join(', ')}`,
      'Let this action set up QEMU for them (`qemu: auto`), or `append` a node that builds them'
    )
  }
  return { name, driver, created, env, buildkitVersions: parseInspectBuildkitVersions(inspect) }
}

/**
 * A builder this step uses as it is, with no buildx to install first: the build need not
 * wait for `buildx version` or `inspect` (each a docker CLI and plugin start). The version
 * runs beside the build; the builder is inspected only when the build's log does not name
 * its driver, or the build failed (to say whether the builder lacks a platform or is not there).
 */
export interface BuilderBeside {
  readonly name: string
  readonly env: Env
}

/** Whether the build may start before the version and the builder are known. */
export function checkedBesideBuild(options: BuildxOptions): boolean {
  return options.builder !== '' && options.version.trim() === ''
}

/**
 * The builder that built, once the build has ended. A build that succeeded built every
 * platform, so its log's driver is all that is left to learn; otherwise `inspect` says.
 */
export async function builderAfterBuild(
  beside: BuilderBeside,
  askedDriver: string,
  platforms: readonly PlannedPlatform[],
  build: { readonly succeeded: boolean; readonly log: string }
): Promise<Builder> {
  const driver = build.succeeded ? buildLogDriver(build.log, beside.name) : undefined
  if (driver !== undefined) {
    core.info(`builder \`${beside.name}\`: driver ${driver}; it built every planned platform`)
    return { name: beside.name, driver, created: false, env: beside.env, buildkitVersions: [] }
  }
  let inspect = await timed(inspectArgs(beside.name), beside.env, true)
  if (inspect.exitCode !== 0 || !allNodesRunning(inspect.stdout)) {
    inspect = await timed(inspectArgs(beside.name), beside.env)
  }
  return inspectedBuilder(beside.name, false, beside.env, inspect.stdout, askedDriver, platforms)
}

/** Remove a builder this run created; one it reused stays. */
export async function removeBuilder(builder: Builder): Promise<void> {
  if (!builder.created) return
  const result = await exec('docker', removeBuilderArgs(builder.name), {
    env: builder.env,
    silent: true,
    allowFailure: true
  })
  if (result.exitCode === 0) {
    forgetBuilder()
    core.info(`removed builder \`${builder.name}\``)
  } else {
    core.warning(
      `could not remove builder \`${builder.name}\` (the post step tries again): ${result.stderr.trim()}`
    )
  }
}
