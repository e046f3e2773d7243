/** The manifest list that gathers the platforms' images, its OCI export and its removal. */
import { exec } from '../../exec.js'
import type { PlannedPlatform } from '../../plan.js'
import { buildahExportArgs, buildahManifestAddArgs } from './argv.js'

/**
 * Create `manifestList` now and add each platform's image, in the order given, as soon as
 * it is ready: the list is complete moments after the last build, not a round of commands
 * later. Resolves when every image is in; rejects (and stops adding) once `ready` does.
 */
export async function fillList(
  manifestList: string,
  platforms: readonly PlannedPlatform[],
  ready: (platform: PlannedPlatform) => Promise<string>
): Promise<void> {
  await exec('buildah', ['manifest', 'create', manifestList], { silent: true })
  // One list file: each add rewrites it, so they run one after another.
  for (const platform of platforms) {
    const id = await ready(platform)
    await exec('buildah', buildahManifestAddArgs(manifestList, platform, id), { silent: true })
  }
}

/** Write the list and every image in it to an OCI layout folder. */
export async function exportList(manifestList: string, layoutDir: string): Promise<void> {
  await exec('buildah', buildahExportArgs(manifestList, layoutDir), { silent: true })
}

/** The list's image id, for the outputs. */
export async function listId(manifestList: string): Promise<string> {
  const result = await exec(
    'buildah',
    ['images', '--noheading', '--no-trunc', '--format', '{{.ID}}', manifestList],
    { silent: true, allowFailure: true }
  )
  return result.stdout.trim().split('\n')[0] ?? ''
}

export async function removeList(manifestList: string): Promise<void> {
  const removed = await exec('buildah', ['manifest', 'rm', manifestList], {
    silent: true,
    allowFailure: true
  })
  // A build killed mid-way can leave a list that `manifest rm` cannot read, and a list
  // like that breaks every later `buildah images` on the runner: remove it by force.
  if (removed.exitCode !== 0) {
    await exec('buildah', ['rmi', '--force', manifestList], { silent: true, allowFailure: true })
  }
}
