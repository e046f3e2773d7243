import { ActionError } from '../errors.js'
import { exec } from '../exec.js'
import type { EngineChoice } from '../inputs.js'
import { BuildahEngine } from './buildah.js'
import type { Engine } from './engine.js'

/** Pick the engine: the one asked for, or for `auto` the first one installed. */
export async function selectEngine(choice: EngineChoice): Promise<Engine> {
  const buildah = new BuildahEngine()
  const found = await exec('buildah', ['--version'], { silent: true, allowFailure: true }).catch(
    () => undefined
  )
  if (found === undefined || found.exitCode !== 0) {
    throw new ActionError(
      `engine \`${choice}\`: buildah is not installed`,
      'Install it (apt-get install buildah) before this step'
    )
  }
  return buildah
}
