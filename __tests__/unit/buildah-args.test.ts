import { describe, expect, it } from 'vitest'
import {
  buildahBuildArgs,
  buildahCacheRepository,
  buildahCreateListArgs,
  buildahExportArgs,
  buildahPullArgs,
  refuseIndexDescriptor
} from '../../src/engines/buildah/argv.js'
import { countCacheHits } from '../../src/engines/buildah/log.js'
import { loginFix } from '../../src/engines/buildah/login.js'
import type { BuildRequest } from '../../src/engines/engine.js'
import { parsePlatform, parsePlatforms } from '../../src/platform.js'
import { planBuild } from '../../src/plan.js'

const [arm64] = planBuild(parsePlatforms(['arm64']), parsePlatform('amd64'), {
  arm32OnArm64: false
})
const base: BuildRequest = {
  platforms: arm64 === undefined ? [] : [arm64],
  context: '/w/ctx',
  file: '/w/ctx/Dockerfile',
  tags: [],
  labels: [],
  annotations: [],
  buildArgs: [],
  secrets: [],
  target: '',
  noCache: false,
  pull: false,
  push: false,
  keepForChecks: false,
  cacheFrom: [],
  cacheTo: [],
  logins: [],
  tempDir: '/tmp/run',
  maxParallelism: 2,
  sourceDateEpoch: undefined,
  buildPlatform: parsePlatform('amd64')
}
const head = ['build', '--platform', 'linux/arm64', '--layers', '--force-rm']

describe('buildahBuildArgs', () => {
  it.each([
    [1, {}, [], undefined, ['--file', '/w/ctx/Dockerfile', '--pull=missing', '/w/ctx']],
    [
      2,
      { target: 'final', noCache: true, pull: true },
      [],
      undefined,
      ['--file', '/w/ctx/Dockerfile', '--target', 'final', '--no-cache', '--pull=always', '/w/ctx']
    ],
    [
      3,
      {
        buildArgs: [{ key: 'A', value: '1,2' }],
        labels: [{ key: 'l', value: 'v' }],
        annotations: [{ level: 'manifest', key: 'a', value: 'b' }]
      },
      [],
      undefined,
      [
        '--file',
        '/w/ctx/Dockerfile',
        '--build-arg',
        'A=1,2',
        '--label',
        'l=v',
        '--annotation',
        'a=b',
        '--pull=missing',
        '/w/ctx'
      ]
    ],
    [
      6,
      {
        // Only this platform's manifest-level ones; the index levels are the action's to write.
        annotations: [
          { level: 'manifest', key: 'a', value: 'all' },
          { level: 'manifest', platform: 'linux/arm64', key: 'b', value: 'arm' },
          { level: 'manifest', platform: 'linux/s390x', key: 'c', value: 'no' },
          { level: 'index', key: 'i', value: 'no' },
          { level: 'manifest-descriptor', key: 'd', value: 'no' }
        ],
        sourceDateEpoch: 1700000000
      },
      [],
      undefined,
      [
        '--file',
        '/w/ctx/Dockerfile',
        '--annotation',
        'a=all',
        '--annotation',
        'b=arm',
        '--timestamp',
        '1700000000',
        '--pull=missing',
        '/w/ctx'
      ]
    ],
    [
      7,
      { sourceDateEpoch: 0 },
      [],
      undefined,
      ['--file', '/w/ctx/Dockerfile', '--timestamp', '0', '--pull=missing', '/w/ctx']
    ],
    [
      4,
      { secrets: [{ id: 'token', value: 'never-in-argv' }] },
      [{ id: 'token', file: '/tmp/run/secret-1' }],
      '/tmp/run/auth.json',
      [
        '--authfile',
        '/tmp/run/auth.json',
        '--file',
        '/w/ctx/Dockerfile',
        '--secret',
        'id=token,src=/tmp/run/secret-1',
        '--pull=missing',
        '/w/ctx'
      ]
    ],
    [
      5,
      {
        cacheFrom: [{ type: 'registry', attributes: { ref: 'r.io/app:cache' } }],
        cacheTo: [{ type: 'registry', attributes: { ref: 'r.io/app-cache', mode: 'max' } }]
      },
      [],
      undefined,
      [
        '--file',
        '/w/ctx/Dockerfile',
        '--pull=missing',
        '--cache-from',
        'r.io/app',
        '--cache-to',
        'r.io/app-cache',
        '/w/ctx'
      ]
    ]
  ] as const)('%i', (_, overrides, secretFiles, authFile, tail) => {
    if (arm64 === undefined) throw new Error('no plan')
    const args = buildahBuildArgs({ ...base, ...overrides }, arm64, secretFiles, authFile)
    expect(args).toEqual([...head, ...tail])
    expect(args.join(' ')).not.toContain('never-in-argv')
  })

  it('builds from the rewritten Dockerfile, with the ignore file beside the original', () => {
    if (arm64 === undefined) throw new Error('no plan')
    const args = buildahBuildArgs(
      { ...base, buildArgs: [{ key: 'A', value: '1' }] },
      arm64,
      [],
      undefined,
      {
        file: '/tmp/run/Dockerfile.linux-arm64',
        ignoreFile: '/w/ctx/Dockerfile.dockerignore',
        iidFile: '/tmp/iid',
        extraBuildArgs: [{ key: 'BUILDPLATFORM', value: 'linux/amd64' }]
      }
    )
    expect(args).toEqual([
      ...head,
      '--iidfile',
      '/tmp/iid',
      '--file',
      '/tmp/run/Dockerfile.linux-arm64',
      '--ignorefile',
      '/w/ctx/Dockerfile.dockerignore',
      '--build-arg',
      'A=1',
      '--build-arg',
      'BUILDPLATFORM=linux/amd64',
      '--pull=missing',
      '/w/ctx'
    ])
  })

  it('does not ask buildah to pull again bases the action pulled (and named by id)', () => {
    if (arm64 === undefined) throw new Error('no plan')
    const pulled = { ...base, pull: true }
    expect(buildahBuildArgs(pulled, arm64, [], undefined)).toContain('--pull=always')
    expect(buildahBuildArgs(pulled, arm64, [], undefined, { basesPulled: true })).toContain(
      '--pull=missing'
    )
  })

  it('pulls one base for one platform, and adds an image to the list as --manifest would', () => {
    expect(
      buildahPullArgs('r.io/base:1', parsePlatform('arm/v7'), false, '/tmp/auth.json')
    ).toEqual([
      'pull',
      '--platform',
      'linux/arm/v7',
      '--policy',
      'missing',
      '--authfile',
      '/tmp/auth.json',
      'r.io/base:1'
    ])
    expect(buildahPullArgs('r.io/base:1', parsePlatform('s390x'), true, undefined)).toContain(
      'always'
    )
  })
})

