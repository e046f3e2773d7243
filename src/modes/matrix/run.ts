import * as core from '@actions/core'
import { Output } from '../../constants.js'
import type { Inputs } from '../../inputs.js'
import { writeOutputs } from '../../outputs.js'
import { planMatrix } from '../../plan.js'
import { writeMatrixSummary } from '../../summary.js'

/** `mode: matrix`: one leg per platform on the runner that runs it natively; nothing is built. */
export async function runMatrix(inputs: Inputs): Promise<void> {
  const matrix = planMatrix(inputs.platforms, inputs.runners, {
    arm32: inputs.nativeArm32,
    runnerSets: inputs.runnerSets
  })
  await core.group('Plan the build matrix', () => {
    for (const leg of matrix.include) {
      core.info(
        `${leg.platform}: ${leg.runner}${leg.emulated ? ' (emulated)' : leg.probe ? ' (native if the runner runs 32-bit Arm; the leg checks)' : ' (native)'}`
      )
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
