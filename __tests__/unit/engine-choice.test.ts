import { describe, expect, it } from 'vitest'
import { type EngineFacts, decideEngine } from '../../src/modes/build/engine-choice.js'

const UP = { up: true, version: '27.3.1' } as const
const DOWN = { up: false, reason: 'Cannot connect to the Docker daemon' } as const

function facts(overrides: Partial<EngineFacts>): EngineFacts {
  return {
    requested: 'auto',
    elsewhere: undefined,
    buildx: '0.17.1',
    daemon: UP,
    buildah: '1.28.2',
    ...overrides
  }
}

describe('decideEngine', () => {
  it.each([
    // requested, elsewhere, buildx plugin, daemon, buildah -> engine
    ['auto', undefined, '0.17.1', UP, '1.28.2', 'buildx'],
    ['auto', undefined, '0.17.1', UP, undefined, 'buildx'],
    ['auto', undefined, '0.17.1', DOWN, '1.28.2', 'buildah'],
    ['auto', undefined, undefined, UP, '1.28.2', 'buildah'],
    ['auto', undefined, undefined, DOWN, '1.28.2', 'buildah'],
    ['auto', 'builder `shared`', '0.17.1', DOWN, '1.28.2', 'buildx'],
    ['auto', 'endpoint `tcp://bk:1234`', '0.17.1', DOWN, undefined, 'buildx'],
    ['auto', 'driver `kubernetes`', '0.17.1', DOWN, undefined, 'buildx'],
    // An endpoint cannot help when there is no buildx to use it.
    ['auto', 'endpoint `tcp://bk:1234`', undefined, DOWN, '1.28.2', 'buildah'],
    ['buildx', undefined, '0.17.1', UP, undefined, 'buildx'],
    // An explicit buildx installs its plugin when missing; it needs only somewhere to build.
    ['buildx', undefined, undefined, UP, undefined, 'buildx'],
    ['buildx', 'builder `shared`', '0.17.1', DOWN, undefined, 'buildx'],
    ['buildah', undefined, '0.17.1', UP, '1.28.2', 'buildah'],
    ['buildah', undefined, undefined, DOWN, '1.28.2', 'buildah']
  ] as const)(
    '%s, elsewhere %s, buildx %s, daemon %o, buildah %s -> %s',
    (requested, elsewhere, buildx, daemon, buildah, engine) => {
      const decision = decideEngine({ requested, elsewhere, buildx, daemon, buildah })
      expect(decision.engine).toBe(engine)
    }
  )

  it('says why buildx was passed over when auto falls back to buildah', () => {
    const decision = decideEngine(facts({ daemon: DOWN }))
    expect(decision).toEqual({
      engine: 'buildah',
      reason: '`engine: auto`: buildah 1.28.2 is installed',
      passedOver:
        'the Docker daemon does not answer (Cannot connect to the Docker daemon) and neither `builder` nor `endpoint` names a builder elsewhere'
    })
    expect(decideEngine(facts({ buildx: undefined }))).toMatchObject({
      engine: 'buildah',
      passedOver: 'docker buildx is not installed'
    })
  })

  it('gives the reason for buildx', () => {
    expect(decideEngine(facts({}))).toMatchObject({
      engine: 'buildx',
      reason: '`engine: auto`: the Docker daemon 27.3.1 answers'
    })
    expect(decideEngine(facts({ elsewhere: 'builder `shared`', daemon: DOWN }))).toMatchObject({
      engine: 'buildx',
      reason: '`engine: auto`: builder `shared` is given'
    })
  })

  it.each([
    [
      'auto with no daemon and no buildah',
      facts({ daemon: DOWN, buildah: undefined }),
      /^engine `auto` found no engine that can build here: the Docker daemon does not answer \(Cannot connect to the Docker daemon\) .*, and buildah is not installed$/
    ],
    [
      'auto with neither buildx nor buildah',
      facts({ buildx: undefined, buildah: undefined }),
      /^engine `auto` found no engine that can build here: docker buildx is not installed, and buildah is not installed$/
    ],
    [
      'buildx asked for with no daemon',
      facts({ requested: 'buildx', daemon: DOWN, buildah: undefined }),
      /^engine `buildx` cannot build here: the Docker daemon does not answer/
    ],
    [
      'buildah asked for and missing',
      facts({ requested: 'buildah', buildah: undefined }),
      /^engine `buildah`: buildah is not installed$/
    ],
    [
      'buildah asked for, installed, and not running',
      facts({
        requested: 'buildah',
        buildah: undefined,
        buildahProblem:
          '`buildah --version` exited with code 1: stat /x/storage.conf: permission denied'
      }),
      /^engine `buildah`: buildah is installed but does not run \(`buildah --version` exited with code 1: stat \/x\/storage\.conf: permission denied\)$/
    ],
    [
      'auto with no daemon and a buildah that does not run',
      facts({
        daemon: DOWN,
        buildah: undefined,
        buildahProblem: '`buildah --version` exited with code 125'
      }),
      /, and buildah is installed but does not run \(`buildah --version` exited with code 125\)$/
    ]
  ])('refuses %s, naming the ways out', (_name, given, problem) => {
    const decision = decideEngine(given)
    if (decision.engine !== undefined) throw new Error(`chose ${decision.engine}`)
    expect(decision.problem).toMatch(problem)
    if (given.requested !== 'buildah') {
      for (const way of ['`builder`', '`endpoint`', '`engine: buildah`', 'start Docker']) {
        expect(decision.fix).toContain(way)
      }
    }
  })

  it('tells an explicit buildx without a daemon that buildah is there', () => {
    const decision = decideEngine(facts({ requested: 'buildx', daemon: DOWN }))
    expect(decision).toMatchObject({ engine: undefined })
    expect(decision.engine === undefined && decision.fix).toMatch(/\(buildah is installed here\)$/)
  })
})
