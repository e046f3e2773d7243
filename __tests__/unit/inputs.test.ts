import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { inputSource } from '../../__fixtures__/inputs.js'
import { readInputs } from '../../src/inputs.js'
import { parseList } from '../../src/input-list.js'
import { formatPlatform } from '../../src/platform.js'
import { formatReference } from '../../src/reference.js'

describe('parseList', () => {
  it.each([
    ['a,b\nc', ['a', 'b', 'c']],
    ['a, b , ,c', ['a', 'b', 'c']],
    ['"a,b",c', ['a,b', 'c']],
    ['\n\n a \n', ['a']],
    ['', []]
  ])('splits %j with commas', (value, expected) => {
    expect(parseList(value, { commas: true })).toEqual(expected)
  })

  it('keeps commas inside a line when commas are off', () => {
    expect(parseList('A=1,2\n B=x ', { commas: false })).toEqual(['A=1,2', 'B=x'])
  })

  it('throws on a quoting mistake', () => {
    expect(() => parseList('a,"b', { commas: true })).toThrow()
  })
})

describe('readInputs', () => {
  it('reads the defaults into a frozen object', () => {
    const inputs = readInputs(inputSource())
    expect(inputs.mode).toBe('build')
    expect(inputs.platforms).toEqual([])
    expect(inputs.context).toBe('.')
    expect(inputs.push).toBe(false)
    expect(inputs.qemu).toBe('auto')
    expect(inputs.qemuInstall).toBe(true)
    expect(Object.isFrozen(inputs)).toBe(true)
    expect(Object.isFrozen(inputs.platforms)).toBe(true)
    expect(Object.isFrozen(inputs.runners.byPlatform)).toBe(true)
  })

  it('normalises everything a build needs', () => {
    const inputs = readInputs(
      inputSource({
        platforms: 'x86_64,aarch64\narmhf',
        tags: 'ghcr.io/owner/app:1.0, 127.0.0.1:5000/app',
        'build-args': 'A=1,2\nB=',
        labels: 'org.opencontainers.image.title=app',
        secrets: 'token=abc=def',
        'cache-from': 'type=registry,ref=ghcr.io/owner/cache\nghcr.io/owner/other',
        push: 'TRUE',
        'no-cache': 'True',
        runners: 'linux/s390x=big\ndefault=x'
      })
    )
    expect(inputs.platforms.map(formatPlatform)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7'
    ])
    expect(inputs.tags.map(formatReference)).toEqual([
      'ghcr.io/owner/app:1.0',
      '127.0.0.1:5000/app:latest'
    ])
    expect(inputs.buildArgs).toEqual([
      { key: 'A', value: '1,2' },
      { key: 'B', value: '' }
    ])
    expect(inputs.secrets).toEqual([{ id: 'token', value: 'abc=def' }])
    expect(inputs.cacheFrom).toEqual([
      { type: 'registry', attributes: { ref: 'ghcr.io/owner/cache' } },
      { type: 'registry', attributes: { ref: 'ghcr.io/owner/other' } }
    ])
    expect(inputs.push).toBe(true)
    expect(inputs.noCache).toBe(true)
    expect(inputs.runners).toEqual({ byPlatform: { 'linux/s390x': 'big' }, fallback: 'x' })
  })

  it.each([
    [{ mode: 'deploy' }, /^input `mode`: is `deploy`. Valid: build, matrix, merge$/],
    [{ mode: 'merge', platforms: 'arm64' }, /^input `tags`: is empty, and mode `merge` pushes/],
    [
      { sources: `r.io/app@sha256:${'a'.repeat(64)}` },
      /^input `sources`: is for mode `merge` only/
    ],
    [
      { mode: 'merge', platforms: 'arm64', tags: 'r.io/a:1', sources: 'r.io/app:1' },
      /^input `sources`: `r.io\/app:1` has no digest/
    ],
    [
      { 'push-by-digest': 'true', platforms: 'amd64,arm64', push: 'true', tags: 'r.io/a:1' },
      /^input `push-by-digest`: needs mode `build`, `push: true` and exactly one platform/
    ],
    [{ mode: 'matrix' }, /^input `platforms`: is empty, and mode `matrix` needs/],
    [{ platforms: 'linux/arm65' }, /^input `platforms`: platform `linux\/arm65` is not known/],
    [{ push: 'yes' }, /^input `push`: is `yes`, not a boolean. Valid: true, True, TRUE/],
    [{ push: 'true' }, /^input `tags`: is empty but `push` is true/],
    [{ tags: 'Owner/App:1' }, /^input `tags`: `Owner\/App:1` has an invalid repository name/],
    [{ tags: 'app:bad tag' }, /^input `tags`: .* has a tag that is not/],
    [
      { tags: `app@sha256:${'a'.repeat(64)}` },
      /^input `tags`: `app@sha256:a+` is a digest reference/
    ],
    [{ 'build-args': 'NOEQUALS' }, /^input `build-args`: line `NOE...` is not KEY=value/],
    [{ 'build-args': '1A=x' }, /^input `build-args`: line `1A` is not KEY=value/],
    [{ secrets: '=value' }, /^input `secrets`: line `` is not KEY=value/],
    [{ labels: 'a b=c' }, /^input `labels`: line `a b` is not KEY=value/],
    [
      { 'cache-to': 'type=registry,mode' },
      /^input `cache-to`: .* has a field `mode` that is not key=value/
    ],
    [{ runners: 'linux/s390x' }, /^input `runners`: line `linux\/s390x` is not platform=label/],
    [{ runners: 'linux/sparc=x' }, /^input `runners`: platform `linux\/sparc` is not known/],
    [{ password: 'p' }, /^input `username`: is empty while `password` is set/],
    [{ engine: 'docker' }, /^input `engine`: is `docker`. Valid: auto, buildx, buildah$/],
    [{ qemu: 'maybe' }, /^input `qemu`: is `maybe`. Valid: auto, true, false$/]
  ])('refuses %j', (overrides, message) => {
    expect(() => readInputs(inputSource(overrides))).toThrow(message)
  })

  it.each([
    [
      '1 MB of build-args',
      { 'build-args': `BIG=${'x'.repeat(1024 * 1024)}` },
      /^input `build-args`: is 1048580 bytes; the limit is 102400/
    ],
    [
      'one 40 KB label',
      { labels: `big=${'x'.repeat(40 * 1024)}` },
      /^input `labels`: has an item of 40964 bytes; the limit is 32768/
    ]
  ])('refuses %s', (_, overrides, message) => {
    expect(() => readInputs(inputSource(overrides))).toThrow(message)
  })

  it.each(['0', '65', '1.5', 'two', '-1'])('refuses max-parallelism %j', value => {
    expect(() => readInputs(inputSource({ 'max-parallelism': value }))).toThrow(
      `input \`max-parallelism\`: is \`${value}\`. Valid: a whole number from 1 to 64, or empty for this runner's CPU count (${availableParallelism()})`
    )
  })

  it('reads max-parallelism, and hands it to buildx only when given', () => {
    const fromDefault = readInputs(inputSource())
    expect(fromDefault.maxParallelism).toBe(Math.min(64, availableParallelism()))
    expect(fromDefault.buildx.workerParallelism).toBeUndefined()
    const given = readInputs(inputSource({ 'max-parallelism': ' 3 ' }))
    expect(given.maxParallelism).toBe(3)
    expect(given.buildx.workerParallelism).toBe(3)
  })

  it('never echoes a secret value in its error', () => {
    expect(() => readInputs(inputSource({ secrets: 'hunter2-is-secret' }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as string })
    )
  })
})
