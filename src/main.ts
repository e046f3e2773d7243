import * as core from '@actions/core'
import { runBuild } from './build.js'
import { runMergeMode } from './merge/mode.js'
import { handleCancellation } from './cancel.js'
import { Output, State } from './constants.js'
import { errorMessage } from './errors.js'
import { type Inputs, readInputs } from './inputs.js'
import { writeOutputs } from './outputs.js'
import { hostPlatform } from './platform.js'
import { planMatrix } from './plan.js'
import { writeMatrixSummary } from './summary.js'

export async function run(): Promise<void> {
  handleCancellation()
  try {
    core.saveState(State.IsPost, 'true')
    const inputs = readInputs(core)
    if (inputs.mode === 'matrix') {
      await runMatrix(inputs)
    } else if (inputs.mode === 'merge') {
      await runMergeMode(inputs)
    } else {
      await runBuild(inputs, hostPlatform(process.arch))
    }
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

async function runMatrix(inputs: Inputs): Promise<void> {
  const matrix = planMatrix(inputs.platforms, inputs.runners, {
    arm32OnArm64: inputs.nativeArm32
  })
  await core.group('Plan the build matrix', () => {
    for (const leg of matrix.include) {
      core.info(`${leg.platform}: ${leg.runner}${leg.emulated ? ' (emulated)' : ' (native)'}`)
    }
    return Promise.resolve()
  })
  await writeMatrixSummary(matrix)
  writeOutputs({
    [Output.Matrix]: JSON.stringify(matrix),
    [Output.Emulated]: matrix.include
      .filter(leg => leg.emulated)
      .map(leg => leg.platform)
      .join(',')
  })
}
