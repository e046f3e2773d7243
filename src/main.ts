import { handleCancellation } from './cancel.js'
import { errorMessage } from './errors.js'
import { readInputs } from './inputs.js'
import { hostPlatform } from './platform.js'
import * as core from '@actions/core'
import { markMainStarted } from './state.js'

/**
 * Read the inputs once and hand them to their mode; any failure fails the step. Each mode's
 * code loads only when it runs, so a matrix run never parses the engines or the registry client.
 */
export async function run(): Promise<void> {
  handleCancellation()
  try {
    markMainStarted()
    // Two functions, not the namespace: handing over all of @actions/core would keep every
    // export alive in the bundle, its OIDC client and HTTP stack included.
    const inputs = readInputs({ getInput: core.getInput, getBooleanInput: core.getBooleanInput })
    if (inputs.mode === 'matrix') {
      const { runMatrix } = await import('./modes/matrix/run.js')
      await runMatrix(inputs)
    } else if (inputs.mode === 'merge') {
      const { runMergeMode } = await import('./modes/merge/run.js')
      await runMergeMode(inputs)
    } else {
      const { runBuild } = await import('./modes/build/run.js')
      await runBuild(inputs, hostPlatform(process.arch))
    }
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
