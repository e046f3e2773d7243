import { ActionError } from '../errors.js'
import { exec } from '../exec.js'
import type { Inputs } from '../inputs.js'
import { BuildahEngine } from './buildah.js'
import { BuildxEngine } from './buildx.js'
import type { Engine } from './engine.js'

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
export async function selectEngine(inputs: Inputs): Promise<Engine> {
  if (inputs.engine === 'buildx' || (inputs.engine === 'auto' && (await buildxWorks()))) {
    return new BuildxEngine(inputs.buildx)
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
  return new BuildahEngine(version)
}
