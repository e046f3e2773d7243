/**
 * `expect-digests`: the `digests` output of an earlier run, compared platform by platform with
 * what this run built, before anything is pushed. Pure: tested as tables.
 */
import { Input } from '../constants.js'
import { ActionError, InputError } from '../errors.js'
import { PlatformError, formatPlatform, parsePlatforms } from '../platform.js'

const DIGEST = /^sha256:[a-f0-9]{64}$/
const FORM =
  'Give the `digests` output of the run to compare with, e.g. ${{ needs.build.outputs.digests }}'

/** Platform (canonical) -> manifest digest; undefined: no comparison asked for. */
export type ExpectedDigests = Readonly<Record<string, string>>

export function parseExpectDigests(text: string): ExpectedDigests | undefined {
  if (text.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InputError(Input.ExpectDigests, 'is not JSON', FORM)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(Input.ExpectDigests, 'is not a JSON object of platform -> digest', FORM)
  }
  const expected: Record<string, string> = {}
  for (const [name, digest] of Object.entries(parsed)) {
    let platform: string
    try {
      const [one] = parsePlatforms([name])
      if (one === undefined) throw new PlatformError(name, 'is empty')
      platform = formatPlatform(one)
    } catch (error) {
      throw new InputError(
        Input.ExpectDigests,
        `key \`${name}\` is not a platform (${error instanceof Error ? error.message : String(error)})`,
        FORM
      )
    }
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw new InputError(
        Input.ExpectDigests,
        `${platform}: \`${String(digest)}\` is not a digest`,
        'Each value is sha256:<64 hex digits>'
      )
    }
    if (platform in expected) {
      throw new InputError(Input.ExpectDigests, `names ${platform} twice`, FORM)
    }
    expected[platform] = digest
  }
  if (Object.keys(expected).length === 0) {
    throw new InputError(Input.ExpectDigests, 'is an empty object', FORM)
  }
  return expected
}

export interface DigestComparison {
  readonly platform: string
  /** Undefined: built, but the earlier run had no such platform. */
  readonly expected: string | undefined
  /** Undefined: expected, but this run built no such platform. */
  readonly built: string | undefined
  readonly match: boolean
}

/** One row per platform of either side: the built ones in their order, then the missing. */
export function compareDigests(
  expected: ExpectedDigests,
  built: Readonly<Record<string, string>>
): DigestComparison[] {
  const rows: DigestComparison[] = Object.entries(built).map(([platform, digest]) => ({
    platform,
    expected: expected[platform],
    built: digest,
    match: expected[platform] === digest
  }))
  for (const [platform, digest] of Object.entries(expected)) {
    if (!(platform in built))
      rows.push({ platform, expected: digest, built: undefined, match: false })
  }
  return rows
}

/** The error naming every platform that differs, with both digests; undefined: all match. */
export function comparisonFailure(rows: readonly DigestComparison[]): ActionError | undefined {
  const problems = rows
    .filter(row => !row.match)
    .map(row =>
      row.built === undefined
        ? `${row.platform}: expected ${row.expected ?? ''}, but this run built no ${row.platform}`
        : row.expected === undefined
          ? `${row.platform}: built ${row.built}, but \`expect-digests\` names no ${row.platform}`
          : `${row.platform}: expected ${row.expected}, built ${row.built}`
    )
  if (problems.length === 0) return undefined
  return new ActionError(
    `the rebuild differs from \`expect-digests\` on ${problems.length} of ${rows.length} platforms: ${problems.join('; ')}`,
    'Nothing was pushed and no tag moved. Same sources and the same `source-date-epoch` give the same digests; compare the two images layer by layer to find what differs'
  )
}
