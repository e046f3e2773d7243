import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, test } from 'vitest'
import {
  buildxAtLeast,
  downloadRetryable,
  exactVersion,
  needsInstall,
  parseBuildxVersion,
  releaseAsset,
  resolveVersion,
  verifyChecksum
} from '../../src/engines/buildx/install.js'
import { parseAppendLine, parseDriver } from '../../src/buildx-inputs.js'
import {
  allNodesRunning,
  buildLogDriver,
  parseInspectBuildkitVersions,
  parseInspectDriver,
  refusedSecondOutput,
  parseInspectPlatforms,
  unsupportedPlatforms
} from '../../src/engines/buildx/progress.js'
import type { BuildxDriver } from '../../src/values.js'
import { parsePlatform, platformSlug } from '../../src/platform.js'

const fixtures = path.join(import.meta.dirname, '..', '..', '__fixtures__', 'buildx')
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8')

describe('parseBuildxVersion', () => {
  test.each([
    [1, 'github.com/docker/buildx v0.17.1 257815a6fb95ae1ae2a3b3b0ef3fdf7b8e5a7c3f\n', '0.17.1'],
    [
      2,
      'github.com/docker/buildx v0.17.1-desktop.1 5fac64c2c49dae1320f2b51f1a899ca451935554',
      '0.17.1-desktop.1'
    ],
    [
      3,
      'github.com/docker/buildx 0.11.2+azure-1 9872040b6626fb7d87ef7296fd5b832e8cc2ad17',
      '0.11.2+azure-1'
    ],
    [4, 'github.com/docker/buildx 0.12.1 0.12.1-0ubuntu1~22.04.1', '0.12.1'],
    [5, 'github.com/docker/buildx v0.18.0-rc1 1f3b5a7e', '0.18.0-rc1'],
    [6, "docker: 'buildx' is not a docker command.\nSee 'docker --help'", undefined],
    [7, '', undefined]
  ])('%i: %j -> %s', (_n, output, version) => {
    expect(parseBuildxVersion(output)).toBe(version)
  })
})

describe('needsInstall', () => {
  test.each([
    [1, undefined, '', true],
    [2, undefined, '^0.17', true],
    [3, '0.17.1', '', false],
    [4, '0.17.1', 'latest', true],
    [5, '0.17.1', '^0.17', false],
    [6, '0.17.1', '>=0.18', true],
    [7, '0.17.1', '0.17.1', false],
    [8, '0.17.1', 'v0.17.1', false],
    [9, '0.17.1-desktop.1', '>=0.17.1', false],
    [10, '0.11.2+azure-1', '>=0.12', true],
    [11, '0.18.0-rc1', '>=0.17', false],
    [12, '0.18.0-rc1', '^0.18.0', true],
    [13, 'dev', '^0.17', true]
  ])('%i: installed %s, wanted %j -> %s', (_n, installed, range, expected) => {
    expect(needsInstall(installed, range)).toBe(expected)
  })

  it('names the input when the range is not one', () => {
    expect(() => needsInstall('0.17.1', 'newest')).toThrow(
      /^input `buildx-version`: `newest` is not a version or range. Valid: latest/
    )
  })
})

describe('resolveVersion', () => {
  const tags = ['v0.18.0-rc2', 'v0.17.1', 'v0.17.0', 'v0.17.0-rc1', 'v0.16.2', 'v0.12.1', 'junk']

  test.each([
    [1, 'latest', '0.17.1'],
    [2, '', '0.17.1'],
    [3, '^0.16', '0.16.2'],
    [4, '~0.17.0', '0.17.1'],
    [5, '>=0.12 <0.17', '0.16.2'],
    [6, '0.12.x', '0.12.1'],
    [7, '0.17.0', '0.17.0']
  ])('%i: %j -> %s', (_n, range, version) => {
    expect(resolveVersion(range, tags)).toBe(version)
  })

  it('names the range and the newest release when none satisfies', () => {
    expect(() => resolveVersion('^9', tags)).toThrow(
      /^input `buildx-version`: no buildx release satisfies `\^9`; newest is v0\.17\.1/
    )
    expect(() => resolveVersion('^9', [])).toThrow(/no buildx release satisfies `\^9`\. Valid/)
  })

  it('takes exact versions without a release list', () => {
    expect(exactVersion('v0.17.1')).toBe('0.17.1')
    expect(exactVersion('0.17.1')).toBe('0.17.1')
    expect(exactVersion('^0.17')).toBeUndefined()
    expect(exactVersion('latest')).toBeUndefined()
  })

  it('compares versions for flags, counting dev builds as new', () => {
    expect(buildxAtLeast('0.13.0', '0.13.0')).toBe(true)
    expect(buildxAtLeast('0.12.1', '0.13.0')).toBe(false)
    expect(buildxAtLeast('0.13.1-desktop.2', '0.13.0')).toBe(true)
    expect(buildxAtLeast('dev', '0.13.0')).toBe(true)
  })
})

