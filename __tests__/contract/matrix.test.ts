import { describe, expect, it } from 'vitest'
import { nodeBinaries, runMain } from '../../harness/runner.mjs'

describe.each(nodeBinaries())('mode: matrix through dist/ under %s', node => {
  it('plans one leg per normalised platform, in order, on native runners where they exist', async () => {
    const step = await runMain({
      node,
      inputs: { mode: 'matrix', platforms: 'x86_64, aarch64, ppc64el, s390x, linux/arm/v7, arm64' }
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(JSON.parse(step.outputs.matrix ?? '')).toEqual({
      include: [
        { platform: 'linux/amd64', runner: 'ubuntu-24.04', emulated: false, slug: 'linux-amd64' },
        {
          platform: 'linux/arm64',
          runner: 'ubuntu-24.04-arm',
          emulated: false,
          slug: 'linux-arm64'
        },
        {
          platform: 'linux/ppc64le',
          runner: 'ubuntu-24.04',
          emulated: true,
          slug: 'linux-ppc64le'
        },
        { platform: 'linux/s390x', runner: 'ubuntu-24.04', emulated: true, slug: 'linux-s390x' },
        // native-arm32 defaults to auto: the arm64 runner, which probes at run time.
        {
          platform: 'linux/arm/v7',
          runner: 'ubuntu-24.04-arm',
          emulated: false,
          slug: 'linux-arm-v7',
          probe: true
        }
      ]
    })
    expect(step.outputs.emulated).toBe('linux/ppc64le,linux/s390x')
    expect(step.summary).toContain('<code>linux/arm/v7</code>')
    expect(step.stdout).toContain('::group::Plan the build matrix')
  })

  it('uses the IBM and RISE runner sets, and emulates 32-bit Arm when told native-arm32: false', async () => {
    const step = await runMain({
      node,
      inputs: {
        mode: 'matrix',
        platforms: 's390x, ppc64le, riscv64, arm/v7',
        'runner-sets': 'ibm, rise',
        'native-arm32': 'false'
      }
    })
    expect(step.errors).toEqual([])
    const legs = (JSON.parse(step.outputs.matrix ?? '') as { include: { runner: string }[] })
      .include
    expect(legs.map(leg => leg.runner)).toEqual([
      'ubuntu-24.04-s390x',
      'ubuntu-24.04-ppc64le',
      'ubuntu-24.04-riscv',
      'ubuntu-24.04'
    ])
    expect(step.outputs.emulated).toBe('linux/arm/v7')
  })

  it('refuses a runner set it does not know, naming the valid ones', async () => {
    const step = await runMain({
      node,
      inputs: { mode: 'matrix', platforms: 's390x', 'runner-sets': 'ibm, oracle' }
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors.join('\n')).toMatch(
      /input `runner-sets`: `oracle` is not a runner set. Valid: ibm, rise/
    )
  })

  it("follows the maintainer's runner map and native 32-bit Arm", async () => {
    const step = await runMain({
      node,
      inputs: {
        mode: 'matrix',
        platforms: 'linux/s390x\nlinux/arm/v7\nriscv64',
        runners: 'linux/s390x=self-hosted-s390x\ndefault=ubuntu-24.04-large',
        'native-arm32': 'true'
      }
    })
    expect(step.exitCode).toBe(0)
    expect((JSON.parse(step.outputs.matrix ?? '') as { include: unknown }).include).toEqual([
      {
        platform: 'linux/s390x',
        runner: 'self-hosted-s390x',
        emulated: false,
        slug: 'linux-s390x'
      },
      {
        platform: 'linux/arm/v7',
        runner: 'ubuntu-24.04-arm',
        emulated: false,
        slug: 'linux-arm-v7'
      },
      {
        platform: 'linux/riscv64',
        runner: 'ubuntu-24.04-large',
        emulated: true,
        slug: 'linux-riscv64'
      }
    ])
  })

  it.each([
    [
      'linux/arm65',
      /::error::input `platforms`: platform `linux\/arm65` is not known; valid: linux\/amd64/
    ],
    ['', /::error::input `platforms`: is empty, and mode `matrix` needs at least one platform/],
    ['windows/amd64', /::error::input `platforms`: platform `windows\/amd64` is for windows/],
    ['linux/arm64,"linux/s390x', /::error::input `platforms`: is not a valid list/]
  ])('refuses platforms %j with exit 1, one error and no outputs', async (platforms, message) => {
    const step = await runMain({ node, inputs: { mode: 'matrix', platforms } })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(message)
    expect(step.outputs).toEqual({})
  })

  it('refuses an unknown mode, naming the valid ones', async () => {
    const step = await runMain({ node, inputs: { mode: 'deploy', platforms: 'arm64' } })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toEqual(['::error::input `mode`: is `deploy`. Valid: build, matrix, merge'])
  })

  it('runs the post step with the saved state', async () => {
    const { runPost } = await import('../../harness/runner.mjs')
    const main = await runMain({ node, inputs: { mode: 'matrix', platforms: 'arm64' } })
    expect(main.state.isPost).toBe('true')
    const post = await runPost(main, { node })
    expect(post.exitCode).toBe(0)
  })
})
