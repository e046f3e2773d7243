/** The publish pipeline's order and refusals, with fake steps: no process, no registry. */
import { describe, expect, it } from 'vitest'
import type { BuiltImage, Group, SmokeResult } from '../../src/engines/engine.js'
import { parsePlatform, platformSlug } from '../../src/platform.js'
import type { PlannedPlatform } from '../../src/plan.js'
import {
  type PublishSettings,
  type PublishSteps,
  Stage,
  emptyRecord,
  judgeSmoke,
  publish
} from '../../src/publish/pipeline.js'
import type { ResultImage } from '../../src/publish/result-image.js'
import type { PushedImage } from '../../src/registry/readback.js'

const INDEX = `sha256:${'1'.repeat(64)}`
const OTHER = `sha256:${'2'.repeat(64)}`

function planned(...names: string[]): PlannedPlatform[] {
  return names.map(name => {
    const platform = parsePlatform(name)
    return { platform, name, slug: platformSlug(platform), emulated: name !== 'linux/amd64' }
  })
}

const result: ResultImage = {
  digest: INDEX,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  bytes: Buffer.from('{}'),
  digests: { 'linux/amd64': OTHER },
  attestations: {},
  platforms: [],
  local: undefined
}

const pushed: PushedImage = {
  digest: INDEX,
  mediaType: result.mediaType,
  manifest: '{}',
  digests: result.digests,
  attestations: {},
  images: [`r/a@${INDEX}`]
}

const registryImage: BuiltImage = {
  kind: 'registry',
  registry: 'ghcr.io',
  repository: 'acme/app',
  digest: INDEX
}

const settings: PublishSettings = {
  platforms: planned('linux/amd64', 'linux/arm64'),
  push: true,
  verifyArch: 'error',
  smokeTest: 'uname -m',
  smokeTestExpect: undefined,
  expectDigests: undefined
}

interface Fake {
  readonly calls: string[]
  readonly groups: string[]
  readonly steps: PublishSteps
  readonly group: Group
}

/** Steps that record their calls; `fail` names the one that throws, `smoke` what the test says. */
function fake(
  fail?: keyof PublishSteps,
  smoke: readonly SmokeResult[] = [
    { platform: 'linux/amd64', exitCode: 0, output: 'x86_64', seconds: 1 },
    { platform: 'linux/arm64', exitCode: 0, output: 'aarch64', seconds: 2 }
  ],
  readBack: PushedImage = pushed
): Fake {
  const calls: string[] = []
  const groups: string[] = []
  const step =
    <T>(name: keyof PublishSteps, value: T) =>
    (): Promise<T> => {
      calls.push(name)
      return name === fail ? Promise.reject(new Error(`${name} broke`)) : Promise.resolve(value)
    }
  return {
    calls,
    groups,
    steps: {
      open: step('open', result),
      report: () => undefined,
      verify: step('verify', undefined),
      smokeTest: step('smokeTest', smoke),
      pushByDigest: step('pushByDigest', undefined),
      moveTags: step('moveTags', undefined),
      readBack: step('readBack', readBack)
    },
    group: (name, work) => {
      groups.push(name)
      return work()
    }
  }
}