describe('releaseAsset', () => {
  test.each([
    [1, 'x64', 'buildx-v0.17.1.linux-amd64'],
    [2, 'arm64', 'buildx-v0.17.1.linux-arm64'],
    [3, 'arm', 'buildx-v0.17.1.linux-arm-v7'],
    [4, 's390x', 'buildx-v0.17.1.linux-s390x'],
    [5, 'ppc64', 'buildx-v0.17.1.linux-ppc64le'],
    [6, 'riscv64', 'buildx-v0.17.1.linux-riscv64']
  ])('%i: %s -> %s', (_n, arch, name) => {
    expect(releaseAsset('0.17.1', { os: 'linux', arch })).toEqual({
      name,
      url: `https://github.com/docker/buildx/releases/download/v0.17.1/${name}`,
      checksumsUrl: 'https://github.com/docker/buildx/releases/download/v0.17.1/checksums.txt'
    })
  })

  it('accepts a v prefix', () => {
    expect(releaseAsset('v0.17.1', { os: 'linux', arch: 'x64' }).name).toBe(
      'buildx-v0.17.1.linux-amd64'
    )
  })

  it('names an architecture buildx does not publish', () => {
    expect(() => releaseAsset('0.17.1', { os: 'linux', arch: 'mips64el' })).toThrow(
      /no binary for this runner's architecture \(mips64el\).*x64, arm64, arm, s390x, ppc64, riscv64/
    )
  })
})

describe('verifyChecksum', () => {
  const checksums = fixture('checksums.txt')
  const binarySha = createHash('sha256')
    .update(readFileSync(path.join(fixtures, 'buildx-v0.17.1.linux-amd64')))
    .digest('hex')

  it('accepts the download whose sha256 is on its line', () => {
    expect(() => {
      verifyChecksum(checksums, 'buildx-v0.17.1.linux-amd64', binarySha)
    }).not.toThrow()
    expect(() => {
      verifyChecksum(checksums, 'buildx-v0.17.1.linux-amd64', binarySha.toUpperCase())
    }).not.toThrow()
  })

  it('accepts lines in text mode (no `*`)', () => {
    expect(() => {
      verifyChecksum(
        `${binarySha}  buildx-v0.17.1.linux-amd64\n`,
        'buildx-v0.17.1.linux-amd64',
        binarySha
      )
    }).not.toThrow()
  })

  it('refuses a mismatch, naming both sums', () => {
    expect(() => {
      verifyChecksum(checksums, 'buildx-v0.17.1.linux-arm64', binarySha)
    }).toThrow(
      new RegExp(
        `buildx-v0.17.1.linux-arm64 has sha256 ${binarySha}, but checksums.txt says [a-f0-9]{64}. The download is corrupt`
      )
    )
  })

  it('refuses an asset with no line', () => {
    expect(() => {
      verifyChecksum(checksums, 'buildx-v0.17.1.linux-mips64', binarySha)
    }).toThrow(/checksums.txt of this buildx release has no line for buildx-v0.17.1.linux-mips64/)
    // A name that only prefixes another asset's name is no match.
    expect(() => {
      verifyChecksum(checksums, 'buildx-v0.17.1.linux-arm', binarySha)
    }).toThrow(/no line for/)
  })
})

describe('parseDriver', () => {
  test.each([
    [1, 'docker', 'docker'],
    [2, 'docker-container', 'docker-container'],
    [3, ' Kubernetes ', 'kubernetes'],
    [4, 'remote', 'remote']
  ])('%i: %j -> %s', (_n, text, driver) => {
    expect(parseDriver(text)).toBe(driver)
  })

  it('names the input and every valid driver', () => {
    expect(() => parseDriver('podman')).toThrow(
      'input `driver`: is `podman`. Valid: docker, docker-container, kubernetes, remote'
    )
  })
})

