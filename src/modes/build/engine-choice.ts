import * as core from '@actions/core'
import { BUILDX_ONLY_INPUTS } from '../../constants.js'
import { BuildahEngine } from '../../engines/buildah/engine.js'
import { BuildxEngine } from '../../engines/buildx/engine.js'
import { parseBuildxVersion } from '../../engines/buildx/install.js'
import type { Engine, Group } from '../../engines/engine.js'
import { ActionError, InputError, errorMessage } from '../../errors.js'
import { commandLine, exec, execStreaming } from '../../exec.js'
import type { EngineChoice, Inputs } from '../../inputs.js'

/** What the choice of engine depends on, gathered before anything runs. */
export interface EngineFacts {
  readonly requested: EngineChoice
  /**
   * Why buildx needs no local Docker daemon, when it does not: `builder \`x\``,
   * `endpoint \`tcp://...\``, `driver kubernetes`; undefined: it builds through the daemon.
   */
  readonly elsewhere: string | undefined
  /**
   * `docker buildx version` answered with this version ('' when it printed none); undefined:
   * no plugin, or not asked (only `auto` needs it to choose; with `engine: buildx` the engine
   * learns its version beside its own first steps, and installs a missing plugin).
   */
  readonly buildx: string | undefined
  /** The Docker daemon: its version, or why it did not answer. */
  readonly daemon:
    | { readonly up: true; readonly version: string }
    | { readonly up: false; readonly reason: string }
  /** `buildah --version`; undefined: not installed, or it would not run (see buildahProblem). */
  readonly buildah: string | undefined
  /** Why an installed buildah would not run, where it would not. */
  readonly buildahProblem?: string
}

/** Why buildah cannot build: not there, or there and not running. */
function buildahMissing(facts: EngineFacts): string {
  return facts.buildahProblem === undefined
    ? 'buildah is not installed'
    : `buildah is installed but does not run (${facts.buildahProblem})`
}

export type EngineDecision =
  | { readonly engine: 'buildx' | 'buildah'; readonly reason: string; readonly passedOver?: string }
  | { readonly engine: undefined; readonly problem: string; readonly fix: string }

const WAYS_OUT =
  'set `builder` (an existing builder) or `endpoint` (a BuildKit daemon elsewhere), start Docker before this step, or use `engine: buildah` with buildah installed (apt-get install buildah)'

/** Why buildx cannot build here, or undefined when it can. */
function buildxBlocked(facts: EngineFacts, needPlugin: boolean): string | undefined {
  if (needPlugin && facts.buildx === undefined) return 'docker buildx is not installed'
  if (facts.elsewhere !== undefined) return undefined
  if (facts.daemon.up) return undefined
  return `the Docker daemon does not answer (${facts.daemon.reason}) and neither \`builder\` nor \`endpoint\` names a builder elsewhere`
}

function buildxReason(facts: EngineFacts): string {
  if (facts.elsewhere !== undefined) return `${facts.elsewhere} is given`
  return facts.daemon.up ? `the Docker daemon ${facts.daemon.version} answers` : ''
}

/**
 * Which engine builds: pure, facts in, a choice and its reason out. `auto` takes buildx only
 * where it can build (a builder elsewhere, or a daemon that answers), else buildah, else nothing;
 * a refusal comes before QEMU or anything else is touched.
 */
export function decideEngine(facts: EngineFacts): EngineDecision {
  switch (facts.requested) {
    case 'buildah':
      return facts.buildah === undefined
        ? {
            engine: undefined,
            problem: `engine \`buildah\`: ${buildahMissing(facts)}`,
            fix:
              facts.buildahProblem === undefined
                ? 'Install it (apt-get install buildah) before this step, or use `engine: auto`'
                : "Let it run for the runner's user (its storage configuration and folders must be readable), or use `engine: auto`"
          }
        : { engine: 'buildah', reason: 'asked for with `engine: buildah`' }
    case 'buildx': {
      // An explicit buildx may install its plugin; it still needs somewhere to build.
      const blocked = buildxBlocked(facts, false)
      if (blocked === undefined) {
        return {
          engine: 'buildx',
          reason: `asked for with \`engine: buildx\`; ${buildxReason(facts)}`
        }
      }
      return {
        engine: undefined,
        problem: `engine \`buildx\` cannot build here: ${blocked}`,
        fix: `Nothing was set up. To build, ${WAYS_OUT}${facts.buildah === undefined ? '' : ' (buildah is installed here)'}`
      }
    }
    case 'auto': {
      const blocked = buildxBlocked(facts, true)
      if (blocked === undefined) {
        return { engine: 'buildx', reason: `\`engine: auto\`: ${buildxReason(facts)}` }
      }
      if (facts.buildah !== undefined) {
        return {
          engine: 'buildah',
          reason: `\`engine: auto\`: buildah ${facts.buildah} is installed`,
          passedOver: blocked
        }
      }
      return {
        engine: undefined,
        problem: `engine \`auto\` found no engine that can build here: ${blocked}, and ${buildahMissing(facts)}`,
        fix: `Nothing was set up. To build, ${WAYS_OUT}`
      }
    }
  }
}

