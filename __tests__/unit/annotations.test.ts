import { describe, expect, it } from 'vitest'
import {
  type Annotation,
  annotationsAt,
  formatAnnotation,
  parseAnnotationLine
} from '../../src/annotations.js'
import { readInputs } from '../../src/inputs.js'
import { inputSource } from '../../__fixtures__/inputs.js'

describe('parseAnnotationLine', () => {
  it.each<[number, string, Annotation[]]>([
    [
      1,
      'org.opencontainers.image.title=app',
      [{ level: 'manifest', key: 'org.opencontainers.image.title', value: 'app' }]
    ],
    [2, 'manifest:a=1', [{ level: 'manifest', key: 'a', value: '1' }]],
    [3, 'index:a=1', [{ level: 'index', key: 'a', value: '1' }]],
    [4, 'manifest-descriptor:a=1', [{ level: 'manifest-descriptor', key: 'a', value: '1' }]],
    [5, 'index-descriptor:a=1', [{ level: 'index-descriptor', key: 'a', value: '1' }]],
    [
      6,
      'manifest,index:org.opencontainers.image.source=https://github.com/acme/app',
      [
        {
          level: 'manifest',
          key: 'org.opencontainers.image.source',
          value: 'https://github.com/acme/app'
        },
        {
          level: 'index',
          key: 'org.opencontainers.image.source',
          value: 'https://github.com/acme/app'
        }
      ]
    ],
    [
      7,
      'manifest[arm64]:a=only arm',
      [{ level: 'manifest', platform: 'linux/arm64', key: 'a', value: 'only arm' }]
    ],
    [
      8,
      'manifest-descriptor[linux/arm/v7]:a=',
      [{ level: 'manifest-descriptor', platform: 'linux/arm/v7', key: 'a', value: '' }]
    ],
    [9, 'a=b=c:d', [{ level: 'manifest', key: 'a', value: 'b=c:d' }]],
    [10, 'index,index:a=1', [{ level: 'index', key: 'a', value: '1' }]]
  ])('%i: %s', (_n, line, expected) => {
    expect(parseAnnotationLine(line)).toEqual(expected)
  })

  it.each([
    ['no equals sign', 'org.opencontainers.image.title', /is not KEY=value/],
    ['an unknown level', 'manifests:a=1', /names the level `manifests`, which is not one/],
    ['one unknown level of two', 'manifest,layer:a=1', /names the level `layer`/],
    ['a platform on the index', 'index[linux/amd64]:a=1', /names a platform for the index/],
    ['a platform that is none', 'manifest[linux/arm65]:a=1', /linux\/arm65/],
    ['an empty key', 'index:=1', /`` is not an annotation key/],
    ['a key with a blank', 'my key=1', /is not an annotation key/]
  ])('refuses %s', (_name, line, message) => {
    expect(() => parseAnnotationLine(line)).toThrow(message)
  })
})

describe('the annotations input', () => {
  it('reads every line at its level, a bare line at the manifest level (metadata-action default)', () => {
    const inputs = readInputs(
      inputSource({
        annotations:
          'org.opencontainers.image.title=app\nindex:org.opencontainers.image.version=1.0'
      }),
      {}
    )
    expect(inputs.annotations.map(formatAnnotation)).toEqual([
      'manifest:org.opencontainers.image.title=app',
      'index:org.opencontainers.image.version=1.0'
    ])
  })

  it('names the input and the valid levels for a bad prefix', () => {
    expect(() => readInputs(inputSource({ annotations: 'indexes:a=1' }), {})).toThrow(
      'input `annotations`: line `indexes:a=...` names the level `indexes`, which is not one. Valid levels: manifest, index, manifest-descriptor, index-descriptor'
    )
  })
})

describe('annotationsAt', () => {
  const annotations = [
    ...parseAnnotationLine('manifest,index:a=1'),
    ...parseAnnotationLine('manifest[linux/arm64]:b=2'),
    ...parseAnnotationLine('manifest:a=3')
  ]
  it.each<[string, string | undefined, Record<string, string>]>([
    ['manifest', undefined, { a: '3' }],
    ['manifest', 'linux/arm64', { a: '3', b: '2' }],
    ['manifest', 'linux/amd64', { a: '3' }],
    ['index', undefined, { a: '1' }],
    ['manifest-descriptor', 'linux/arm64', {}]
  ])('%s for %s', (level, platform, expected) => {
    expect(annotationsAt(annotations, level as Annotation['level'], platform)).toEqual(expected)
  })
})