describe('parseAppendLine', () => {
  test.each([
    [
      1,
      'linux/arm64=tcp://arm-builder:1234',
      'remote',
      { platforms: ['linux/arm64'], endpoint: 'tcp://arm-builder:1234', driverOpts: [] }
    ],
    [
      2,
      'aarch64,armhf=ssh://ci@arm-builder',
      'docker-container',
      {
        platforms: ['linux/arm64', 'linux/arm/v7'],
        endpoint: 'ssh://ci@arm-builder',
        driverOpts: []
      }
    ],
    [
      3,
      'linux/arm64=kubernetes',
      'kubernetes',
      { platforms: ['linux/arm64'], endpoint: '', driverOpts: [] }
    ],
    [
      4,
      'linux/arm64=,driver=kubernetes,driver-opt=nodeselector=kubernetes.io/arch=arm64',
      'kubernetes',
      {
        platforms: ['linux/arm64'],
        endpoint: '',
        driverOpts: ['nodeselector=kubernetes.io/arch=arm64']
      }
    ],
    [
      5,
      ' linux/s390x = docker-container://buildkitd-s390x , driver-opt=image=moby/buildkit:v0.16.0 ',
      'docker-container',
      {
        platforms: ['linux/s390x'],
        endpoint: 'docker-container://buildkitd-s390x',
        driverOpts: ['image=moby/buildkit:v0.16.0']
      }
    ],
    [
      6,
      'linux/ppc64le=lab-power9',
      'docker-container',
      { platforms: ['linux/ppc64le'], endpoint: 'lab-power9', driverOpts: [] }
    ]
  ] as [number, string, BuildxDriver, unknown][])('%i: %j', (_n, line, driver, node) => {
    expect(parseAppendLine(line, driver)).toEqual(node)
  })

  test.each([
    [
      1,
      'ssh://ci@arm-builder',
      'docker-container',
      /^input `append`: line `ssh:\/\/ci@arm-builder` names no platform. Write PLATFORMS=ENDPOINT/
    ],
    [2, '=tcp://a:1', 'remote', /names no platform/],
    [
      3,
      'linux/arm65=tcp://a:1',
      'remote',
      /^input `append`: platform `linux\/arm65` is not known; valid:/
    ],
    [4, 'linux/arm64=', 'docker-container', /line `linux\/arm64=` names no endpoint/],
    [
      5,
      'linux/arm64=kubernetes',
      'docker-container',
      /asks for driver `kubernetes`, but the builder uses `docker-container`.*set `driver: kubernetes`/
    ],
    [6, 'linux/arm64=tcp://a:1,driver=remote', 'docker-container', /asks for driver `remote`/],
    [
      7,
      'linux/arm64=tcp://a:1,node=x',
      'remote',
      /has a field `node=x`; valid fields: driver=, driver-opt=/
    ],
    [
      8,
      'linux/arm64=ssh://a',
      'docker',
      /^input `append`: adds nodes, which a `docker` driver builder cannot have/
    ]
  ] as [number, string, BuildxDriver, RegExp][])('%i: refuses %j', (_n, line, driver, message) => {
    expect(() => parseAppendLine(line, driver)).toThrow(message)
  })
})

describe('parseInspectDriver', () => {
  it.each([
    ['inspect-remote-0.10.5.txt', 'remote'],
    ['inspect-docker-driver.txt', 'docker'],
    ['inspect-multi-node.txt', 'docker-container'],
    ['inspect-old.txt', 'docker-container']
  ])('%s -> %s, not fooled by "Driver Options:"', (file, driver) => {
    expect(parseInspectDriver(fixture(file))).toBe(driver)
  })

  it('is undefined when inspect says nothing of a driver', () => {
    expect(parseInspectDriver('Name: x\n')).toBeUndefined()
  })
})

describe('allNodesRunning', () => {
  it('is true only when every node inspect lists is running', () => {
    expect(allNodesRunning(fixture('inspect-remote-0.10.5.txt'))).toBe(true)
    expect(allNodesRunning(fixture('inspect-docker-driver.txt'))).toBe(true)
    // One node of three is inactive: the builder needs its bootstrap.
    expect(allNodesRunning(fixture('inspect-multi-node.txt'))).toBe(false)
    expect(allNodesRunning('Name: x\nDriver: remote\n')).toBe(false)
  })
})

