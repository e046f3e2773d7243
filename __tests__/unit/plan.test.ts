import { describe, expect, it } from 'vitest'
import { type Platform, parsePlatform, parsePlatforms } from '../../src/platform.js'
import { MAX_MATRIX_LEGS, planBuild, planMatrix, runnerHost } from '../../src/plan.js'

const noRunners = { byPlatform: {}, fallback: undefined }
const without32 = { arm32OnArm64: false }
/** Matrix options as before native-arm32 became a choice: 32-bit Arm emulated on x86-64. */
const matrix32Off = { arm32: 'false', runnerSets: [] } as const

describe('planMatrix', () => {
  it('puts each platform on its native GitHub runner, or emulates it on x86-64', () => {
    const legs = planMatrix(
      parsePlatforms(['amd64', '386', 'arm64', 'arm/v6', 'riscv64']),
      noRunners,
      matrix32Off
    )
    expect(legs.include.map(leg => [leg.platform, leg.runner, leg.emulated])).toEqual([
      ['linux/amd64', 'ubuntu-24.04', false],
      ['linux/386', 'ubuntu-24.04', false],
      ['linux/arm64', 'ubuntu-24.04-arm', false],
      ['linux/arm/v6', 'ubuntu-24.04', true],
      ['linux/riscv64', 'ubuntu-24.04', true]
    ])
  })

  it('sends 32-bit Arm to the arm64 runner when it executes AArch32', () => {
    const legs = planMatrix(parsePlatforms(['arm/v7']), noRunners, {
      arm32: 'true',
      runnerSets: []
    })
    expect(legs.include[0]).toMatchObject({ runner: 'ubuntu-24.04-arm', emulated: false })
  })

  it('treats a GitHub label mapped by hand by what that runner executes', () => {
    const legs = planMatrix(
      parsePlatforms(['s390x', 'arm64']),
      {
        byPlatform: { 'linux/s390x': 'ubuntu-24.04-arm', 'linux/arm64': 'ubuntu-22.04' },
        fallback: undefined
      },
      matrix32Off
    )
    expect(legs.include.map(leg => [leg.runner, leg.emulated])).toEqual([
      ['ubuntu-24.04-arm', true],
      ['ubuntu-22.04', true]
    ])
  })

  it(`refuses more than ${MAX_MATRIX_LEGS} legs`, () => {
    const many: Platform[] = Array.from({ length: MAX_MATRIX_LEGS + 1 }, (_, index) => ({
      os: 'linux',
      architecture: `synthetic${index}`
    }))
    expect(() => planMatrix(many, noRunners, matrix32Off)).toThrow(
      /more matrix legs than GitHub allows \(256\)/
    )
    expect(planMatrix(many.slice(0, MAX_MATRIX_LEGS), noRunners, matrix32Off).include).toHaveLength(
      256
    )
  })
})

