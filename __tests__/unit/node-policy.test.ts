/**
 * One Node policy: package.json's `engines` is what every installed package accepts, it
 * includes the runtime action.yml names (node24), and the workflows install a version in it.
 * A dependency that raises its own floor above ours fails here, not as a warning in `npm ci`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import semver from 'semver'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ROOT, actionYaml } from '../../harness/runner.mjs'

interface LockPackage {
  engines?: { node?: string }
  optional?: boolean
}
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string }
}
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>
}
const engines = manifest.engines.node

describe('Node policy', () => {
  it('accepts the runtime action.yml runs on', () => {
    const using = actionYaml().runs.using
    expect(using).toMatch(/^node\d+$/)
    expect(semver.satisfies(`${using.slice(4)}.0.0`, engines), `${using} in ${engines}`).toBe(true)
  })

  it('is within what every locked package says it needs', () => {
    const narrower = Object.entries(lock.packages)
      .filter(([name, entry]) => name !== '' && entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.subset(engines, entry.engines?.node ?? '*'))
      .map(([name, entry]) => `${name.replace(/^.*node_modules\//, '')} ${entry.engines?.node}`)
    expect(narrower).toEqual([])
  })

  it('is what the workflows install', () => {
    for (const file of ['ci.yml', 'e2e.yml']) {
      const text = readFileSync(path.join(ROOT, '.github', 'workflows', file), 'utf8')
      const workflow = parse(text) as {
        jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>
      }
      const versions = Object.values(workflow.jobs)
        .flatMap(job => job.steps ?? [])
        .filter(step => step.uses?.startsWith('actions/setup-node@') === true)
        .map(step => String(step.with?.['node-version']))
      expect(versions.length, file).toBeGreaterThan(0)
      for (const version of versions) {
        // A bare major installs its newest release.
        const newest = /^\d+$/.test(version) ? `${version}.99.0` : version
        expect(semver.satisfies(newest, engines), `${file}: node ${version}`).toBe(true)
      }
    }
  })
})
