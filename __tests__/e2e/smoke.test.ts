import { describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const UNAME: Record<string, string> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm/v7': 'armv7l',
  'linux/s390x': 's390x',
  'linux/ppc64le': 'ppc64le'
}

const inputs = {
  platforms: Object.keys(UNAME).join(','),
  context: 'examples/emulated-run',
  'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
  engine: 'buildah',
  'smoke-test': 'uname -m'
}

describe("smoke test in every platform's image, under QEMU where needed", () => {
  it('runs uname -m on all five lab platforms and matches each', async () => {
    const step = await runMain({
      inputs: { ...inputs, 'smoke-test-expect': '^(x86_64|aarch64|armv7l|s390x|ppc64le)$' },
      env: BUILDAH_ENV
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    const metadata = JSON.parse(step.outputs.metadata ?? '{}') as {
      smoke: { platform: string; passed: boolean; output: string; seconds: number }[]
    }
    expect(Object.fromEntries(metadata.smoke.map(entry => [entry.platform, entry.output]))).toEqual(
      UNAME
    )
    for (const entry of metadata.smoke) expect(entry.passed).toBe(true)
    expect(step.stdout).toContain('::group::Smoke test')
  })

  it('fails naming every platform whose output does not match, and shows it', async () => {
    const step = await runMain({
      inputs: { ...inputs, platforms: 'linux/amd64,linux/s390x', 'smoke-test-expect': '^x86_64$' },
      env: BUILDAH_ENV
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(
      /smoke test `uname -m` failed on linux\/s390x \(output: "s390x"\); expected output matching \/\^x86_64\$\//
    )
    expect(step.errors[0]).not.toMatch(/linux\/amd64 \(output/)
  })
})
