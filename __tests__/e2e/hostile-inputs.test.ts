import { execFileSync, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { runMain } from '../../harness/runner.mjs'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const target = `${lab.LAB_PLAIN}/hostile/app`
const secretValue = 'hunter2-never-print-me'

/** A valid build; each case spoils it in one input. */
const valid = {
  platforms: 'linux/amd64',
  context: 'examples/emulated-run',
  'build-args': `BASE=${lab.LAB_PLAIN}/fixtures/busybox:latest`,
  tags: `${target}:1`,
  push: 'true',
  engine: 'buildah'
}

const digest = `sha256:${'a'.repeat(64)}`
type Case = readonly [label: string, inputs: Record<string, string>, input: string]
const CASES: readonly Case[] = [
  ['unknown platform', { platforms: 'linux/arm65' }, 'platforms'],
  ['empty path part', { platforms: 'linux//arm64' }, 'platforms'],
  ['unclosed CSV quote', { platforms: 'arm64,"s390x' }, 'platforms'],
  ['windows platform', { platforms: 'windows/amd64' }, 'platforms'],
  ['shell in a platform', { platforms: 'linux/amd64;rm -rf /' }, 'platforms'],
  ['output forgery in a platform', { platforms: 'linux/amd64\nmatrix<<EOF' }, 'platforms'],
  ['command substitution platform', { platforms: '$(uname -m)' }, 'platforms'],
  ['uppercase repository', { tags: 'Ghcr.io/Owner/App:1' }, 'tags'],
  ['blank in a tag', { tags: `${target}:bad tag` }, 'tags'],
  ['argv in a tag', { tags: `${target}:--output=type=local,dest=/tmp` }, 'tags'],
  ['digest for a tag', { tags: `${target}@${digest}` }, 'tags'],
  ['shell in a tag', { tags: `${target}:1;touch /tmp/pwned` }, 'tags'],
  ['option-looking tag', { tags: '-rf' }, 'tags'],
  ['129-character tag', { tags: `${target}:${'a'.repeat(129)}` }, 'tags'],
  ['no tag to push', { tags: '' }, 'tags'],
  ['stray quote in tags', { tags: `${target}:1"` }, 'tags'],
  ['build-arg without =', { 'build-args': 'NOEQUALS' }, 'build-args'],
  ['build-arg without name', { 'build-args': '=value' }, 'build-args'],
  ['blank in a build-arg name', { 'build-args': 'A B=1' }, 'build-args'],
  ['argv on a build-arg line', { 'build-args': 'A=1\n--network=host' }, 'build-args'],
  // 1 MB cannot reach a step at all (the kernel caps one environment string at 128 KiB);
  // the unit tests feed it to the input reader directly.
  ['120 KB of build-args', { 'build-args': `A${'=x'.repeat(10)}\n`.repeat(5000) }, 'build-args'],
  ['one 40 KB build-arg', { 'build-args': `BIG=${'ü'.repeat(20 * 1024)}` }, 'build-args'],
  ['label without key', { labels: '=x' }, 'labels'],
  ['blank in a label key', { labels: 'key with space=x' }, 'labels'],
  ['annotation without value', { annotations: 'novalue' }, 'annotations'],
  ['secret without id', { secrets: `=${secretValue}` }, 'secrets'],
  ['secret without =', { secrets: secretValue }, 'secrets'],
  ['blank in a secret id', { secrets: `id with space=${secretValue}` }, 'secrets'],
  ['context outside the workspace', { context: '/etc' }, 'context'],
  ['context through ..', { context: '../..' }, 'context'],
  ['context that is a URL', { context: 'https://github.com/owner/repo.git' }, 'context'],
  ['context that is a git remote', { context: 'git@github.com:owner/repo.git' }, 'context'],
  ['missing context', { context: 'does-not-exist' }, 'context'],
  ['Dockerfile outside the workspace', { file: '/etc/passwd' }, 'file'],
  ['Dockerfile through ..', { file: 'examples/../../../etc/hostname' }, 'file'],
  ['missing Dockerfile', { file: 'examples/emulated-run/Missingfile' }, 'file'],
  ['Dockerfile that is a directory', { file: 'examples' }, 'file'],
  ['argv as target', { target: '--output=type=local' }, 'target'],
  ['shell in target', { target: 'stage;rm' }, 'target'],
  ['cache buildah cannot use', { 'cache-from': 'type=gha' }, 'cache-from'],
  ['invalid cache ref', { 'cache-to': 'type=registry,ref=UPPER/case' }, 'cache-to'],
  ['cache field without =', { 'cache-from': 'type=registry,mode' }, 'cache-from'],
  ['two cache sources for buildah', { 'cache-from': `${target}-c1\n${target}-c2` }, 'cache-from'],
  ['non-boolean push', { push: 'yes' }, 'push'],
  ['non-boolean no-cache', { 'no-cache': '1' }, 'no-cache'],
  ['non-boolean qemu-install', { 'qemu-install': 'maybe' }, 'qemu-install'],
  ['non-boolean native-arm32', { 'native-arm32': 'sure' }, 'native-arm32'],
  ['unknown mode', { mode: 'merge;ls' }, 'mode'],
  ['unknown engine', { engine: 'docker' }, 'engine'],
  ['unknown qemu choice', { qemu: 'always' }, 'qemu'],
  ['unknown qemu platform', { 'qemu-platforms': 'linux/sparc' }, 'qemu-platforms'],
  ['runner line without label', { mode: 'matrix', runners: 'linux/s390x' }, 'runners'],
  ['registry with a scheme', { registry: 'https://127.0.0.1:5000' }, 'registry'],
  ['line break in username', { username: 'user\nname', password: 'p' }, 'username'],
  ['password without username', { password: secretValue }, 'username'],
  ['line break in password', { username: 'user', password: `${secretValue}\nsecond` }, 'password'],
  ['120 KB of platforms', { platforms: 'linux/amd64,'.repeat(10_000) }, 'platforms']
]

/** Every repository and tag in the plain registry, to prove nothing changed. */
function registrySnapshot(): Record<string, string[]> {
  const catalog = JSON.parse(
    execFileSync('curl', ['-sf', `http://${lab.LAB_PLAIN}/v2/_catalog?n=1000`], {
      encoding: 'utf8'
    })
  ) as { repositories: string[] }
  const snapshot: Record<string, string[]> = {}
  for (const repository of catalog.repositories) {
    // A repository whose manifests were all deleted answers 404 here: it holds no tags.
    const tags = JSON.parse(
      execFileSync('curl', ['-s', `http://${lab.LAB_PLAIN}/v2/${repository}/tags/list`], {
        encoding: 'utf8'
      })
    ) as { tags?: string[] | null }
    snapshot[repository] = [...(tags.tags ?? [])].sort()
  }
  return snapshot
}

function buildProcesses(): string[] {
  const found = spawnSync('pgrep', ['-a', '-f', 'buildah|multiarch-build-'], { encoding: 'utf8' })
  return found.stdout.split('\n').filter(line => line !== '' && !line.includes('pgrep'))
}

describe('hostile inputs through dist/: exit 1, one error naming the input, nothing pushed', () => {
  let before: Record<string, string[]> = {}
  beforeAll(() => {
    before = registrySnapshot()
  })

  it(`has at least 40 cases across the inputs (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40)
  })

  it.each(CASES)('%s', async (_, inputs, input) => {
    const step = await runMain({ inputs: { ...valid, ...inputs }, env: BUILDAH_ENV })
    expect(step.exitCode).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(new RegExp(`^::error::input \`${input}\`: `))
    expect(step.outputs).toEqual({})
    const visible = step.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(visible + step.stderr).not.toContain(secretValue)
    expect(buildProcesses()).toEqual([])
  })

  afterAll(() => {
    expect(registrySnapshot()).toEqual(before)
  })
})
