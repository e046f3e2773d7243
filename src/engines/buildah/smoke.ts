/** The smoke test: a command in a container of each platform's image, under QEMU where foreign. */
import { ActionError } from '../../errors.js'
import { exec } from '../../exec.js'
import type { PlannedPlatform } from '../../plan.js'
import type { SmokeResult } from '../engine.js'

export async function smokeTest(
  platforms: readonly PlannedPlatform[],
  images: ReadonlyMap<string, string>,
  command: string
): Promise<SmokeResult[]> {
  const results: SmokeResult[] = []
  for (const platform of platforms) {
    const image = images.get(platform.name)
    if (image === undefined) throw new ActionError(`${platform.name} has no image to smoke-test`)
    results.push(await smokeTestOne(platform, image, command))
  }
  return results
}

async function smokeTestOne(
  platform: PlannedPlatform,
  image: string,
  command: string
): Promise<SmokeResult> {
  const started = performance.now()
  const container = (
    await exec('buildah', ['from', '--pull=never', '--platform', platform.name, image], {
      silent: true
    })
  ).stdout.trim()
  try {
    const result = await exec('buildah', ['run', container, '--', 'sh', '-c', command], {
      silent: true,
      allowFailure: true
    })
    return {
      platform: platform.name,
      exitCode: result.exitCode,
      output: `${result.stdout}${result.stderr}`.trim(),
      seconds: (performance.now() - started) / 1000
    }
  } finally {
    await exec('buildah', ['rm', container], { silent: true, allowFailure: true })
  }
}