describe('parseInspectPlatforms', () => {
  it('joins the platforms of every running node, dropping `*` markers', () => {
    expect(parseInspectPlatforms(fixture('inspect-multi-node.txt'))).toEqual([
      'linux/amd64',
      'linux/amd64/v2',
      'linux/amd64/v3',
      'linux/386',
      'linux/riscv64',
      'linux/s390x',
      'linux/arm64',
      'linux/arm/v7',
      'linux/arm/v6'
    ])
  })

  it('reads the docker driver and older buildx output', () => {
    expect(parseInspectPlatforms(fixture('inspect-docker-driver.txt'))).toEqual([
      'linux/amd64',
      'linux/amd64/v2',
      'linux/amd64/v3',
      'linux/386'
    ])
    expect(parseInspectPlatforms(fixture('inspect-old.txt'))).toHaveLength(11)
  })

  it('finds nothing in a builder that has not booted', () => {
    expect(
      parseInspectPlatforms('Name: b\nDriver: remote\n\nNodes:\nName: b0\nStatus: inactive\n')
    ).toEqual([])
  })

  it('names the planned platforms the builder lacks', () => {
    const plan = ['linux/amd64', 'linux/ppc64le', 'linux/arm64'].map(name => {
      const platform = parsePlatform(name)
      return { platform, name, slug: platformSlug(platform), emulated: false }
    })
    const available = parseInspectPlatforms(fixture('inspect-multi-node.txt'))
    expect(unsupportedPlatforms(plan, available)).toEqual(['linux/ppc64le'])
    expect(unsupportedPlatforms(plan, [])).toEqual([])
  })
})

describe('downloadRetryable', () => {
  it.each([
    [{ status: 404 }, false],
    [{ status: 403 }, false],
    [{ status: 500 }, true],
    [{ status: 503 }, true],
    [{ status: 429 }, true],
    [{ status: 408 }, true],
    [{ code: 'ECONNRESET' }, true],
    [{ code: 'ETIMEDOUT' }, true],
    [{ code: 'EAI_AGAIN' }, true],
    [{ code: 'ENOTFOUND' }, false],
    [{ code: 'ECONNREFUSED' }, false],
    [{ code: 'CERT_HAS_EXPIRED' }, false],
    [{}, false]
  ])('%j -> %s', (failure, retry) => {
    expect(downloadRetryable(failure)).toBe(retry)
  })
})

describe('parseInspectBuildkitVersions', () => {
  it.each([
    ['inspect-remote-0.10.5.txt', ['0.11.6']],
    ['inspect-old.txt', ['0.10.6']],
    ['inspect-docker-driver.txt', ['0.16.0']],
    // The third node is inactive: no version to show.
    ['inspect-multi-node.txt', ['0.16.0', '0.16.0', undefined]]
  ])('%s -> %j', (file, versions) => {
    expect(parseInspectBuildkitVersions(fixture(file))).toEqual(versions)
  })

  it('finds no node where inspect lists none', () => {
    expect(parseInspectBuildkitVersions('Name: b\nDriver: remote\n')).toEqual([])
  })
})

describe('refusedSecondOutput', () => {
  it("knows buildx's refusal of a daemon without several exporters, and nothing else", () => {
    expect(
      refusedSecondOutput(
        'ERROR: multiple outputs currently unsupported by the current BuildKit daemon, please upgrade to version v0.13+ or use a single output\n'
      )
    ).toBe(true)
    expect(
      refusedSecondOutput(
        'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1\n'
      )
    ).toBe(false)
  })
})

describe('buildLogDriver', () => {
  it.each([
    [
      '#0 building with "bench" instance using remote driver\n#1 [internal] load',
      'bench',
      'remote'
    ],
    ['#0 building with "b" instance using docker-container driver\n', 'b', 'docker-container'],
    // Another builder's name, or buildx before 0.11, which names none: inspect says.
    ['#0 building with "other" instance using remote driver\n', 'b', undefined],
    ['#1 [internal] load build definition from Dockerfile\n', 'b', undefined]
  ])('%j (builder %s) -> %s', (log, builder, driver) => {
    expect(buildLogDriver(log, builder)).toBe(driver)
  })
})