describe('planMatrix: every platform x runner set x native-arm32', () => {
  const everyPlatform = parsePlatforms([
    'amd64',
    '386',
    'arm64',
    'arm/v7',
    'arm/v6',
    's390x',
    'ppc64le',
    'riscv64'
  ])
  type Leg = [string, string, boolean, boolean]
  const github: Record<string, Leg> = {
    'linux/amd64': ['linux/amd64', 'ubuntu-24.04', false, false],
    'linux/386': ['linux/386', 'ubuntu-24.04', false, false],
    'linux/arm64': ['linux/arm64', 'ubuntu-24.04-arm', false, false],
    'linux/s390x': ['linux/s390x', 'ubuntu-24.04', true, false],
    'linux/ppc64le': ['linux/ppc64le', 'ubuntu-24.04', true, false],
    'linux/riscv64': ['linux/riscv64', 'ubuntu-24.04', true, false]
  }
  const arm32: Record<string, Record<string, Leg>> = {
    // auto: on the arm64 runner, expected native, and the leg probes.
    auto: {
      'linux/arm/v7': ['linux/arm/v7', 'ubuntu-24.04-arm', false, true],
      'linux/arm/v6': ['linux/arm/v6', 'ubuntu-24.04-arm', false, true]
    },
    true: {
      'linux/arm/v7': ['linux/arm/v7', 'ubuntu-24.04-arm', false, false],
      'linux/arm/v6': ['linux/arm/v6', 'ubuntu-24.04-arm', false, false]
    },
    false: {
      'linux/arm/v7': ['linux/arm/v7', 'ubuntu-24.04', true, false],
      'linux/arm/v6': ['linux/arm/v6', 'ubuntu-24.04', true, false]
    }
  }
  const sets: Record<string, Record<string, Leg>> = {
    none: {},
    ibm: {
      'linux/s390x': ['linux/s390x', 'ubuntu-24.04-s390x', false, false],
      'linux/ppc64le': ['linux/ppc64le', 'ubuntu-24.04-ppc64le', false, false]
    },
    rise: { 'linux/riscv64': ['linux/riscv64', 'ubuntu-24.04-riscv', false, false] },
    'ibm,rise': {
      'linux/s390x': ['linux/s390x', 'ubuntu-24.04-s390x', false, false],
      'linux/ppc64le': ['linux/ppc64le', 'ubuntu-24.04-ppc64le', false, false],
      'linux/riscv64': ['linux/riscv64', 'ubuntu-24.04-riscv', false, false]
    }
  }
  const cases = Object.keys(arm32).flatMap(choice =>
    Object.keys(sets).map(set => [choice, set] as const)
  )
  it.each(cases)('native-arm32 %s, runner-sets %s', (choice, set) => {
    const runnerSets = set === 'none' ? [] : (set.split(',') as ('ibm' | 'rise')[])
    const legs = planMatrix(everyPlatform, noRunners, {
      arm32: choice as 'auto' | 'true' | 'false',
      runnerSets
    })
    const expected = { ...github, ...arm32[choice], ...sets[set] }
    expect(
      legs.include.map(leg => [leg.platform, leg.runner, leg.emulated, leg.probe === true])
    ).toEqual(
      everyPlatform.map(
        platform =>
          expected[
            `linux/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`
          ]
      )
    )
  })

  it('lets `runners` override a runner set, and a self-hosted label counts as native', () => {
    const legs = planMatrix(
      parsePlatforms(['s390x', 'ppc64le']),
      { byPlatform: { 'linux/s390x': 'my-z15' }, fallback: undefined },
      { arm32: 'auto', runnerSets: ['ibm'] }
    )
    expect(legs.include.map(leg => [leg.runner, leg.emulated])).toEqual([
      ['my-z15', false],
      ['ubuntu-24.04-ppc64le', false]
    ])
  })

  it('does not probe 32-bit Arm that a maintainer sent to an x86-64 runner', () => {
    const legs = planMatrix(
      parsePlatforms(['arm/v7']),
      { byPlatform: { 'linux/arm/v7': 'ubuntu-22.04' }, fallback: undefined },
      { arm32: 'auto', runnerSets: [] }
    )
    expect(legs.include[0]).toEqual({
      platform: 'linux/arm/v7',
      runner: 'ubuntu-22.04',
      emulated: true,
      slug: 'linux-arm-v7'
    })
  })
})

describe('runnerHost', () => {
  it.each([
    ['ubuntu-24.04', 'amd64'],
    ['ubuntu-latest', 'amd64'],
    ['ubuntu-24.04-arm', 'arm64'],
    ['ubuntu-22.04-arm', 'arm64'],
    ['my-arm64-runner', 'arm64'],
    ['ubuntu-24.04-s390x', 's390x'],
    ['ubuntu-22.04-ppc64le', 'ppc64le'],
    ['ubuntu-24.04-riscv', 'riscv64'],
    ['self-hosted-s390x', undefined]
  ])('%s runs %s', (label, architecture) => {
    expect(runnerHost(label)?.architecture).toBe(architecture)
  })
})

describe('planBuild', () => {
  it('marks what the host cannot run as emulated and defaults to the host', () => {
    const host = parsePlatform('amd64')
    expect(
      planBuild(parsePlatforms(['amd64', 'arm64', '386']), host, without32).map(p => [
        p.name,
        p.emulated
      ])
    ).toEqual([
      ['linux/amd64', false],
      ['linux/arm64', true],
      ['linux/386', false]
    ])
    expect(planBuild([], host, without32).map(p => p.slug)).toEqual(['linux-amd64'])
  })
})
