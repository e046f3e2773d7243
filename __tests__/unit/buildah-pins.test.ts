import { describe, expect, it } from 'vitest'
import {
  chooseInstance,
  digestReference,
  indexEntries,
  parseImageDigests
} from '../../src/engines/buildah/bases.js'
import { applyEdits, parseDockerfile } from '../../src/engines/buildah/dockerfile.js'
import { recordedBaseName } from '../../src/engines/buildah/engine.js'
import { namedFromLine, withoutAutomaticArgWarning } from '../../src/engines/buildah/log.js'
import {
  buildPlatformArgs,
  expandArgs,
  imagesToPull,
  pinEdits,
  pinKey,
  planPins
} from '../../src/engines/buildah/pins.js'
import { needsPins, parseBuildahVersion } from '../../src/engines/buildah/version.js'
import { formatPlatform, parsePlatform } from '../../src/platform.js'

const amd64 = parsePlatform('amd64')
const arm64 = parsePlatform('arm64')
const armv7 = parsePlatform('arm/v7')

/** A readable stand-in for an image id: the name and the platform's architecture. */
function fakeId(image: string, platform: ReturnType<typeof parsePlatform>): string {
  return `ID(${image}|${platform.architecture}${platform.variant ?? ''})`
}

function pin(
  dockerfile: string,
  options: {
    target?: typeof arm64
    buildArgs?: { key: string; value: string }[]
    stage?: string
  } = {}
) {
  const parsed = parseDockerfile(dockerfile)
  const plan = planPins(parsed, {
    target: options.target ?? arm64,
    host: amd64,
    buildArgs: options.buildArgs ?? [],
    targetStage: options.stage ?? ''
  })
  const ids = new Map(
    imagesToPull([plan]).map(({ image, platform }) => [
      pinKey(image, platform),
      fakeId(image, platform)
    ])
  )
  const edits = pinEdits(plan, ids)
  return {
    plan,
    text: edits === undefined ? undefined : applyEdits(dockerfile, edits),
    pulls: imagesToPull([plan]).map(({ image, platform }) => `${image} ${formatPlatform(platform)}`)
  }
}

