import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import { cleanup } from './state.js'

/** The post step: remove what the main step created, even when it failed. */
async function runPost(): Promise<void> {
  try {
    await cleanup()
  } catch (error) {
    // Cleanup trouble must not hide the main step's result; say it and move on.
    core.warning(`cleanup: ${errorMessage(error)}`)
  }
}

void runPost()
