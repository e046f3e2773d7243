import { describe, expect, it } from 'vitest'
import {
  normaliseScopes,
  parseChallenges,
  parseTokenAnswer,
  preferredChallenge,
  repositoryScope,
  tokenUrl
} from '../../src/registry/challenge.js'
import { registryErrors, statusProblem, transportProblem } from '../../src/registry/problems.js'

describe('parseChallenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [
        {
          scheme: 'bearer',
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull'
        }
      ]
    ],
    ['Basic realm="multiarch-lab"', [{ scheme: 'basic', realm: 'multiarch-lab' }]],
    ['basic', [{ scheme: 'basic' }]],
    [
      'Bearer realm="https://ghcr.io/token", service="ghcr.io", scope="repository:a/b:pull,push", error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          realm: 'https://ghcr.io/token',
          service: 'ghcr.io',
          scope: 'repository:a/b:pull,push',
          error: 'insufficient_scope'
        }
      ]
    ],
    [
      'Basic realm="r", Bearer realm="https://t/token",service=reg',
      [
        { scheme: 'basic', realm: 'r' },
        { scheme: 'bearer', realm: 'https://t/token', service: 'reg' }
      ]
    ],
    ['Bearer realm="a \\"quoted\\" realm"', [{ scheme: 'bearer', realm: 'a "quoted" realm' }]],
    ['Bearer service="no realm"', []],
    ['Negotiate', []],
    ['', []]
  ])('#%# %s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })

  it('prefers bearer over basic', () => {
    expect(preferredChallenge('Basic realm="r", Bearer realm="https://t/token"')?.scheme).toBe(
      'bearer'
    )
    expect(preferredChallenge('Basic realm="r"')?.scheme).toBe('basic')
    expect(preferredChallenge('Digest realm="r"')).toBeUndefined()
  })
})

describe('scopes and token requests', () => {
  it('names repository scopes', () => {
    expect(repositoryScope('org/app', 'pull')).toBe('repository:org/app:pull')
    expect(repositoryScope('org/app', 'pull,push')).toBe('repository:org/app:pull,push')
  })

  it('normalises scopes to one sorted list without repeats', () => {
    expect(
      normaliseScopes([
        'repository:b:pull',
        'repository:a:pull,push repository:b:pull',
        '',
        'repository:a:pull,push'
      ])
    ).toEqual(['repository:a:pull,push', 'repository:b:pull'])
  })

  it('builds the token URL with service, every scope and the account', () => {
    const url = tokenUrl(
      { scheme: 'bearer', realm: 'https://auth.example/token?client=x', service: 'reg' },
      ['repository:to:pull,push', 'repository:from:pull'],
      'me'
    )
    expect(url.origin + url.pathname).toBe('https://auth.example/token')
    expect(url.searchParams.get('client')).toBe('x')
    expect(url.searchParams.get('service')).toBe('reg')
    expect(url.searchParams.getAll('scope')).toEqual([
      'repository:from:pull',
      'repository:to:pull,push'
    ])
    expect(url.searchParams.get('account')).toBe('me')
    expect(tokenUrl({ scheme: 'bearer', realm: 'http://t/token' }, []).search).toBe('')
  })

  it.each([
    ['{"token":"t1","expires_in":300}', { token: 't1', expiresIn: 300 }],
    ['{"access_token":"t2"}', { token: 't2', expiresIn: 60 }],
    ['{"token":"","access_token":"t3","expires_in":-5}', { token: 't3', expiresIn: 60 }],
    ['{"token":42}', undefined],
    ['{}', undefined],
    ['null', undefined],
    ['<html>', undefined]
  ])('token answer %s', (text, expected) => {
    expect(parseTokenAnswer(text)).toEqual(expected)
  })
})

describe('problems', () => {
  it('summarises distribution error bodies', () => {
    expect(
      registryErrors(
        '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}'
      )
    ).toBe('MANIFEST_UNKNOWN: manifest unknown')
    expect(registryErrors('{"errors":[{"code":"A"},{"message":"b"}]}')).toBe('A; b')
    expect(registryErrors('not json')).toBeUndefined()
    expect(registryErrors('{"errors":"x"}')).toBeUndefined()
  })

  it.each([
    [
      404,
      '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}',
      'answered 404 Not Found (MANIFEST_UNKNOWN: manifest unknown); check the repository name and the tag or digest'
    ],
    [
      400,
      '{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}',
      'answered 400 Bad Request (MANIFEST_BLOB_UNKNOWN: blob unknown to registry); push or mount its blobs (and child manifests) into the repository first'
    ],
    [503, '', 'answered 503 Service Unavailable'],
    [
      403,
      '',
      'answered 403 Forbidden; the credentials lack access to this repository; grant push/pull or use other credentials'
    ],
    [299, '', 'answered 299 unknown status']
  ])('status %i', (status, body, expected) => {
    expect(statusProblem(status, body)).toBe(expected)
  })

  it('names socket failures with their code and a fix', () => {
    expect(
      transportProblem(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
      )
    ).toBe('connect ECONNREFUSED 127.0.0.1:1; is a registry listening at this address?')
    expect(
      transportProblem(
        Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
      )
    ).toMatch(/^self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); trust its CA/)
    expect(
      transportProblem(
        new AggregateError(
          [
            Object.assign(new Error('connect ECONNREFUSED ::1:5000'), { code: 'ECONNREFUSED' }),
            Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), {
              code: 'ECONNREFUSED'
            })
          ],
          ''
        )
      )
    ).toBe(
      'connect ECONNREFUSED ::1:5000, connect ECONNREFUSED 127.0.0.1:5000; is a registry listening at this address?'
    )
    expect(transportProblem('plain')).toBe('plain')
  })
})