describe('pinning a Dockerfile for one platform', () => {
  it.each([
    [
      'a plain FROM',
      'FROM busybox\nRUN true\n',
      'FROM --platform=linux/arm64 ID(busybox|arm64)\nRUN true\n'
    ],
    [
      'a FROM line inside a heredoc is data, the COPY --from image after it is pinned',
      [
        '# syntax=docker/dockerfile:1',
        'FROM r.io/base:1',
        'RUN <<EOF',
        'FROM alpine',
        'COPY --from=r.io/not:me /a /b',
        'EOF',
        'COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/',
        ''
      ].join('\n'),
      [
        '# syntax=docker/dockerfile:1',
        'FROM --platform=linux/arm64 ID(r.io/base:1|arm64)',
        'RUN <<EOF',
        'FROM alpine',
        'COPY --from=r.io/not:me /a /b',
        'EOF',
        'COPY --from=ID(ghcr.io/astral-sh/uv:latest|arm64) /uv /bin/',
        ''
      ].join('\n')
    ],
    [
      '<<-, quoted delimiters and two heredocs on one line',
      [
        'FROM busybox',
        'RUN <<-"END" sh',
        '\tFROM inside',
        '\tEND',
        "COPY <<A <<'B' /dst/",
        'FROM a',
        'A',
        'FROM b',
        'B',
        'COPY --from=r.io/x /x /x',
        ''
      ].join('\n'),
      [
        'FROM --platform=linux/arm64 ID(busybox|arm64)',
        'RUN <<-"END" sh',
        '\tFROM inside',
        '\tEND',
        "COPY <<A <<'B' /dst/",
        'FROM a',
        'A',
        'FROM b',
        'B',
        'COPY --from=ID(r.io/x|arm64) /x /x',
        ''
      ].join('\n')
    ],
    [
      'RUN --mount=from=<image>, and stage references that are not images',
      [
        'ARG BASE=r.io/base:1',
        'FROM ${BASE} AS build',
        'RUN --mount=type=bind,from=r.io/tools:2,target=/t --mount=type=cache,target=/c make',
        'FROM build AS test',
        'COPY --from=build /x /x',
        'COPY --from=0 /y /y',
        'RUN --mount=from=build,target=/b true',
        ''
      ].join('\n'),
      [
        'ARG BASE=r.io/base:1',
        'FROM --platform=linux/arm64 ID(r.io/base:1|arm64) AS build',
        'RUN --mount=type=bind,from=ID(r.io/tools:2|arm64),target=/t --mount=type=cache,target=/c make',
        'FROM --platform=linux/arm64 build AS test',
        'COPY --from=build /x /x',
        'COPY --from=0 /y /y',
        'RUN --mount=from=build,target=/b true',
        ''
      ].join('\n')
    ],
    [
      '--platform=$BUILDPLATFORM and $TARGETPLATFORM, each stage its own platform',
      [
        'FROM --platform=$BUILDPLATFORM golang:1 AS tool',
        'COPY --from=r.io/helper /h /h',
        'FROM --platform=${TARGETPLATFORM} r.io/run-$TARGETARCH',
        'COPY --from=tool /bin/x /x',
        ''
      ].join('\n'),
      [
        'FROM --platform=linux/amd64 ID(golang:1|amd64) AS tool',
        'COPY --from=ID(r.io/helper|amd64) /h /h',
        'FROM --platform=linux/arm64 ID(r.io/run-arm64|arm64)',
        'COPY --from=tool /bin/x /x',
        ''
      ].join('\n')
    ],
    [
      '# escape=` with continuations, comments and CRLF kept byte for byte',
      [
        '# escape=`',
        '# a comment',
        'FROM `',
        '  # inside',
        '  busybox `',
        '  AS x',
        'COPY `',
        '  --from=r.io/y:1 /a /a',
        ''
      ].join('\r\n'),
      [
        '# escape=`',
        '# a comment',
        'FROM `',
        '  # inside',
        '  --platform=linux/arm64 ID(busybox|arm64) `',
        '  AS x',
        'COPY `',
        '  --from=ID(r.io/y:1|arm64) /a /a',
        ''
      ].join('\r\n')
    ],
    [
      'a stage ARG names the COPY --from image',
      'FROM busybox\nARG TOOL=r.io/tool\nARG TARGETARCH\nCOPY --from=${TOOL}-${TARGETARCH}:1 /t /t\n',
      'FROM --platform=linux/arm64 ID(busybox|arm64)\nARG TOOL=r.io/tool\nARG TARGETARCH\nCOPY --from=ID(r.io/tool-arm64:1|arm64) /t /t\n'
    ],
    [
      'scratch is no image, and a file without a final line break keeps that',
      'FROM scratch\nCOPY --from=r.io/a /a /a',
      'FROM scratch\nCOPY --from=ID(r.io/a|arm64) /a /a'
    ]
  ])('%s', (_, dockerfile, pinned) => {
    const { text, plan } = pin(dockerfile)
    expect(plan.unresolved).toEqual([])
    expect(text).toBe(pinned)
  })

  it('expands build-args only through a global ARG, and the target platform per platform', () => {
    const dockerfile =
      'ARG BASE=a\nFROM $BASE\nFROM ${LATE:-b}\nFROM r.io/c-$TARGETARCH$TARGETVARIANT\n'
    const { pulls } = pin(dockerfile, {
      target: armv7,
      buildArgs: [
        { key: 'BASE', value: 'given' },
        { key: 'LATE', value: 'ignored' }
      ]
    })
    expect(pulls).toEqual(['given linux/arm/v7', 'b linux/arm/v7', 'r.io/c-armv7 linux/arm/v7'])
  })

  it('pulls the stages up to --target only', () => {
    const { pulls } = pin('FROM a AS one\nFROM b AS two\nCOPY --from=r.io/x /x /x\nFROM c\n', {
      stage: 'two'
    })
    expect(pulls).toEqual(['a linux/arm64', 'b linux/arm64', 'r.io/x linux/arm64'])
  })

  it("records the final stage's base for its name", () => {
    expect(pin('FROM r.io/a AS x\nFROM r.io/b\n').plan.finalBase).toBe('r.io/b')
    expect(pin('FROM r.io/a AS x\nFROM x\n').plan.finalBase).toBeUndefined()
  })

  it.each([
    ['FROM base:${V:?required}\n', 'line 1'],
    ['FROM --platform=$OTHER busybox\n', 'line 1'],
    ['FROM busybox\nCOPY --from=$UNDECLARED /a /a\n', 'line 2'],
    ['FROM busybox\nCOPY --from=later /a /a\nFROM busybox AS later\n', 'line 2'],
    ['FROM busybox\nRUN --mount="from=r.io/x" true\n', 'line 2'],
    ['FROM --foo=bar busybox\n', 'line 1']
  ])('leaves to buildah what it cannot read: %j', (dockerfile, where) => {
    const { plan } = pin(dockerfile)
    expect(plan.unresolved).toHaveLength(1)
    expect(plan.unresolved[0]).toContain(where)
  })

  it('reads directives, comments, continuations and heredocs as instructions or not', () => {
    const parsed = parseDockerfile(
      '# syntax=docker/dockerfile:1.7\n# escape=\\\n\n# note\nFROM a \\\n\n  AS b\nRUN <<X cat\nFROM c\nX\nRUN echo <<notheredoc\n'
    )
    expect(Object.fromEntries(parsed.directives)).toEqual({
      syntax: 'docker/dockerfile:1.7',
      escape: '\\'
    })
    expect(parsed.instructions.map(instruction => [instruction.keyword, instruction.line])).toEqual(
      [
        ['from', 5],
        ['run', 8],
        ['run', 11]
      ]
    )
    expect(parsed.instructions[1]?.heredocs.map(heredoc => heredoc.delimiter)).toEqual(['X'])
    // A word that only starts like a heredoc is one when BuildKit's pattern says so.
    expect(parsed.instructions[2]?.heredocs).toHaveLength(1)
  })
})

