import { describe, expect, it } from 'vitest'
import { compileGlob, normaliseLayerPath } from '../../src/verify/glob.js'

describe('compileGlob', () => {
  it.each([
    ['usr/lib/firmware/**', 'usr/lib/firmware/intel/ucode.bin', true],
    ['usr/lib/firmware/**', 'usr/lib/firmware/a', true],
    ['usr/lib/firmware/**', 'usr/lib/firmwarex/a', false],
    ['usr/lib/firmware/**', 'usr/lib/other/a', false],
    ['/opt/cross/*', 'opt/cross/gcc', true],
    ['/opt/cross/*', 'opt/cross/bin/gcc', false],
    ['./opt/cross/*', 'opt/cross/gcc', true],
    ['opt/cross/*', './opt/cross/gcc', true],
    ['opt/cross/*', '/opt/cross/gcc', true],
    ['**/*.ko', 'lib/modules/6.1/kernel/fs/x.ko', true],
    ['**/*.ko', 'x.ko', true],
    ['**/*.ko', 'x.ko.xz', false],
    ['usr/**/qemu-*', 'usr/bin/qemu-x86_64', true],
    ['usr/**/qemu-*', 'usr/qemu-x86_64', true],
    ['usr/**/qemu-*', 'usr/local/lib/qemu/qemu-arm', true],
    ['usr/bin/app?', 'usr/bin/app2', true],
    ['usr/bin/app?', 'usr/bin/app', false],
    ['usr/bin/app?', 'usr/bin/app/', false],
    ['usr/bin/a?c', 'usr/bin/a/c', false],
    ['**', 'anything/at/all', true],
    ['usr/bin/app', 'usr/bin/app', true],
    ['usr/bin/app', 'usr/bin/app2', false],
    ['usr/bin/*', 'usr/bin/', false],
    ['usr/lib/libc.so.6', 'usr/lib/libcXso.6', false],
    ['opt/[x]/(y)+{z}', 'opt/[x]/(y)+{z}', true],
    ['opt/[x]', 'opt/x', false],
    ['opt/a**b', 'opt/a/b', false],
    ['opt/a**b', 'opt/axyb', true]
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(compileGlob(pattern)(path)).toBe(expected)
  })

  it.each(['', '/', './'])('refuses the empty pattern %j', pattern => {
    expect(() => compileGlob(pattern)).toThrow(
      /is empty; give a path such as usr\/lib\/firmware\/\*\*/
    )
  })
})

describe('normaliseLayerPath', () => {
  it.each([
    ['./usr/bin/app', 'usr/bin/app'],
    ['/usr/bin/app', 'usr/bin/app'],
    ['usr//bin/./app', 'usr/bin/app'],
    ['usr/bin/', 'usr/bin'],
    ['././etc/.wh.passwd', 'etc/.wh.passwd']
  ])('%s -> %s', (path, normalised) => {
    expect(normaliseLayerPath(path)).toBe(normalised)
  })
})
