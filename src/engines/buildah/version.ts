/**
 * What the installed buildah gets right by itself, from the version it reports.
 *
 * Pinning every image reference by id (pins.ts) is needed before 1.40.0, which fixed both
 * faults that make platforms built side by side take each other's images:
 * - a stage's platform carried over to the next stages of one build: fixed by "stage_executor:
 *   reset platform in systemcontext for stages" (commit 022ff233f, PR containers/buildah#5971,
 *   issue #5968), first released in 1.40.0;
 * - libimage (containers/common) looked a pulled image up again by name after the pull, so a
 *   pull of the same name for another platform could hand a build the wrong image or none:
 *   containers/common dbeb17e40c80 returns the images the copy stored instead, vendored by
 *   buildah commit 2029431a2, first released in 1.40.0.
 * The 1.41.0 fix that checks a cached layer's platform ("stage_executor: check platform of
 * cache candidates", commit 350288967, PR #6269) concerns stages built FROM scratch, whose
 * cache keys are the same for every platform; ids cannot tell those apart, so no pin helps
 * there, and raw buildah shares that fault.
 */
export const PINS_UNNEEDED_FROM: readonly [number, number, number] = [1, 40, 0]

/** `1.28.2` as numbers; undefined for text that is no version. */
export function parseBuildahVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim())
  if (match === null) return undefined
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
}

/** Whether this buildah needs the action to pin image references (unknown versions do). */
export function needsPins(version: string): boolean {
  const parsed = parseBuildahVersion(version)
  if (parsed === undefined) return true
  for (let index = 0; index < 3; index++) {
    const difference = (parsed[index] ?? 0) - (PINS_UNNEEDED_FROM[index] ?? 0)
    if (difference !== 0) return difference < 0
  }
  return false
}
