/** The builder's life: create (or reuse), boot, check its platforms, remove. */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError } from '../../errors.js'
import { exec } from '../../exec.js'
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
import { parseInspectBuildkitVersions } from './reproducible.js'
import {
  allNodesRunning,
  parseInspectDriver,
  parseInspectPlatforms,
  unsupportedPlatforms
} from './progress.js'

/** The builder a run uses. */
export interface Builder {
  readonly name: string
  /** The driver `buildx inspect` reports, not the one asked for. */
  readonly driver: string
  /** Each node's BuildKit version, as `buildx inspect` lists them; empty where it lists none. */
  readonly buildkitVersions: readonly string[]
  /** Created by this run, and so removed by it. */
  readonly created: boolean
  readonly env: Env
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

/** Create (or pick) the builder, boot it, and check it offers every planned platform. */
export async function prepareBuilder(
  options: BuildxOptions,
  platforms: readonly PlannedPlatform[],
  version: string,
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
  if (name === '' && options.driver === 'docker') {
    // The docker driver's builder carries the name of the docker context.
    name =
      options.endpoint ||
      (await exec('docker', ['context', 'show'], { silent: true, env })).stdout.trim()
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
      version,
      ...(configFile === undefined ? {} : { configFile })
    }
    await exec('docker', createBuilderArgs(spec), { env, silent: true })
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
      await exec('docker', appendNodeArgs(name, node, index), { env, silent: true })
      core.info(`appended node ${name}${index + 1} for ${node.platforms.join(', ')}`)
    }
  } else {
    core.info(
      `reusing builder \`${name}\` as it is${options.workerParallelism === undefined ? '' : '; max-parallelism applies only to a builder this step creates'}`
    )
  }
  // A builder this step did not create is often running already: booting it again costs a
  // round trip to every node for nothing.
  let inspect = created ? undefined : await exec('docker', inspectArgs(name), { env, silent: true })
  if (inspect === undefined || !allNodesRunning(inspect.stdout)) {
    inspect = await exec('docker', bootstrapArgs(name), { env, silent: true })
  }
  const driver = parseInspectDriver(inspect.stdout) ?? options.driver
  const available = parseInspectPlatforms(inspect.stdout)
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
  const buildkitVersions = parseInspectBuildkitVersions(inspect.stdout)
  return { name, driver, buildkitVersions, created, env }
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
