/**
 * Value types shared by the inputs and the engines: the inputs produce them, the engines
 * consume them, and neither imports the other.
 */

export interface KeyValue {
  readonly key: string
  readonly value: string
}

export interface BuildSecret {
  readonly id: string
  readonly value: string
}

/** A `cache-from`/`cache-to` entry in buildx CSV form (`type=registry,ref=...`). */
export interface CacheSpec {
  readonly type: string
  readonly attributes: Readonly<Record<string, string>>
}

export const DRIVERS = ['docker', 'docker-container', 'kubernetes', 'remote'] as const

/** What `buildx-version` takes, for the errors that refuse what it was given. */
export const BUILDX_VERSION_FORMS =
  'Valid: latest, an exact version (0.17.1) or a semver range (^0.17, >=0.13 <1)'
export type BuildxDriver = (typeof DRIVERS)[number]

/** One `append` line, parsed. */
export interface AppendNode {
  /** Canonical platform names the node builds. */
  readonly platforms: readonly string[]
  /** Docker context, `tcp://`, `ssh://` or `unix://` address; empty: the driver's default. */
  readonly endpoint: string
  readonly driverOpts: readonly string[]
}

/** What the buildx engine needs beyond the shared BuildRequest; one field per action input. */
export interface BuildxOptions {
  /** `buildx-version`: `latest`, an exact version or a semver range; empty: the installed one. */
  readonly version: string
  /** `github-token`: for the release lookup behind `buildx-version`; empty: anonymous. */
  readonly githubToken: string
  readonly driver: BuildxDriver
  /** `driver-opts`: one `key=value` per item, passed as `--driver-opt`. */
  readonly driverOpts: readonly string[]
  /** `buildkitd-config-inline`: buildkitd.toml content; empty: none. */
  readonly buildkitdConfigInline: string
  /** `max-parallelism` when given: the worker limit of a builder this step creates. */
  readonly workerParallelism: number | undefined
  /** `endpoint`: docker context or address of the first node (needed by driver `remote`). */
  readonly endpoint: string
  /** `builder-name`: name of the builder to create; empty: a generated one. */
  readonly builderName: string
  /** `builder`: an existing builder to use as it is; nothing is created or removed. */
  readonly builder: string
  /** `append`: extra nodes of the builder, parsed. */
  readonly append: readonly AppendNode[]
  /** `build-contexts`: `name=value`. */
  readonly buildContexts: readonly KeyValue[]
  /** `secret-envs`: secret id = environment variable name. */
  readonly secretEnvs: readonly KeyValue[]
  /** `secret-files`: secret id = file path. */
  readonly secretFiles: readonly KeyValue[]
  /** `ssh`: `default` or `id=path[,path]`. */
  readonly ssh: readonly string[]
  readonly network: string
  /** `add-hosts`: `host:ip`. */
  readonly addHosts: readonly string[]
  readonly shmSize: string
  /** `ulimit`: `type=soft:hard`. */
  readonly ulimits: readonly string[]
  /** `provenance`: `false`, `true`, `mode=max`...; empty: buildx's default. */
  readonly provenance: string
  /** `sbom`: `false`, `true`, `generator=...`; empty: buildx's default. */
  readonly sbom: string
  /** `outputs`: buildx `--output` CSV entries. */
  readonly outputs: readonly string[]
  readonly load: boolean
}

/** `native-arm32`: probe the arm64 runner, or take it as known. */
export const ARM32_CHOICES = ['auto', 'true', 'false'] as const
export type Arm32Choice = (typeof ARM32_CHOICES)[number]

/** `runner-sets`: families of native runners beyond GitHub's own. */
export const RUNNER_SET_NAMES = ['ibm', 'rise'] as const
export type RunnerSet = (typeof RUNNER_SET_NAMES)[number]

export interface RunnerMap {
  /** Runner label per canonical platform (`linux/arm64` -> `my-arm-runner`). */
  readonly byPlatform: Readonly<Record<string, string>>
  /** Label for platforms with no entry and no native runner in the default map. */
  readonly fallback: string | undefined
}

/** The fields of a buildx `--output` entry (`type=oci,dest=out,tar=false`), keys lower-cased. */
export function parseOutputSpec(text: string): ReadonlyMap<string, string> {
  const fields = new Map<string, string>()
  for (const field of text.split(',')) {
    const equals = field.indexOf('=')
    if (equals === -1) {
      // buildx's short form: `--output DIR` means type=local,dest=DIR.
      if (fields.size === 0 && field.trim() !== '') {
        fields.set('type', field.trim() === '-' ? 'tar' : 'local')
        fields.set('dest', field.trim())
      }
      continue
    }
    fields.set(field.slice(0, equals).trim().toLowerCase(), field.slice(equals + 1).trim())
  }
  return fields
}
