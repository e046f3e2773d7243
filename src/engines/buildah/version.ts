/**
 * What the installed buildah gets right by itself, from the version it reports. Both faults
 * that need the pins (pins.ts) are fixed in 1.40.0:
 * - a stage's platform carried over to the next stages of one build: fixed by "stage_executor:
 *   reset platform in systemcontext for stages" (commit 022ff233f, PR containers/buildah#5971,
 *   issue #5968);
 * - libimage (containers/common) looked a pulled image up again by name after the pull, so a
 *   pull of the same name for another platform beside it could hand a build the wrong image
 *   or none: containers/common dbeb17e40c80 returns the images the copy stored instead,
 *   vendored by buildah commit 2029431a2.
 * Measured on this project's lab: four `buildah build --pull=missing --platform P` processes
 * side by side with `COPY --from=<image>`, empty store each round, built right 5 of 5 rounds
 * with 1.41.7 (and so did 1.28.2 and 1.33.7 there; the race is rare, the pins make it
 * impossible). The 1.41.0 fix that checks a cached layer's platform ("stage_executor: check
 * platform of cache candidates", commit 350288967, PR #6269) concerns stages built FROM
 * scratch, whose cache keys are the same for every platform: ids cannot tell those apart, so
 * no pin helps there, and raw buildah shares that fault.
 */
export const PINS_UNNEEDED_FROM: readonly [number, number, number] = [1, 40, 0]

/** `1.28.2` as numbers; undefined for text that is no version. */
export function parseBuildahVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim())
  if (match === null) return undefined
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
}

/**
 * Whether the action pins image references: before 1.40 (or for a version it cannot read),
 * when platforms build side by side or a FROM names a platform.
 */
export function needsPins(version: string, sideBySide: boolean, platformFlags: boolean): boolean {
  if (!sideBySide && !platformFlags) return false
  const parsed = parseBuildahVersion(version)
  if (parsed === undefined) return true
  for (let index = 0; index < 3; index++) {
    const difference = (parsed[index] ?? 0) - (PINS_UNNEEDED_FROM[index] ?? 0)
    if (difference !== 0) return difference < 0
  }
  return false
}
