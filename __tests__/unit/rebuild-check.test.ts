import { describe, expect, it } from 'vitest'
import { inputSource } from '../../__fixtures__/inputs.js'
import { readInputs } from '../../src/inputs.js'
import { compareDigests, comparisonFailure, parseExpectDigests } from '../../src/publish/compare.js'
import { renderBuildSummary } from '../../src/summary.js'

const d = (hex: string): string => `sha256:${hex.repeat(64).slice(0, 64)}`

describe('parseExpectDigests', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    [
      JSON.stringify({ 'linux/amd64': d('a'), 'linux/arm64': d('b') }),
      { 'linux/amd64': d('a'), 'linux/arm64': d('b') }
    ],
    // Aliases as the platforms input takes them, named canonically.
    [
      JSON.stringify({ aarch64: d('b'), 'linux/arm/v7': d('c') }),
      { 'linux/arm64': d('b'), 'linux/arm/v7': d('c') }
    ]
  ])('%j', (text, expected) => {
    expect(parseExpectDigests(text)).toEqual(expected)
  })

  it.each([
    ['{', 'input `expect-digests`: is not JSON'],
    ['["sha256:aa"]', 'is not a JSON object of platform -> digest'],
    ['{}', 'is an empty object'],
    [JSON.stringify({ 'linux/amd65': d('a') }), 'key `linux/amd65` is not a platform'],
    [JSON.stringify({ 'linux/amd64': 'sha256:abc' }), 'linux/amd64: `sha256:abc` is not a digest'],
    [JSON.stringify({ 'linux/amd64': 5 }), 'linux/amd64: `5` is not a digest'],
    [JSON.stringify({ 'linux/arm64': d('a'), aarch64: d('b') }), 'names linux/arm64 twice']
  ])('refuses %s', (text, message) => {
    expect(() => parseExpectDigests(text)).toThrow(message)
  })

  it('is for build mode only', () => {
    expect(() =>
      readInputs(
        inputSource({
          mode: 'merge',
          platforms: 'linux/amd64',
          tags: 'r.io/a:1',
          'expect-digests': JSON.stringify({ 'linux/amd64': d('a') })
        }),
        {}
      )
    ).toThrow('input `expect-digests`: is for mode `build`, not `merge`')
  })
})

describe('compareDigests and comparisonFailure', () => {
  it('matches every platform: no failure', () => {
    const rows = compareDigests({ 'linux/amd64': d('a') }, { 'linux/amd64': d('a') })
    expect(rows).toEqual([
      { platform: 'linux/amd64', expected: d('a'), built: d('a'), match: true }
    ])
    expect(comparisonFailure(rows)).toBeUndefined()
  })

  it('names every platform that differs or is missing on either side, with both digests', () => {
    const rows = compareDigests(
      { 'linux/amd64': d('a'), 'linux/arm64': d('b'), 'linux/s390x': d('c') },
      { 'linux/amd64': d('a'), 'linux/arm64': d('e'), 'linux/ppc64le': d('f') }
    )
    expect(rows.map(row => [row.platform, row.match])).toEqual([
      ['linux/amd64', true],
      ['linux/arm64', false],
      ['linux/ppc64le', false],
      ['linux/s390x', false]
    ])
    const failure = comparisonFailure(rows)
    expect(failure?.message).toContain('differs from `expect-digests` on 3 of 4 platforms')
    expect(failure?.message).toContain(`linux/arm64: expected ${d('b')}, built ${d('e')}`)
    expect(failure?.message).toContain(
      `linux/ppc64le: built ${d('f')}, but \`expect-digests\` names no linux/ppc64le`
    )
    expect(failure?.message).toContain(
      `linux/s390x: expected ${d('c')}, but this run built no linux/s390x`
    )
    expect(failure?.message).not.toContain('linux/amd64:')
    expect(failure?.message).toContain('Nothing was pushed and no tag moved')
  })

  it('shows the comparison in the summary as a table', () => {
    const rows = compareDigests(
      { 'linux/amd64': d('a'), 'linux/arm64': d('b') },
      { 'linux/amd64': d('a'), 'linux/arm64': d('e') }
    )
    const text = renderBuildSummary({
      title: 'app',
      engine: 'buildah 1.28.2',
      indexDigest: undefined,
      tags: [],
      rows: [],
      failure: undefined,
      nextSteps: [],
      comparison: rows
    })
    expect(text).toContain('#### Rebuild check: 1 of 2 platforms differ from `expect-digests`')
    expect(text).toContain('| Platform | Expected | Built | Match |')
    // The summary escapes `:` so that no digest turns into an emoji shortcode.
    const shown = (digest: string): string => `<code>${digest.replace(':', '&#58;')}</code>`
    expect(text).toContain(
      `| <code>linux/arm64</code> | ${shown(d('b'))} | ${shown(d('e'))} | ❌ |`
    )
    expect(text).toContain(
      `| <code>linux/amd64</code> | ${shown(d('a'))} | ${shown(d('a'))} | ✅ |`
    )
  })
})
