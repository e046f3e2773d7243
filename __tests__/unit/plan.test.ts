import { describe, expect, it } from 'vitest'
import { type Platform, parsePlatform, parsePlatforms } from '../../src/platform.js'
import { MAX_MATRIX_LEGS, planBuild, planMatrix, runnerHost } from '../../src/plan.js'

const noRunners = { byPlatform: {}, fallback: undefined }
const without32 = { arm32OnArm64: false }

describe('planMatrix', () => {
  it('puts each platform on its native GitHub runner, or emulates it on x86-64', () => {
    const legs = planMatrix(
      parsePlatforms(['amd64', '386', 'arm64', 'arm/v6', 'riscv64']),
      noRunners,
      without32
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
    const legs = planMatrix(parsePlatforms(['arm/v7']), noRunners, { arm32OnArm64: true })
    expect(legs.include[0]).toMatchObject({ runner: 'ubuntu-24.04-arm', emulated: false })
  })

  it('treats a GitHub label mapped by hand by what that runner executes', () => {
    const legs = planMatrix(
      parsePlatforms(['s390x', 'arm64']),
      {
        byPlatform: { 'linux/s390x': 'ubuntu-24.04-arm', 'linux/arm64': 'ubuntu-22.04' },
        fallback: undefined
      },
      without32
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
    expect(() => planMatrix(many, noRunners, without32)).toThrow(
      /more matrix legs than GitHub allows \(256\)/
    )
    expect(planMatrix(many.slice(0, MAX_MATRIX_LEGS), noRunners, without32).include).toHaveLength(
      256
    )
  })
})

describe('runnerHost', () => {
  it.each([
    ['ubuntu-24.04', 'amd64'],
    ['ubuntu-latest', 'amd64'],
    ['ubuntu-24.04-arm', 'arm64'],
    ['ubuntu-22.04-arm', 'arm64'],
    ['my-arm64-runner', 'arm64'],
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
