/** The manifest list that names the platforms' images, their OCI export and the list's removal. */
import { exec } from '../../exec.js'
import { buildahCreateListArgs, buildahExportArgs } from './argv.js'

/**
 * The list `manifestList` over the platforms' images, in the order given (each entry's
 * platform is its image's); its id.
 */
export async function createList(
  manifestList: string,
  imageIds: readonly string[]
): Promise<string> {
  const result = await exec('buildah', buildahCreateListArgs(manifestList, imageIds), {
    silent: true
  })
  return result.stdout.trim().split('\n').at(-1) ?? ''
}

/** Write one image to an OCI layout folder of its own (joinLayouts() gathers them). */
export async function exportImage(imageId: string, layoutDir: string): Promise<void> {
  await exec('buildah', buildahExportArgs(imageId, layoutDir), { silent: true })
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