describe('the version gate', () => {
  it.each([
    ['1.28.2', true, false, true],
    ['1.39.4', true, false, true],
    ['1.40.0', true, false, false],
    ['1.41.7', true, true, false],
    ['1.28.2', false, false, false],
    ['1.28.2', false, true, true],
    ['1.33.7', false, true, true],
    ['1.39.4', false, true, true],
    ['1.40.0', false, true, false],
    ['1.41.5', false, true, false],
    ['2.0.0', false, true, false],
    ['v1.44.0', false, true, false],
    ['unknown', false, true, true],
    ['unknown', false, false, false]
  ])(
    'buildah %s, side by side %s, a FROM with a platform %s: pins %s',
    (version, side, flags, needed) => {
      expect(needsPins(version, side, flags)).toBe(needed)
    }
  )

  it('reads the version buildah prints', () => {
    expect(parseBuildahVersion('1.28.2')).toEqual([1, 28, 2])
    expect(parseBuildahVersion('1.40')).toEqual([1, 40, 0])
    expect(parseBuildahVersion('dev')).toBeUndefined()
  })
})

describe('pulling by digest', () => {
  const index = indexEntries(
    JSON.stringify({
      manifests: [
        { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { digest: 'sha256:c', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        { digest: 'sha256:d', platform: { os: 'unknown', architecture: 'unknown' } }
      ]
    })
  )

  it("picks each platform's image of an index", () => {
    expect(index).toBeDefined()
    expect(chooseInstance(index ?? [], amd64)).toBe('sha256:a')
    expect(chooseInstance(index ?? [], arm64)).toBe('sha256:b')
    expect(chooseInstance(index ?? [], armv7)).toBe('sha256:c')
    expect(chooseInstance(index ?? [], parsePlatform('s390x'))).toBeUndefined()
    expect(indexEntries('{"schemaVersion":2,"config":{}}')).toBeUndefined()
    expect(indexEntries('not json')).toBeUndefined()
  })

  it.each([
    ['r.io/a:1', 'r.io/a@sha256:x'],
    ['127.0.0.1:5000/a/b:latest', '127.0.0.1:5000/a/b@sha256:x'],
    ['127.0.0.1:5000/a', '127.0.0.1:5000/a@sha256:x'],
    ['busybox', 'busybox@sha256:x'],
    ['r.io/a:1@sha256:y', 'r.io/a@sha256:x']
  ])('%s by digest is %s', (image, reference) => {
    expect(digestReference(image, 'sha256:x')).toBe(reference)
  })

  it.each([
    ['127.0.0.1:5000/fixtures/busybox', '127.0.0.1:5000/fixtures/busybox:latest'],
    ['ghcr.io/o/r:1', 'ghcr.io/o/r:1'],
    ['localhost/x:2', 'localhost/x:2'],
    ['busybox', undefined],
    ['library/busybox', undefined],
    ['r.io/a@sha256:' + 'a'.repeat(64), undefined]
  ])('buildah records the base %s as %s', (image, name) => {
    expect(recordedBaseName(image)).toBe(name)
  })
})

describe('platform build args and the log', () => {
  it('names the build host, leaving what the user set', () => {
    expect(buildPlatformArgs(armv7, [{ key: 'BUILDOS', value: 'mine' }])).toEqual([
      { key: 'BUILDPLATFORM', value: 'linux/arm/v7' },
      { key: 'BUILDARCH', value: 'arm' },
      { key: 'BUILDVARIANT', value: 'v7' }
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

  it('expands the forms references use, and refuses the rest', () => {
    const values = new Map<string, string | undefined>([
      ['A', 'x'],
      ['EMPTY', '']
    ])
    expect(expandArgs('$A-${A}-${EMPTY:-d}-${EMPTY-d}-${NONE-n}', values)).toBe('x-x-d--n')
    expect(expandArgs('${A:+set}', values)).toBeUndefined()
    expect(expandArgs('${A', values)).toBeUndefined()
    expect(expandArgs('$NONE', values, true)).toBeUndefined()
  })

  it("puts the image's name back on the log's lines", () => {
    const id = 'c'.repeat(64)
    const names = new Map([[id, 'r.io/base:1']])
    expect(namedFromLine(`[1/2] STEP 1/3: FROM --platform=linux/arm64 ${id} AS tool`, names)).toBe(
      `[1/2] STEP 1/3: FROM --platform=linux/arm64 r.io/base:1 (image ${'c'.repeat(12)}) AS tool`
    )
    expect(namedFromLine(`STEP 2/3: COPY --from=${id} /a /a`, names)).toBe(
      `STEP 2/3: COPY --from=r.io/base:1 (image cccccccccccc) /a /a`
    )
    expect(namedFromLine('STEP 2/3: RUN true', names)).toBe('STEP 2/3: RUN true')
  })
})

describe('parseImageDigests', () => {
  it("maps each listed digest to its image's bare id and skips what is not a pair", () => {
    const id = 'a'.repeat(64)
    const digest = `sha256:${'b'.repeat(64)}`
    expect(
      parseImageDigests(
        [
          `sha256:${id}   ${digest}`,
          `sha256:${'c'.repeat(64)}   <none>`,
          'garbage',
          '',
          `${'d'.repeat(64)} sha256:${'e'.repeat(64)}`
        ].join('\n')
      )
    ).toEqual(
      new Map([
        [digest, id],
        [`sha256:${'e'.repeat(64)}`, 'd'.repeat(64)]
      ])
    )
  })
})
