/** The pure parts of the registry clients' test servers, and of digest checking. */
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { digestOf, isDigest, isTag, verifyingStream } from '../../src/registry/digest.js'
import { faultFor, requestKind } from '../support/fault-proxy.js'
import { covers, requiredScopes } from '../support/token-server.js'

describe('requestKind', () => {
  const digest = `sha256:${'a'.repeat(64)}`
  it.each([
    ['GET', '/v2/', 'other'],
    ['GET', '/v2/org/app/manifests/latest', 'manifest-get'],
    ['HEAD', `/v2/org/app/manifests/${digest}`, 'manifest-head'],
    ['PUT', '/v2/app/manifests/v1', 'manifest-put'],
    ['DELETE', `/v2/app/manifests/${digest}`, 'other'],
    ['GET', `/v2/a/b/c/blobs/${digest}`, 'blob-get'],
    ['HEAD', `/v2/app/blobs/${digest}`, 'blob-head'],
    ['POST', '/v2/app/blobs/uploads/', 'upload-post'],
    ['POST', `/v2/app/blobs/uploads/?mount=${digest}&from=x`, 'upload-post'],
    ['PATCH', '/v2/app/blobs/uploads/0b1c?_state=abc', 'upload-patch'],
    ['PUT', `/v2/app/blobs/uploads/0b1c?_state=abc&digest=${digest}`, 'upload-put'],
    ['DELETE', '/v2/app/blobs/uploads/0b1c', 'other'],
    ['GET', '/v2/app/tags/list', 'other'],
    ['GET', '/v2/_catalog', 'other']
  ])('%s %s -> %s', (method, url, expected) => {
    expect(requestKind(method, url)).toBe(expected)
  })
})

describe('faultFor', () => {
  const rules = [
    { kind: 'manifest-get', first: 1, fault: 'stall' },
    { kind: 'any', first: 3, fault: ['503', 'reset', '429'] }
  ] as const
  it.each([
    ['manifest-get', 1, 'stall'],
    ['manifest-get', 2, 'reset'],
    ['manifest-get', 3, '429'],
    ['manifest-get', 4, undefined],
    ['blob-head', 1, '503'],
    ['blob-head', 2, 'reset'],
    ['other', 3, '429'],
    ['other', 4, undefined]
  ] as const)('%s #%i -> %j', (kind, number, expected) => {
    expect(faultFor(rules, kind, number)).toBe(expected)
  })

  it('has no fault without rules', () => {
    expect(faultFor([], 'other', 1)).toBeUndefined()
  })
})

describe('requiredScopes and covers', () => {
  it.each([
    ['GET', '/v2/', []],
    ['GET', '/v2/a/b/manifests/latest', ['repository:a/b:pull']],
    ['HEAD', '/v2/a/blobs/sha256:x', ['repository:a:pull']],
    ['PUT', '/v2/a/manifests/v1', ['repository:a:pull,push']],
    [
      'POST',
      '/v2/to/blobs/uploads/?mount=sha256:x&from=from/repo',
      ['repository:to:pull,push', 'repository:from/repo:pull']
    ],
    ['PATCH', '/v2/to/blobs/uploads/u?_state=s', ['repository:to:pull,push']]
  ])('%s %s', (method, url, expected) => {
    expect(requiredScopes(method, url)).toEqual(expected)
  })

  it.each([
    [['repository:a:pull'], ['repository:a:pull'], true],
    [['repository:a:pull,push'], ['repository:a:pull'], true],
    [['repository:a:pull'], ['repository:a:pull,push'], false],
    [
      ['repository:a:pull,push', 'repository:b:pull'],
      ['repository:a:pull,push', 'repository:b:pull'],
      true
    ],
    [['repository:a:pull,push'], ['repository:a:pull,push', 'repository:b:pull'], false],
    [['registry:catalog:*'], ['repository:a:pull'], false],
    [[], [], true]
  ])('#%# %j covers %j: %s', (granted, required, expected) => {
    expect(covers(granted, required)).toBe(expected)
  })
})

describe('digests', () => {
  it('computes and recognises digests and tags', () => {
    expect(digestOf(Buffer.from(''))).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    )
    expect(digestOf(Buffer.from(''), 'sha512')).toMatch(/^sha512:cf83e135/)
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true)
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false)
    expect(isDigest('latest')).toBe(false)
    expect(isTag('v1.0_rc-2')).toBe(true)
    expect(isTag('.hidden')).toBe(false)
    expect(isTag('a'.repeat(129))).toBe(false)
  })

  it('passes matching bytes through a verifying stream', async () => {
    const bytes = Buffer.from('hello blob')
    const stream = Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]).pipe(
      verifyingStream(digestOf(bytes), actual => new Error(actual))
    )
    expect(await text(stream)).toBe('hello blob')
  })

  it('fails a verifying stream at the end when the bytes differ', async () => {
    const stream = Readable.from([Buffer.from('tampered')]).pipe(
      verifyingStream(digestOf(Buffer.from('original')), actual => new Error(`hash ${actual}`))
    )
    await expect(text(stream)).rejects.toThrow(`hash ${digestOf(Buffer.from('tampered'))}`)
  })
})
