/**
 * A runner logged in through a credential helper (`gcloud auth configure-docker`, the ECR
 * helper, `docker login` with a store): no `username`/`password` inputs, and the only
 * credentials come from `docker-credential-<name> get`. Through dist/ as the runner calls it.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ROOT, runMain } from '../../harness/runner.mjs'
import { workspaceScratch } from '../support/scratch.js'
import { servedDigest } from '../support/skopeo.js'
import { readableText, secretForms } from '../support/step-text.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')

/** A helper that knows the lab's TLS registry only, and logs every server it is asked for. */
function helperBin(): { bin: string; asked: string } {
  const bin = mkdtempSync(path.join(tmpdir(), 'helper-bin-'))
  const asked = path.join(bin, 'asked.log')
  const script = [
    '#!/bin/sh',
    '[ "$1" = get ] || exit 2',
    'read -r server',
    `echo "$server" >> '${asked}'`,
    `if [ "$server" = '${lab.LAB_TLS}' ]; then`,
    `  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" '${lab.LAB_USER}' '${lab.LAB_PASSWORD}'`,
    'else',
    '  echo "credentials not found in native keychain"',
    '  exit 1',
    'fi',
    ''
  ].join('\n')
  writeFileSync(path.join(bin, 'docker-credential-labtest'), script)
  chmodSync(path.join(bin, 'docker-credential-labtest'), 0o755)
  return { bin, asked }
}

function dockerConfig(content: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'))
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(content))
  return dir
}

function context(): string {
  const dir = workspaceScratch('credentials-')
  writeFileSync(path.join(dir, 'payload'), randomBytes(4096))
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY payload /payload\n')
  return path.relative(ROOT, dir)
}

const forms = secretForms({ username: lab.LAB_USER, password: lab.LAB_PASSWORD })

describe.each([
  ['credHelpers', { credHelpers: { [lab.LAB_TLS]: 'labtest' } }],
  ['credsStore', { credsStore: 'labtest', auths: { [lab.LAB_TLS]: {} } }]
])('a runner logged in through %s', (_name, config) => {
  it('pushes with the helper credentials alone, and masks them in every form', async () => {
    const { bin, asked } = helperBin()
    const tag = `${lab.LAB_TLS}/e2e/helper-${run}-${_name.toLowerCase()}:1`
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64',
        context: context(),
        tags: tag,
        push: 'true',
        engine: 'buildah'
      },
      env: {
        ...BUILDAH_ENV,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        DOCKER_CONFIG: dockerConfig(config),
        REGISTRY_AUTH_FILE: '',
        XDG_RUNTIME_DIR: ''
      }
    })
    expect(step.errors).toEqual([])
    expect(step.exitCode).toBe(0)
    expect(step.outputs.digest).toBe(
      servedDigest(tag, { creds: `${lab.LAB_USER}:${lab.LAB_PASSWORD}` })
    )
    expect(execFileSync('cat', [asked], { encoding: 'utf8' })).toContain(lab.LAB_TLS)
    // Masked for the runner in both forms, and readable in neither.
    for (const form of forms) {
      expect(step.stdout).toContain(`::add-mask::${form}`)
      expect(readableText(step)).not.toContain(form)
    }
  })
})

describe('a helper that is not installed', () => {
  it('fails naming the helper and what to do', async () => {
    const step = await runMain({
      inputs: {
        platforms: 'linux/amd64',
        context: context(),
        tags: `${lab.LAB_TLS}/e2e/helper-missing-${run}:1`,
        push: 'true',
        engine: 'buildah'
      },
      env: {
        ...BUILDAH_ENV,
        DOCKER_CONFIG: dockerConfig({ credHelpers: { [lab.LAB_TLS]: 'nowhere' } }),
        REGISTRY_AUTH_FILE: '',
        XDG_RUNTIME_DIR: ''
      }
    })
    expect(step.exitCode).toBe(1)
    expect(step.errors.join('\n')).toMatch(
      /credential helper `nowhere`, but docker-credential-nowhere is not on PATH. Install it before this step, or give `username`\/`password`/
    )
  })
})
