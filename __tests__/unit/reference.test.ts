import { describe, expect, it } from 'vitest'
import { parseReference } from '../../src/reference.js'

describe('parseReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['owner/app:1.0', { registry: 'docker.io', repository: 'owner/app', tag: '1.0' }],
    ['ghcr.io/owner/app:v1', { registry: 'ghcr.io', repository: 'owner/app', tag: 'v1' }],
    ['127.0.0.1:5000/app', { registry: '127.0.0.1:5000', repository: 'app' }],
    ['localhost/a/b:c', { registry: 'localhost', repository: 'a/b', tag: 'c' }],
    [
      `r.io/x@sha256:${'0'.repeat(64)}`,
      { registry: 'r.io', repository: 'x', digest: `sha256:${'0'.repeat(64)}` }
    ]
  ])('%s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected)
  })

  it.each([
    ['', /is empty/],
    ['UPPER/case', /invalid repository name/],
    ['app:-bad', /has a tag that is not/],
    ['app@sha256:short', /has a digest that is not/],
    ['app:--output=/tmp', /has an invalid registry host/],
    ['app:--output', /has a tag that is not/],
    ['bad_host:5000/app', /invalid registry host/]
  ])('refuses %j', (text, message) => {
    expect(() => parseReference(text)).toThrow(message)
  })
})
