import { describe, expect, it } from 'vitest'
import {
  KNOWN_PLATFORMS,
  formatPlatform,
  hostPlatform,
  parsePlatform,
  parsePlatforms,
  platformSlug,
  runsNatively
} from '../../src/platform.js'

describe('parsePlatform', () => {
  it.each([
    ['x86_64', 'linux/amd64'],
    ['amd64', 'linux/amd64'],
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64', 'linux/amd64'],
    ['X86_64', 'linux/amd64'],
    ['x86-64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['aarch64', 'linux/arm64'],
    ['arm64', 'linux/arm64'],
    ['arm64/v8', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['armhf', 'linux/arm/v7'],
    ['armv7l', 'linux/arm/v7'],
    ['armv7', 'linux/arm/v7'],
    ['arm', 'linux/arm/v7'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['arm/v7', 'linux/arm/v7'],
    ['armv6l', 'linux/arm/v6'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['armel', 'linux/arm/v5'],
    ['linux/arm/v5', 'linux/arm/v5'],
    ['i386', 'linux/386'],
    ['i686', 'linux/386'],
    ['386', 'linux/386'],
    ['linux/386', 'linux/386'],
    ['ppc64el', 'linux/ppc64le'],
    ['ppc64le', 'linux/ppc64le'],
    ['s390x', 'linux/s390x'],
    ['riscv64', 'linux/riscv64'],
    ['mips64le', 'linux/mips64le'],
    ['mips64el', 'linux/mips64le'],
    ['loong64', 'linux/loong64'],
    ['loongarch64', 'linux/loong64'],
    ['  linux/s390x  ', 'linux/s390x']
  ])('%j -> %s', (given, expected) => {
    expect(formatPlatform(parsePlatform(given))).toBe(expected)
  })

  it.each([
    ['linux/arm65', /platform `linux\/arm65` is not known; valid: linux\/amd64, /],
    ['', /is not of the form os\/arch/],
    ['linux/', /is not of the form os\/arch/],
    ['linux', /names no architecture/],
    ['windows/amd64', /is for windows; only linux images can be built/],
    ['linux/arm/v9', /has a variant arm does not have/],
    ['linux/s390x/v2', /has a variant s390x does not have/],
    ['armv7l/v6', /names variant v7 twice over/],
    ['linux/arm/v7/x', /has too many parts/]
  ])('refuses %j', (given, message) => {
    expect(() => parsePlatform(given)).toThrow(message)
  })

  it('lists every platform it knows in its error', () => {
    expect(KNOWN_PLATFORMS).toContain('linux/arm/v7')
    expect(KNOWN_PLATFORMS).toContain('linux/riscv64')
    for (const name of KNOWN_PLATFORMS) expect(formatPlatform(parsePlatform(name))).toBe(name)
  })
})

describe('parsePlatforms', () => {
  it('collapses duplicates and keeps first-seen order', () => {
    expect(
      parsePlatforms(['x86_64', 'aarch64', 'amd64', 'arm64/v8', 'armhf', 'arm']).map(formatPlatform)
    ).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
  })
})

describe('platformSlug', () => {
  it.each([
    ['linux/arm/v7', 'linux-arm-v7'],
    ['linux/amd64', 'linux-amd64'],
    ['ppc64el', 'linux-ppc64le']
  ])('%s -> %s', (given, slug) => {
    expect(platformSlug(parsePlatform(given))).toBe(slug)
  })
})

describe('host detection', () => {
  it.each([
    ['x64', 'linux/amd64'],
    ['arm64', 'linux/arm64'],
    ['arm', 'linux/arm/v7'],
    ['ia32', 'linux/386'],
    ['s390x', 'linux/s390x'],
    ['ppc64', 'linux/ppc64le'],
    ['riscv64', 'linux/riscv64'],
    ['loong64', 'linux/loong64']
  ])('process.arch %s is %s', (nodeArch, expected) => {
    expect(formatPlatform(hostPlatform(nodeArch))).toBe(expected)
  })

  it('refuses an architecture it cannot build on', () => {
    expect(() => hostPlatform('sparc')).toThrow(/sparc\) is not supported/)
  })

  const without32 = { arm32OnArm64: false }
  const with32 = { arm32OnArm64: true }
  it.each([
    ['linux/amd64', 'linux/amd64', without32, true],
    ['linux/amd64', 'linux/amd64/v3', without32, true],
    ['linux/amd64', 'linux/386', without32, true],
    ['linux/amd64', 'linux/arm64', without32, false],
    ['linux/amd64', 'linux/arm/v7', without32, false],
    ['linux/arm64', 'linux/arm64', without32, true],
    ['linux/arm64', 'linux/arm/v7', without32, false],
    ['linux/arm64', 'linux/arm/v7', with32, true],
    ['linux/arm64', 'linux/arm/v6', with32, true],
    ['linux/arm64', 'linux/amd64', with32, false],
    ['linux/arm/v7', 'linux/arm/v6', without32, true],
    ['linux/arm/v6', 'linux/arm/v7', without32, false],
    ['linux/s390x', 'linux/s390x', without32, true],
    ['linux/s390x', 'linux/ppc64le', without32, false]
  ])('host %s runs %s natively (%o): %s', (host, platform, options, expected) => {
    expect(runsNatively(parsePlatform(host), parsePlatform(platform), options)).toBe(expected)
  })
})
