import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { State } from './constants.js'

/**
 * A private folder for this run's temporary files (auth file, build secrets), mode 0700.
 * Its path goes into the step state so the post step removes it even when main failed.
 */
export async function runTempDir(): Promise<string> {
  const base = process.env.RUNNER_TEMP ?? tmpdir()
  const dir = await mkdtemp(path.join(base, 'multiarch-'))
  core.saveState(State.TempDir, dir)
  return dir
}

/** The post step: remove what main created. */
export async function cleanup(): Promise<void> {
  const dir = core.getState(State.TempDir)
  if (dir !== '') {
    await rm(dir, { recursive: true, force: true })
    core.info(`removed ${dir}`)
  }
}
