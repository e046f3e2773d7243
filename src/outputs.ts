import * as core from '@actions/core'
import { Output } from './constants.js'

export type Outputs = Partial<Record<Output, string>>

/**
 * Write every output at once, at the very end, so a failed step writes none.
 * `core.setOutput` uses a random heredoc delimiter, so values cannot forge extra lines.
 */
export function writeOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs) as [string, string | undefined][]) {
    if (value !== undefined) core.setOutput(name, value)
  }
}
