import { describe, expect, it } from 'vitest'
import { builderEnv, builderNameProblem, tempDirProblem } from '../../src/state.js'

describe('what the post step agrees to remove', () => {
  const inputs = { builderName: '', builder: '' }

  it.each([
    ['multiarch-0badc0de', inputs, undefined],
    ['multiarch-0BADC0DE', inputs, /neither generates/],
    ['multiarch-0badc0de0', inputs, /neither generates/],
    ['release-builder', { builderName: 'release-builder', builder: '' }, undefined],
    ['release-builder', inputs, /neither generates/],
    ['shared', { builderName: 'shared', builder: 'shared' }, /the builder you brought/],
    ['multiarch-0badc0de', { builderName: '', builder: 'multiarch-0badc0de' }, /you brought/],
    ['--force', { builderName: '--force', builder: '' }, /not a builder name/],
    ['a b', { builderName: 'a b', builder: '' }, /not a builder name/],
    ['', inputs, /not a builder name/]
  ])('builder %j with %j', (name, given, problem) => {
    const found = builderNameProblem(name, given)
    if (problem === undefined) expect(found).toBeUndefined()
    else expect(found).toMatch(problem)
  })

  it.each([
    ['/runner/_temp/multiarch-Ab12Cd', undefined],
    ['/runner/_temp/multiarch-Ab12Cd/', undefined],
    ['/runner/_temp', /not directly under/],
    ['/', /not directly under/],
    ['/home/runner/work', /not directly under/],
    ['/runner/_temp/../_temp/multiarch-Ab12Cd', /not a plain path/],
    ['/runner/_temp/x/multiarch-Ab12Cd', /not directly under/],
    ['/runner/_temp/multiarch-', /multiarch-XXXXXX/],
    ['/runner/_temp/multiarch-Ab12Cd-more', /multiarch-XXXXXX/],
    ['/runner/_temp/other-Ab12Cd', /multiarch-XXXXXX/],
    ['runner/_temp/multiarch-Ab12Cd', /not an absolute path/]
  ])('folder %j', (dir, problem) => {
    const found = tempDirProblem(dir, '/runner/_temp')
    if (problem === undefined) expect(found).toBeUndefined()
    else expect(found).toMatch(problem)
  })

  it('derives the builder environment from the runner environment, never from state', () => {
    expect(builderEnv(undefined, { DOCKER_HOST: 'tcp://203.0.113.9:2375' })).toEqual({})
    expect(builderEnv('/t/multiarch-Ab12Cd/docker-config', { HOME: '/h' })).toEqual({
      DOCKER_CONFIG: '/t/multiarch-Ab12Cd/docker-config',
      BUILDX_CONFIG: expect.stringMatching(/\/\.docker\/buildx$/) as unknown
    })
    expect(builderEnv('/t/multiarch-Ab12Cd/docker-config', { DOCKER_CONFIG: '/etc/dc' })).toEqual({
      DOCKER_CONFIG: '/t/multiarch-Ab12Cd/docker-config',
      BUILDX_CONFIG: '/etc/dc/buildx'
    })
    expect(
      builderEnv('/t/multiarch-Ab12Cd/docker-config', {
        DOCKER_CONFIG: '/etc/dc',
        BUILDX_CONFIG: '/b'
      }).BUILDX_CONFIG
    ).toBe('/b')
  })
})
