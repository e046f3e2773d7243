/**
 * What the installed buildah gets right by itself, from the version it reports.
 *
 * One fault is fixed upstream: a stage's platform carried over to the next stages of one
 * build ("stage_executor: reset platform in systemcontext for stages", commit 022ff233f,
 * PR containers/buildah#5971, issue #5968, first released in 1.40.0). Before 1.40 a
 * Dockerfile with a FROM that names a platform needs every FROM pinned even when the
 * platforms build one at a time.
 *
 * The other is not, for builds in separate processes: a pull for one platform moves the
 * image's name, and another build looking its image up by that name gets another platform's
 * image, or none. containers/common dbeb17e40c80 (vendored by buildah commit 2029431a2, in
 * 1.40.0) stopped the pull itself from returning a looked-up name, but a build still finds
 * its base by name afterwards: through this action without pins, buildah 1.41.7 failed every
 * 4-platform `COPY --from=<image>` and ARG-named-base build tried (`image not known`). So
 * platforms side by side are pinned with every buildah.
 *
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

/**
 * Whether the action pins image references: always for platforms side by side, and before
 * 1.40 (or an unknown version) for a FROM that names a platform.
 */
export function needsPins(version: string, sideBySide: boolean, platformFlags: boolean): boolean {
  if (sideBySide) return true
  if (!platformFlags) return false
  const parsed = parseBuildahVersion(version)
  if (parsed === undefined) return true
  for (let index = 0; index < 3; index++) {
    const difference = (parsed[index] ?? 0) - (PINS_UNNEEDED_FROM[index] ?? 0)
    if (difference !== 0) return difference < 0
  }
  return false
}
