import type { BuildSecret, CacheSpec, KeyValue } from '../inputs.js'
import type { PlannedPlatform } from '../plan.js'
import type { ImageReference } from '../reference.js'
import type { Credentials } from '../registry/credentials.js'

/** Everything an engine needs to build; the same for every engine. */
export interface BuildRequest {
  readonly platforms: readonly PlannedPlatform[]
  readonly context: string
  readonly file: string
  readonly tags: readonly ImageReference[]
  readonly labels: readonly KeyValue[]
  readonly annotations: readonly KeyValue[]
  readonly buildArgs: readonly KeyValue[]
  readonly secrets: readonly BuildSecret[]
  readonly target: string
  readonly noCache: boolean
  readonly pull: boolean
  readonly push: boolean
  readonly cacheFrom: readonly CacheSpec[]
  readonly cacheTo: readonly CacheSpec[]
  /** Per registry host, for login. */
  readonly logins: readonly { readonly registry: string; readonly credentials: Credentials }[]
  /** Private temp folder (0700) for auth and secret files. */
  readonly tempDir: string
}

export interface PlatformBuild {
  readonly platform: string
  readonly seconds: number
  /** Steps the engine took from its cache. */
  readonly cacheHits: number
}

export interface BuildResult {
  /** Tags the engine pushed itself, in input order. */
  readonly pushed: readonly ImageReference[]
  /**
   * An OCI layout holding the result, for the orchestrator to push by digest, check and
   * only then tag. Engines that push themselves leave it out.
   */
  readonly layout?: string
  /** The engine's id of the local result (manifest list or image). */
  readonly imageId: string
  readonly builds: readonly PlatformBuild[]
  /** Engine facts for the `metadata` output. */
  readonly metadata: Readonly<Record<string, unknown>>
}

export interface SmokeResult {
  readonly exitCode: number
  /** stdout and stderr together, trimmed. */
  readonly output: string
  readonly seconds: number
}

export interface Engine {
  readonly name: 'buildah' | 'buildx'
  build(request: BuildRequest): Promise<BuildResult>
  /** Run a command in the built image of one platform, before anything is pushed. */
  smokeTest?(platform: PlannedPlatform, command: string): Promise<SmokeResult>
  /** Remove what build() left in local storage. */
  dispose(): Promise<void>
}
