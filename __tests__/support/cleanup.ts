/**
 * Setup file of the suites that run dist/: when a test file ends, the folders its steps and
 * its tests made go (the runner's files, RUNNER_TEMP, build contexts, upload payloads).
 */
import { afterAll } from 'vitest'
import { removeStepFolders } from '../../harness/runner.mjs'
import { removeScratch } from './scratch.js'

afterAll(() => {
  removeStepFolders()
  removeScratch()
})
