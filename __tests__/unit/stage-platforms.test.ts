import { describe, expect, it } from 'vitest'
import { namedFromLine } from '../../src/engines/buildah.js'
import {
  buildPlatformArgs,
  expandArgs,
  parseDockerfile,
  pinStages,
  planStages,
  withoutAutomaticArgWarning
} from '../../src/engines/stage-platforms.js'
import { formatPlatform, parsePlatform } from '../../src/platform.js'

const amd64 = parsePlatform('amd64')
const arm64 = parsePlatform('arm64')
const armv7 = parsePlatform('arm/v7')

function plan(
  dockerfile: string,
  target = arm64,
  buildArgs: { key: string; value: string }[] = []
) {
  const { bases, unresolved } = planStages(parseDockerfile(dockerfile), {
    target,
    host: amd64,
    buildArgs,
    targetStage: ''
  })
  return {
    bases: bases.map(base => [
      base.line,
      base.image,
      formatPlatform(base.platform),
      base.fromStage
    ]),
    unresolved
  }
}

describe('planStages', () => {
  it.each([
    [1, 'FROM busybox\n', [[0, 'busybox', 'linux/arm64', false]], []],
    [
      2,
      'ARG BASE=r.io/base:1\nFROM --platform=$BUILDPLATFORM ${BASE} AS tool\nRUN make\nFROM $BASE\nCOPY --from=tool /x /x\n',
      [
        [1, 'r.io/base:1', 'linux/amd64', false],
        [3, 'r.io/base:1', 'linux/arm64', false]
      ],
      []
    ],
    [
      3,
      // A stage's own image keeps the platform it was built for.
      'FROM --platform=${BUILDPLATFORM} golang AS build\nFROM build AS test\nFROM scratch\n',
      [
        [0, 'golang', 'linux/amd64', false],
        [1, 'build', 'linux/amd64', true]
      ],
      []
    ],
    [
      4,
      'FROM --platform=$TARGETPLATFORM alpine\nfrom   debian:12   as   Final\n',
      [
        [0, 'alpine', 'linux/arm64', false],
        [1, 'debian:12', 'linux/arm64', false]
      ],
      []
    ],
    [
      5,
      // Forms the action does not read the way buildah does are left to buildah.
      'ARG V\nFROM base:${V:?required}\nFROM --platform=$OTHER busybox\n',
      [],
      ['FROM base:${V:?required}', 'FROM --platform=$OTHER busybox']
    ],
    [
      6,
      '# escape=`\nFROM `\n  --platform=$BUILDPLATFORM `\n  busybox AS tool\nFROM busybox\n',
      [
        [1, 'busybox', 'linux/amd64', false],
        [4, 'busybox', 'linux/arm64', false]
      ],
      []
    ],
    [
      7,
      'ARG TAG=1\nFROM r.io/base-$TARGETARCH:${TAG:-latest}\n',
      [[1, 'r.io/base-arm64:1', 'linux/arm64', false]],
      []
    ]
  ] as const)('%i', (_, dockerfile, bases, unresolved) => {
    expect(plan(dockerfile)).toEqual({ bases, unresolved })
  })

  it('lets a build arg reach FROM only through a global ARG', () => {
    const dockerfile = 'ARG BASE=a\nFROM $BASE\nFROM ${LATE:-b}\n'
    expect(
      plan(dockerfile, arm64, [
        { key: 'BASE', value: 'given' },
        { key: 'LATE', value: 'ignored' }
      ]).bases.map(base => base[1])
    ).toEqual(['given', 'b'])
  })

  it('stops at the target stage', () => {
    const { bases } = planStages(parseDockerfile('FROM a AS one\nFROM b AS two\nFROM c\n'), {
      target: armv7,
      host: amd64,
      buildArgs: [],
      targetStage: 'two'
    })
    expect(bases.map(base => base.image)).toEqual(['a', 'b'])
  })
})

describe('pinStages', () => {
  it('names the platform and the pulled image on each FROM, keeping every other line', () => {
    const dockerfile = [
      'ARG BASE=r.io/base:1',
      'FROM --platform=$BUILDPLATFORM ${BASE} AS tool',
      'RUN make \\',
      '  FROM=not-an-instruction',
      '  FROM ${BASE}',
      'COPY --from=tool /x /x',
      ''
    ].join('\n')
    expect(
      pinStages(parseDockerfile(dockerfile), [
        { line: 1, platform: amd64, base: 'a'.repeat(64) },
        { line: 4, platform: armv7, base: 'b'.repeat(64) }
      ])
    ).toBe(
      [
        'ARG BASE=r.io/base:1',
        `FROM --platform=linux/amd64 ${'a'.repeat(64)} AS tool`,
        'RUN make \\',
        '  FROM=not-an-instruction',
        `  FROM --platform=linux/arm/v7 ${'b'.repeat(64)}`,
        'COPY --from=tool /x /x',
        ''
      ].join('\n')
    )
  })

  it('keeps the line count of a FROM that spans lines', () => {
    const pinned = pinStages(parseDockerfile('FROM \\\n  busybox \\\n  AS x\nRUN true\n'), [
      { line: 0, platform: arm64, base: 'id' }
    ])
    expect(pinned.split('\n')).toEqual([
      'FROM --platform=linux/arm64 id AS x',
      '',
      '',
      'RUN true',
      ''
    ])
  })
})

describe('platform build args and the warning about them', () => {
  it('names the build host, leaving what the user set', () => {
    expect(buildPlatformArgs(armv7, [{ key: 'BUILDOS', value: 'mine' }])).toEqual([
      { key: 'BUILDPLATFORM', value: 'linux/arm/v7' },
      { key: 'BUILDARCH', value: 'arm' },
      { key: 'BUILDVARIANT', value: 'v7' }
    ])
    expect(buildPlatformArgs(amd64, []).map(arg => arg.key)).toEqual([
      'BUILDPLATFORM',
      'BUILDOS',
      'BUILDARCH'
    ])
  })

  it.each([
    [
      '[Warning] one or more build args were not consumed: [TARGETARCH TARGETOS TARGETPLATFORM]',
      undefined
    ],
    [
      '[Warning] one or more build args were not consumed: [BUILDARCH MY_ARG TARGETOS]',
      '[Warning] one or more build args were not consumed: [MY_ARG]'
    ],
    ['STEP 1/2: FROM busybox', 'STEP 1/2: FROM busybox']
  ])('%s', (line, kept) => {
    expect(withoutAutomaticArgWarning(line)).toBe(kept)
  })

  it('expands the forms FROM lines use, and refuses the rest', () => {
    const values = new Map<string, string | undefined>([
      ['A', 'x'],
      ['EMPTY', '']
    ])
    expect(expandArgs('$A-${A}-${EMPTY:-d}-${EMPTY-d}-${NONE-n}', values)).toBe('x-x-d--n')
    expect(expandArgs('${A:+set}', values)).toBeUndefined()
    expect(expandArgs('${A', values)).toBeUndefined()
  })

  it("puts the image's name back on the log's FROM lines", () => {
    const id = 'c'.repeat(64)
    const names = new Map([[id, 'r.io/base:1']])
    expect(namedFromLine(`[1/2] STEP 1/3: FROM ${id} AS tool`, names)).toBe(
      `[1/2] STEP 1/3: FROM r.io/base:1 (image ${'c'.repeat(12)}) AS tool`
    )
    expect(namedFromLine('STEP 2/3: RUN true', names)).toBe('STEP 2/3: RUN true')
  })
})
