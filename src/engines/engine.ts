import type { Annotation } from '../annotations.js'
import type { PlannedPlatform } from '../plan.js'
import type { Platform } from '../platform.js'
import type { ImageReference } from '../reference.js'
import type { Credentials } from '../registry/credentials.js'
import type { BuildSecret, CacheSpec, KeyValue } from '../values.js'

/** Runs `work` inside one collapsible log section; the mode decides how sections look. */
export type Group = <T>(name: string, work: () => Promise<T>) => Promise<T>

/** Everything an engine needs to build; the same for every engine. */
export interface BuildRequest {
  readonly platforms: readonly PlannedPlatform[]
  readonly context: string
  readonly file: string
  /** Where the image will be tagged; an engine pushes into the first one's repository by digest only. */
  readonly tags: readonly ImageReference[]
  readonly labels: readonly KeyValue[]
  /** Each at its level; an engine refuses (never drops) a level it cannot write. */
  readonly annotations: readonly Annotation[]
  readonly buildArgs: readonly KeyValue[]
  readonly secrets: readonly BuildSecret[]
  readonly target: string
  readonly noCache: boolean
  readonly pull: boolean
  /** Hand the result over for a push: pushed by digest, or as an OCI layout the action pushes. */
  readonly push: boolean
  /** Without a push, still leave the result where the checks can read it (an OCI layout). */
  readonly keepForChecks: boolean
  readonly cacheFrom: readonly CacheSpec[]
  readonly cacheTo: readonly CacheSpec[]
  /** Per registry host, for login. */
  readonly logins: readonly { readonly registry: string; readonly credentials: Credentials }[]
  /** Private temp folder (0700) for auth and secret files. */
  readonly tempDir: string
  /** How many platforms build at once (buildah; a created BuildKit builder's worker limit). */
  readonly maxParallelism: number
  /**
   * Unix time stamped on the images' created time, history and every layer file, for
   * reproducible digests; undefined: the engine's own (now).
   */
  readonly sourceDateEpoch: number | undefined
  /** The machine the build runs on: what `$BUILDPLATFORM` names. */
  readonly buildPlatform: Platform
  /**
   * An engine that writes each platform's image to an OCI layout of its own before the whole
   * result is ready hands each folder here as it is written, so the checks can start on it;
   * the engine moves none of that folder's files before the returned promise settles.
   */
  readonly onPlatformLayout?: (platform: PlannedPlatform, dir: string) => Promise<void>
}

export interface PlatformBuild {
  readonly platform: string
  readonly seconds: number
  /** Steps the engine took from its cache. */
  readonly cacheHits: number
}

/** Where the built image is, for the checks and the push. No engine ever names a tag. */
export type BuiltImage =
  /** An OCI layout on disk; `temporary` ones are the action's to remove. */
  | { readonly kind: 'layout'; readonly dir: string; readonly temporary: boolean }
  /** Pushed by digest into one repository, untagged. */
  | {
      readonly kind: 'registry'
      readonly registry: string
      readonly repository: string
      readonly digest: string
      /**
       * An OCI layout the engine wrote in the same build as the push: blobs and manifests the
       * checks may read from disk by digest instead of from the registry. The engine removes it.
       */
      readonly localCopy?: string
    }
  /** Nowhere the action can read it (a builder's cache, the docker image store, plain files). */
  | { readonly kind: 'unavailable'; readonly reason: string }

export interface BuildResult {
  readonly image: BuiltImage
  /** The engine's id of the local result (manifest list or image). */
  readonly imageId: string
  readonly builds: readonly PlatformBuild[]
  /** Engine facts for the `metadata` output. */
  readonly metadata: Readonly<Record<string, unknown>>
  /** What the engine's own metadata says that build-push-action's `metadata` carries too. */
  readonly dockerKeys?: Readonly<Record<string, unknown>>
  /** Lines for the job summary, each also in the log (the cache a build read and wrote, reproducibility). */
  readonly notes?: readonly string[]
}

export interface SmokeResult {
  readonly platform: string
  readonly exitCode: number
  /** stdout and stderr together, trimmed. */
  readonly output: string
  readonly seconds: number
}

export interface Engine {
  readonly name: 'buildah' | 'buildx'
  /** The engine's version once known (buildx: after prepare() found or installed it); '' before. */
  readonly version: string
  /** Ready the engine (version, builder, logins) and log what was created or reused. */
  prepare(request: BuildRequest): Promise<void>
  build(request: BuildRequest): Promise<BuildResult>
  /** Run a command in each platform's image of the result, before any tag moves. */
  smokeTest(
    platforms: readonly PlannedPlatform[],
    command: string,
    image: BuiltImage
  ): Promise<SmokeResult[]>
  /** Remove what prepare() and build() left behind; safe to call more than once. */
  dispose(): Promise<void>
}
