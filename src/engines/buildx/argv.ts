/** argv for every `docker buildx` command the engine runs. Pure: tested as tables. */
import { formatAnnotation } from '../../annotations.js'
import { type ImageReference, formatReference, repositoryName } from '../../reference.js'
import type { AppendNode, BuildxDriver, BuildxOptions } from '../../values.js'
import type { BuildRequest } from '../engine.js'
import type { SecretFile } from '../secrets.js'
import { cacheArgs, csvField } from './cache.js'
import { buildxAtLeast } from './install.js'
export { removeBuilderArgs } from './remove.js'
import { withRewriteTimestamp } from './reproducible.js'

export interface BuilderSpec {
  readonly name: string
  readonly driver: BuildxDriver
  readonly driverOpts: readonly string[]
  /** buildkitd.toml written from `buildkitd-config-inline`. */
  readonly configFile?: string
  readonly endpoint?: string
  /** The buildx version, for the spelling of the config flag. */
  readonly version: string
}

/** argv for `docker buildx create`; no `--use`: every later command names the builder. */
export function createBuilderArgs(spec: BuilderSpec): string[] {
  const args = ['buildx', 'create', '--name', spec.name, '--driver', spec.driver]
  for (const option of spec.driverOpts) args.push('--driver-opt', option)
  if (spec.configFile !== undefined) {
    // buildx 0.13 renamed --config to --buildkitd-config.
    args.push(buildxAtLeast(spec.version, '0.13.0') ? '--buildkitd-config' : '--config')
    args.push(spec.configFile)
  }
  if (spec.endpoint !== undefined && spec.endpoint !== '') args.push(spec.endpoint)
  return args
}

/** argv adding one `append` node; buildx names the first node `<builder>0`, these follow. */
export function appendNodeArgs(builder: string, node: AppendNode, index: number): string[] {
  const args = [
    'buildx',
    'create',
    '--name',
    builder,
    '--append',
    '--node',
    `${builder}${index + 1}`
  ]
  args.push('--platform', node.platforms.join(','))
  for (const option of node.driverOpts) args.push('--driver-opt', option)
  if (node.endpoint !== '') args.push(node.endpoint)
  return args
}

export function bootstrapArgs(name: string): string[] {
  return ['buildx', 'inspect', '--bootstrap', '--builder', name]
}

/** The same without starting anything: for a builder that may be running already. */
export function inspectArgs(name: string): string[] {
  return ['buildx', 'inspect', '--builder', name]
}

/** Names and files of one `buildx build` run. */
export interface BuildxRun {
  readonly builder: string
  readonly metadataFile: string
  readonly iidFile: string
  readonly secretFiles: readonly SecretFile[]
  /** Push: the repository BuildKit pushes into, by digest only. */
  readonly pushTo?: ImageReference
  /**
   * An OCI layout directory the action asks for, so the checks can read a build that is not
   * pushed, or read a pushed one from disk (beside the push, from the same build).
   */
  readonly layoutDir?: string
}

/**
 * The one output of a push: every blob and manifest into the repository, addressed by
 * digest, and no tag. The action moves the tags itself, after the checks.
 */
export function pushByDigestOutput(repository: ImageReference, reproducible = false): string {
  return [
    'type=image',
    `name=${repositoryName(repository)}`,
    'push-by-digest=true',
    'name-canonical=true',
    'push=true',
    // Without attestations BuildKit pushes Docker media types, while an OCI layout (a rebuild
    // with `push: false`) holds OCI ones: the same image under two digests. One kind for both.
    ...(reproducible ? ['oci-mediatypes=true', 'rewrite-timestamp=true'] : [])
  ]
    .map(csvField)
    .join(',')
}

function secretSpec(id: string, kind: 'src' | 'env', value: string): string {
  return [`id=${id}`, `${kind}=${value}`].map(csvField).join(',')
}

