/**
 * Folders a test makes for itself, removed when its file ends (see cleanup.ts): build
 * contexts inside the workspace (where actions/checkout leaves one; GITHUB_WORKSPACE is the
 * repository) and scratch space elsewhere.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from '../../harness/runner.mjs'

const made = new Set<string>()

/** A new folder under the workspace's `.cache/`. */
export function workspaceScratch(prefix: string): string {
  mkdirSync(path.join(ROOT, '.cache'), { recursive: true })
  const dir = mkdtempSync(path.join(ROOT, '.cache', prefix))
  made.add(dir)
  return dir
}

/** A new folder under the temporary directory. */
export function tmpScratch(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  made.add(dir)
  return dir
}

export function removeScratch(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
  made.clear()
}
