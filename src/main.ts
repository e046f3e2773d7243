import * as core from '@actions/core'
import { handleCancellation } from './cancel.js'
import { errorMessage } from './errors.js'
import { readInputs } from './inputs.js'
import { runBuild } from './modes/build/run.js'
import { runMatrix } from './modes/matrix/run.js'
import { runMergeMode } from './modes/merge/run.js'
import { hostPlatform } from './platform.js'
import { markMainStarted } from './state.js'

/** Read the inputs once and hand them to their mode; any failure fails the step. */
export async function run(): Promise<void> {
  handleCancellation()
  try {
    markMainStarted()
    const inputs = readInputs(core)
    if (inputs.mode === 'matrix') await runMatrix(inputs)
    else if (inputs.mode === 'merge') await runMergeMode(inputs)
    else await runBuild(inputs, hostPlatform(process.arch))
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
