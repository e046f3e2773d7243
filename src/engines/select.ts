import { ActionError } from '../errors.js'
import type { EngineChoice } from '../inputs.js'
import { BuildahEngine } from './buildah.js'
import type { Engine } from './engine.js'

/** Pick the engine: the one asked for, or for `auto` the first one installed. */
export async function selectEngine(choice: EngineChoice): Promise<Engine> {
  const version = await BuildahEngine.detect()
  if (version === undefined) {
    throw new ActionError(
      `engine \`${choice}\`: buildah is not installed`,
      'Install it (apt-get install buildah) before this step'
    )
  }
  return new BuildahEngine(version)
}