/** How long the daemon has to answer: a daemon that is up answers in well under a second. */
const DAEMON_TIMEOUT_MS = 5000

/** Whether the Docker daemon the CLI is pointed at (DOCKER_HOST, the context) answers, bounded in time. */
export async function probeDaemon(
  timeoutMs: number = DAEMON_TIMEOUT_MS
): Promise<EngineFacts['daemon']> {
  const args = ['version', '--format', '{{.Server.Version}}']
  try {
    const result = await execStreaming('docker', args, {
      onLine: () => undefined,
      signal: AbortSignal.timeout(timeoutMs)
    })
    const version = result.stdout.trim()
    if (result.exitCode === 0 && version !== '') return { up: true, version }
    const said = result.stderr.trim().split('\n').at(-1) ?? ''
    return {
      up: false,
      reason:
        result.exitCode === 143 || result.exitCode === 137
          ? `\`${commandLine('docker', args)}\` gave no answer in ${timeoutMs / 1000} s`
          : `\`${commandLine('docker', args)}\` exited with code ${result.exitCode}${said === '' ? '' : `: ${said}`}`
    }
  } catch (error) {
    return { up: false, reason: `the docker CLI did not run (${errorMessage(error)})` }
  }
}

/** `docker buildx version` answers: its version ('' when unreadable); undefined when it does not. */
async function buildxPlugin(): Promise<string | undefined> {
  const result = await exec('docker', ['buildx', 'version'], {
    silent: true,
    allowFailure: true
  }).catch(() => undefined)
  if (result?.exitCode !== 0) return undefined
  return parseBuildxVersion(result.stdout) ?? ''
}

async function gatherFacts(inputs: Inputs): Promise<EngineFacts> {
  const { builder, endpoint, driver } = inputs.buildx
  const elsewhere =
    builder !== ''
      ? `builder \`${builder}\``
      : endpoint !== '' && driver !== 'docker'
        ? `endpoint \`${endpoint}\``
        : driver === 'kubernetes'
          ? 'driver `kubernetes`'
          : undefined
  const wantsBuildx = inputs.engine !== 'buildah'
  const [buildx, daemon, buildah] = await Promise.all([
    // A docker CLI and plugin start, a fifth of a second: only where it decides something.
    inputs.engine === 'auto' ? buildxPlugin() : undefined,
    wantsBuildx && elsewhere === undefined
      ? probeDaemon()
      : ({ up: false, reason: 'not asked' } as const),
    inputs.engine === 'buildx' ? undefined : BuildahEngine.detect()
  ])
  return {
    requested: inputs.engine,
    elsewhere,
    buildx,
    daemon,
    buildah: typeof buildah === 'string' ? buildah : undefined,
    ...(typeof buildah === 'object' ? { buildahProblem: buildah.problem } : {})
  }
}

/**
 * Pick the engine before anything is set up: the decision above, on facts read from this
 * runner. A refusal names the ways out; choosing buildah under `auto` says why buildx was not.
 */
export async function selectEngine(inputs: Inputs, group: Group): Promise<Engine> {
  const facts = await gatherFacts(inputs)
  core.debug(`engine facts: ${JSON.stringify(facts)}`)
  const decision = decideEngine(facts)
  if (decision.engine === undefined) throw new ActionError(decision.problem, decision.fix)
  core.debug(`engine ${decision.engine}: ${decision.reason}`)
  if (decision.engine === 'buildx') return new BuildxEngine(inputs.buildx, group)
  if (decision.passedOver !== undefined) {
    core.info(
      `building with buildah ${facts.buildah ?? ''}: buildx was passed over because ${decision.passedOver}`
    )
  }
  refuseBuildxOnlyInputs(inputs)
  return new BuildahEngine(facts.buildah ?? 'unknown', group)
}

/** A buildx-only input that buildah would silently ignore is refused by name instead. */
function refuseBuildxOnlyInputs(inputs: Inputs): void {
  const ignored = inputs.customised.filter(name => BUILDX_ONLY_INPUTS.includes(name))
  const [first] = ignored
  if (first !== undefined) {
    throw new InputError(
      first,
      'is honoured by the buildx engine only, and this step builds with buildah',
      'Set `engine: buildx` on a runner with docker buildx, or remove the input'
    )
  }
}
