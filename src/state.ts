import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { State } from './constants.js'
import { exec } from './exec.js'

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

/** The post step: remove what main created, and nothing else. */
export async function cleanup(): Promise<void> {
  const builder = core.getState(State.CreatedBuilder)
  if (builder !== '') {
    // Gone already when main finished normally; this is for a main step that died.
    await exec('docker', ['buildx', 'rm', builder], { silent: true, allowFailure: true }).catch(
      () => undefined
    )
  }
  const dir = core.getState(State.TempDir)
  if (dir !== '') {
    await rm(dir, { recursive: true, force: true })
    core.info(`removed ${dir}`)
  }
}