/** argv for the one `docker buildx build` that builds every planned platform. */
export function buildxBuildArgs(
  request: BuildRequest,
  options: BuildxOptions,
  run: BuildxRun,
  env: Readonly<Record<string, string | undefined>>
): string[] {
  const args = ['buildx', 'build', '--builder', run.builder]
  // Plain progress is what summarizeProgress reads, whatever BUILDKIT_PROGRESS says.
  args.push('--progress', 'plain')
  args.push('--platform', request.platforms.map(entry => entry.name).join(','))
  if (request.file !== '') args.push('--file', request.file)
  if (request.target !== '') args.push('--target', request.target)
  // A push names no tag: BuildKit would move it before the checks. Local outputs keep them.
  if (run.pushTo === undefined) {
    for (const tag of request.tags) args.push('--tag', formatReference(tag))
  }
  for (const { key, value } of request.labels) args.push('--label', `${key}=${value}`)
  // Each level spelt out: buildx and metadata-action read a bare line the same way (manifest).
  for (const annotation of request.annotations)
    args.push('--annotation', formatAnnotation(annotation))
  for (const { key, value } of request.buildArgs) args.push('--build-arg', `${key}=${value}`)
  // BuildKit stamps the config, history and (with rewrite-timestamp) every layer file with it.
  const epoch = request.sourceDateEpoch
  if (epoch !== undefined) args.push('--build-arg', `SOURCE_DATE_EPOCH=${epoch}`)
  const stamped = (output: string): string =>
    epoch === undefined ? output : withRewriteTimestamp(output)
  for (const { key, value } of options.buildContexts)
    args.push('--build-context', `${key}=${value}`)
  // Secret values reach buildx only through files and environment variables, never argv.
  for (const { id, file } of run.secretFiles) args.push('--secret', secretSpec(id, 'src', file))
  for (const { key, value } of options.secretEnvs)
    args.push('--secret', secretSpec(key, 'env', value))
  for (const { key, value } of options.secretFiles)
    args.push('--secret', secretSpec(key, 'src', value))
  for (const ssh of options.ssh) args.push('--ssh', ssh)
  if (request.noCache) args.push('--no-cache')
  if (request.pull) args.push('--pull')
  if (options.network !== '') args.push('--network', options.network)
  for (const host of options.addHosts) args.push('--add-host', host)
  if (options.shmSize !== '') args.push('--shm-size', options.shmSize)
  for (const ulimit of options.ulimits) args.push('--ulimit', ulimit)
  args.push(...cacheArgs(request, options.driver, env))
  if (options.provenance !== '') args.push(`--provenance=${options.provenance}`)
  if (options.sbom !== '') args.push(`--sbom=${options.sbom}`)
  for (const output of options.outputs) args.push('--output', stamped(output))
  if (run.layoutDir !== undefined) {
    args.push(
      '--output',
      stamped(['type=oci', `dest=${run.layoutDir}`, 'tar=false'].map(csvField).join(','))
    )
  }
  // Last: BuildKit merges the exporters' answers in order, so the metadata names the push.
  if (run.pushTo !== undefined) {
    args.push('--output', pushByDigestOutput(run.pushTo, epoch !== undefined))
  }
  if (options.load) args.push('--load')
  args.push('--metadata-file', run.metadataFile, '--iidfile', run.iidFile)
  args.push(request.context)
  return args
}

/** The build context name under which the smoke test finds the image in an OCI layout. */
export const SMOKE_IMAGE_CONTEXT = 'smoke-image'

/** Where the smoke test's throwaway build takes the image from. */
export type SmokeBase =
  | { readonly kind: 'registry'; readonly reference: string }
  | { readonly kind: 'layout'; readonly dir: string; readonly digest: string }

/**
 * The smoke test's Dockerfile: run the command in the image and keep its output and exit
 * code as files, so a failing command still ends in a successful build that reports it.
 */
export function smokeDockerfile(base: SmokeBase): string {
  const from = base.kind === 'registry' ? base.reference : SMOKE_IMAGE_CONTEXT
  return [
    `FROM ${from} AS smoke`,
    'ARG SMOKE_COMMAND',
    'RUN sh -c "$SMOKE_COMMAND" > /.smoke-output 2>&1; echo $? > /.smoke-exit',
    'FROM scratch',
    'COPY --from=smoke /.smoke-output /.smoke-exit /',
    ''
  ].join('\n')
}

/** argv of the smoke test: one throwaway build of every platform, its files written to `outDir`. */
export function smokeBuildArgs(
  version: string,
  builder: string,
  platforms: readonly string[],
  base: SmokeBase,
  command: string,
  contextDir: string,
  outDir: string
): string[] {
  const args = ['buildx', 'build', '--builder', builder, '--progress', 'plain']
  args.push('--platform', platforms.join(','))
  args.push('--file', `${contextDir}/Dockerfile`)
  if (base.kind === 'layout') {
    args.push('--build-context', `${SMOKE_IMAGE_CONTEXT}=oci-layout://${base.dir}@${base.digest}`)
  }
  // Every run runs the command afresh: a cached result would report an old run.
  args.push('--no-cache', '--build-arg', `SMOKE_COMMAND=${command}`)
  // From 0.10 on, buildx adds provenance by default, and with it a file in the output.
  if (buildxAtLeast(version, '0.10.0')) args.push('--provenance=false')
  args.push('--output', `type=local,dest=${outDir}`, contextDir)
  return args
}