describe('publish', () => {
  it('checks, smoke-tests, pushes by digest, moves the tags and reads back, in that order', async () => {
    const run = fake()
    const record = await publish(registryImage, settings, run.steps, run.group)
    expect(run.calls).toEqual([
      'open',
      'verify',
      'smokeTest',
      'pushByDigest',
      'moveTags',
      'readBack'
    ])
    expect(run.groups).toEqual([Stage.Verify, Stage.Smoke, Stage.Push, Stage.Tags, Stage.ReadBack])
    expect(record.pushed).toBe(pushed)
    expect(record.smoke.map(outcome => outcome.passed)).toEqual([true, true])
    expect(record.skipped).toEqual([])
  })

  it.each(['open', 'verify', 'smokeTest', 'pushByDigest'] as const)(
    'moves no tag when %s fails',
    async failing => {
      const run = fake(failing)
      await expect(publish(registryImage, settings, run.steps, run.group)).rejects.toThrow(
        `${failing} broke`
      )
      expect(run.calls).not.toContain('moveTags')
      expect(run.calls.at(-1)).toBe(failing)
    }
  )

  it('moves no tag when a platform fails the smoke test, and names it', async () => {
    const run = fake(undefined, [
      { platform: 'linux/amd64', exitCode: 0, output: 'x86_64', seconds: 1 },
      { platform: 'linux/arm64', exitCode: 127, output: 'sh: uname: not found', seconds: 1 }
    ])
    const record = emptyRecord()
    await expect(publish(registryImage, settings, run.steps, run.group, record)).rejects.toThrow(
      /smoke test `uname -m` failed on linux\/arm64 \(output: "sh: uname: not found"\)\. No tag was moved/
    )
    expect(run.calls).toEqual(['open', 'verify', 'smokeTest'])
    expect(record.smoke).toHaveLength(2)
  })

  it('fails on output that does not match smoke-test-expect, though the exit code is 0', async () => {
    const run = fake()
    await expect(
      publish(registryImage, { ...settings, smokeTestExpect: /^x86_64$/m }, run.steps, run.group)
    ).rejects.toThrow(/failed on linux\/arm64 .*expected output matching \/\^x86_64\$\//)
    expect(run.calls).not.toContain('pushByDigest')
  })

  it('refuses a read-back that is not the image this run pushed', async () => {
    const run = fake(undefined, undefined, { ...pushed, digest: OTHER })
    await expect(publish(registryImage, settings, run.steps, run.group)).rejects.toThrow(
      `the registry serves ${OTHER} under the tags, but this run pushed ${INDEX}`
    )
  })

  it('without a push, checks the local result and stops there', async () => {
    const run = fake()
    const record = await publish(
      { kind: 'layout', dir: '/tmp/layout', temporary: true },
      { ...settings, push: false },
      run.steps,
      run.group
    )
    expect(run.calls).toEqual(['open', 'verify', 'smokeTest'])
    expect(record.result).toBe(result)
    expect(record.pushed).toBeUndefined()
  })

  it('says the check was skipped under verify-arch: off, and skips it', async () => {
    const run = fake()
    const record = await publish(
      registryImage,
      { ...settings, verifyArch: 'off', smokeTest: '' },
      run.steps,
      run.group
    )
    expect(run.calls).toEqual(['open', 'pushByDigest', 'moveTags', 'readBack'])
    expect(record.skipped).toEqual(['architecture check: `verify-arch: off`'])
  })

  describe('an image the action cannot read', () => {
    const unavailable: BuiltImage = { kind: 'unavailable', reason: 'it was loaded into docker' }

    it('says which check was skipped and why', async () => {
      const run = fake()
      const record = await publish(
        unavailable,
        { ...settings, push: false, smokeTest: '' },
        run.steps,
        run.group
      )
      expect(run.calls).toEqual([])
      expect(record.skipped).toEqual(['architecture check: the image it was loaded into docker'])
    })

    it('refuses a smoke test it cannot run, saying how to make it possible', async () => {
      const run = fake()
      await expect(
        publish(unavailable, { ...settings, push: false }, run.steps, run.group)
      ).rejects.toThrow(/the smoke test cannot run: .*Set `push: true`, or `outputs: type=oci/)
    })

    it('refuses to push it', async () => {
      const run = fake()
      await expect(publish(unavailable, settings, run.steps, run.group)).rejects.toThrow(
        /nothing can be pushed/
      )
      expect(run.calls).toEqual([])
    })
  })
})

describe('judgeSmoke', () => {
  it('passes on exit 0 and, when given, a matching output', () => {
    const results = [
      { platform: 'linux/amd64', exitCode: 0, output: 'x86_64', seconds: 1 },
      { platform: 'linux/s390x', exitCode: 0, output: 's390x', seconds: 1 },
      { platform: 'linux/arm64', exitCode: 1, output: 'aarch64', seconds: 1 }
    ]
    expect(judgeSmoke(results, undefined).map(outcome => outcome.passed)).toEqual([
      true,
      true,
      false
    ])
    expect(judgeSmoke(results, /^(x86_64|aarch64)$/m).map(outcome => outcome.passed)).toEqual([
      true,
      false,
      false
    ])
  })

  describe('expect-digests', () => {
    const expectAll = { ...result.digests }

    it('compares first, in a stage of its own, and goes on when every platform matches', async () => {
      const run = fake()
      const record = await publish(
        registryImage,
        { ...settings, expectDigests: expectAll },
        run.steps,
        run.group
      )
      expect(run.groups[0]).toBe(Stage.Compare)
      expect(run.calls).toEqual([
        'open',
        'verify',
        'smokeTest',
        'pushByDigest',
        'moveTags',
        'readBack'
      ])
      expect(record.comparison?.every(row => row.match)).toBe(true)
      expect(record.comparison?.map(row => row.platform)).toEqual(Object.keys(result.digests))
    })

    it('stops before any check or push, naming the platform that differs with both digests', async () => {
      const run = fake()
      const [platform = '', digest = ''] = Object.entries(result.digests)[0] ?? []
      const altered = `sha256:${'0'.repeat(64)}`
      const record = emptyRecord()
      await expect(
        publish(
          registryImage,
          { ...settings, expectDigests: { ...expectAll, [platform]: altered } },
          run.steps,
          run.group,
          record
        )
      ).rejects.toThrow(`${platform}: expected ${altered}, built ${digest}`)
      expect(run.calls).toEqual(['open'])
      expect(record.comparison?.filter(row => !row.match).map(row => row.platform)).toEqual([
        platform
      ])
    })

    it('refuses to compare an image it cannot read', async () => {
      const run = fake()
      await expect(
        publish(
          { kind: 'unavailable', reason: "stays in the builder's cache" },
          { ...settings, push: false, expectDigests: expectAll },
          run.steps,
          run.group
        )
      ).rejects.toThrow(
        "`expect-digests` cannot be compared: the image stays in the builder's cache"
      )
      expect(run.calls).toEqual([])
    })
  })
})
