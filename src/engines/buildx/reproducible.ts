/**
 * What a reproducible buildx build needs: BuildKit's `SOURCE_DATE_EPOCH` build arg and the
 * image exporter's `rewrite-timestamp=true` (every layer file's time clamped to it), which
 * BuildKit 0.13 introduced and buildx 0.13 passes on. Pure: tested as tables.
 */
import semver from 'semver'
import { parseOutputSpec } from '../../values.js'
import { buildxAtLeast } from './install.js'

export const REWRITE_TIMESTAMP_SINCE = '0.13.0'

/** Exporters that write image layers, and so take `rewrite-timestamp`. */
const IMAGE_EXPORTERS = ['image', 'oci', 'docker', 'registry']

/**
 * Why this builder cannot stamp reproducible images, naming the version that is too old;
 * undefined when it can (a version it cannot read counts as new: a development build).
 */
export function rewriteTimestampProblem(
  buildxVersion: string,
  buildkitVersions: readonly (string | undefined)[]
): string | undefined {
  if (!buildxAtLeast(buildxVersion, REWRITE_TIMESTAMP_SINCE)) {
    return `buildx ${buildxVersion} cannot pass the image exporter's rewrite-timestamp option (buildx ${REWRITE_TIMESTAMP_SINCE} and later can)`
  }
  const old = buildkitVersions.filter((version): version is string => {
    if (version === undefined) return false
    const valid = semver.valid(semver.coerce(version))
    return valid !== null && semver.lt(valid, REWRITE_TIMESTAMP_SINCE)
  })
  if (old.length > 0) {
    return `the builder runs BuildKit ${old.join(', ')}, which has no rewrite-timestamp (BuildKit ${REWRITE_TIMESTAMP_SINCE} and later have it)`
  }
  return undefined
}

/** An `--output` entry that writes an image, with `rewrite-timestamp=true` unless it says otherwise. */
export function withRewriteTimestamp(output: string): string {
  const fields = parseOutputSpec(output)
  if (!IMAGE_EXPORTERS.includes(fields.get('type') ?? '') || fields.has('rewrite-timestamp')) {
    return output
  }
  return `${output},rewrite-timestamp=true`
}

/**
 * Whether buildx adds a provenance attestation, which records when the build started and
 * finished: then the images reproduce and the attestation (and the index holding it) does not.
 */
export function timedProvenance(
  provenance: string,
  env: Readonly<Record<string, string | undefined>>
): boolean {
  // From 0.10 buildx adds one unless told not to.
  if (provenance.trim() === '') return (env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? '') === ''
  return !/^(false|0)$/i.test(provenance.trim()) && !/(^|,)disabled=true(,|$)/.test(provenance)
}