describe('buildah helpers', () => {
  it('exports one image to an OCI layout, and lists the images in the order given', () => {
    expect(buildahExportArgs('0f1e', '/tmp/layout/linux-arm64')).toEqual([
      'push',
      '--quiet',
      '0f1e',
      'oci:/tmp/layout/linux-arm64'
    ])
    expect(buildahCreateListArgs('localhost/list', ['0f1e', 'a2b3'])).toEqual([
      'manifest',
      'create',
      'localhost/list',
      '0f1e',
      'a2b3'
    ])
  })

  it('refuses cache types buildah cannot use, and more than one source', () => {
    expect(() => buildahCacheRepository([{ type: 'gha', attributes: {} }], 'cache-from')).toThrow(
      /cache type `gha` is not available with the buildah engine/
    )
    expect(() =>
      buildahCacheRepository(
        [
          { type: 'registry', attributes: { ref: 'a' } },
          { type: 'registry', attributes: { ref: 'b' } }
        ],
        'cache-to'
      )
    ).toThrow(/takes one cache repository/)
  })

  it('counts cache hits in a build log', () => {
    expect(
      countCacheHits(
        'STEP 2/3: RUN x\n--> Using cache 0a1b2c\n--> 0a1b2c\nSTEP 3/3\n--> Using cache ffee00\n'
      )
    ).toBe(2)
  })
})

describe('loginFix', () => {
  it.each([
    [
      'x509: certificate signed by unknown authority',
      /put its CA in \/etc\/containers\/certs.d\/ghcr.io\/ca.crt/
    ],
    ['dial tcp: lookup ghcr.io: no such host', /Check that ghcr.io is reachable/],
    ['invalid username/password', /Check `username` and `password`/]
  ])('%s -> %s', (detail, fix) => {
    expect(loginFix('ghcr.io', detail)).toMatch(fix)
  })
})

describe('refuseIndexDescriptor', () => {
  it('refuses the index-descriptor level by name, and lets the others through', () => {
    expect(() => {
      refuseIndexDescriptor({
        annotations: [
          { level: 'index', key: 'a', value: '1' },
          { level: 'index-descriptor', key: 'b', value: '2' }
        ]
      })
    }).toThrow(
      'input `annotations`: `index-descriptor:b=2` asks for the index-descriptor level, which the buildah engine cannot write'
    )
    expect(() => {
      refuseIndexDescriptor({
        annotations: [
          { level: 'manifest', key: 'a', value: '1' },
          { level: 'index', key: 'a', value: '1' },
          { level: 'manifest-descriptor', key: 'a', value: '1' }
        ]
      })
    }).not.toThrow()
  })
})
