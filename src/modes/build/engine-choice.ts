import { BUILDX_ONLY_INPUTS } from '../../constants.js'
import { BuildahEngine } from '../../engines/buildah/engine.js'
import { BuildxEngine } from '../../engines/buildx/engine.js'
import type { Engine, Group } from '../../engines/engine.js'
import { ActionError, InputError } from '../../errors.js'
import { exec } from '../../exec.js'
import type { Inputs } from '../../inputs.js'

async function buildxWorks(): Promise<boolean> {
  const result = await exec('docker', ['buildx', 'version'], {
    silent: true,
    allowFailure: true
  }).catch(() => undefined)
  return result?.exitCode === 0
}

/**
 * Pick the engine: the one asked for, or for `auto` docker buildx where it works (the
 * engine people expect on GitHub's runners), else buildah.
 */
export async function selectEngine(inputs: Inputs, group: Group): Promise<Engine> {
  if (inputs.engine === 'buildx' || (inputs.engine === 'auto' && (await buildxWorks()))) {
    return new BuildxEngine(inputs.buildx, group)
  }
  const version = await BuildahEngine.detect()
  if (version === undefined) {
    throw new ActionError(
      inputs.engine === 'auto'
        ? 'engine `auto`: neither docker buildx nor buildah is installed'
        : 'engine `buildah`: buildah is not installed',
      'Install one of them (apt-get install buildah) before this step'
    )
  }
  refuseBuildxOnlyInputs(inputs)
  return new BuildahEngine(version, group)
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
