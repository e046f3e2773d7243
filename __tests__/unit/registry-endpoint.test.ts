import { describe, expect, it } from 'vitest'
import { apiHost, isLoopback } from '../../src/registry/endpoint.js'
import { heldBytes } from '../../src/registry/upload.js'

describe('apiHost', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io'],
    ['index.docker.io', 'registry-1.docker.io'],
    ['Docker.IO', 'registry-1.docker.io'],
    ['registry-1.docker.io', 'registry-1.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['public.ecr.aws', 'public.ecr.aws']
  ])('%s is served at %s', (registry, host) => {
    expect(apiHost(registry)).toBe(host)
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['127.3.2.1', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['ghcr.io', false],
    ['10.0.0.1:5000', false]
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback)
  })
})

describe('heldBytes', () => {
  it.each([
    ['0-67108863', 67108864],
    ['bytes=0-99', 100],
    // An empty upload says 0-0 too: counted as nothing, so at worst one byte goes twice.
    ['0-0', 0],
    [undefined, 0],
    ['', 0],
    ['5-10', 0],
    ['garbage', 0]
  ])('Range %s -> %d bytes held', (range, bytes) => {
    expect(heldBytes(range)).toBe(bytes)
  })
})
