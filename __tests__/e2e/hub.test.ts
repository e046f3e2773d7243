/**
 * Pushing to Docker Hub and GHCR as they behave, with no internet: inside the lab's network
 * namespace the real names (registry-1.docker.io, auth.docker.io, docker.io, ghcr.io) reach
 * real distribution registries with token auth, a token server of ours whose JWTs they
 * verify, docker.io's redirect to its web site, and a storage host that serves blob
 * downloads and refuses the registry's token. Through dist/ as the runner calls it.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ROOT, runMain } from '../../harness/runner.mjs'
import { workspaceScratch } from '../support/scratch.js'
import { rawManifest, servedDigest } from '../support/skopeo.js'
import { readableText, secretForms } from '../support/step-text.js'
import { BUILDAH_ENV } from './lab.js'

const lab = inject('lab')
const run = randomBytes(4).toString('hex')
const hub = { username: lab.LAB_HUB_USER, password: lab.LAB_HUB_PASSWORD }
const ghcr = { username: lab.LAB_GHCR_USER, password: lab.LAB_GHCR_PASSWORD }

interface Served {
  readonly host: string
  readonly method?: string
  readonly path?: string
  readonly digest?: string
  readonly authorization?: boolean
  readonly service?: string
  readonly user?: string
  readonly access?: readonly { name: string; actions: string[] }[]
}

/** What the look-alikes served since `from` (a byte offset of their log). */
function served(from: number): Served[] {
  return readFileSync(lab.LAB_HUB_LOG, 'utf8')
    .slice(from)
    .split('\n')
    .filter(line => line.startsWith('{'))
    .map(line => JSON.parse(line) as Served)
}

const logSize = () => readFileSync(lab.LAB_HUB_LOG).length

function context(): string {
  const dir = workspaceScratch('hub-')
  writeFileSync(path.join(dir, 'payload'), randomBytes(64 * 1024))
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY payload /payload\n')
  return path.relative(ROOT, dir)
}

/** The step on a runner whose network is the namespace, trusting the lab's CA as a runner trusts public ones. */
const step = (inputs: Record<string, string>) =>
  runMain({
    inputs: { platforms: 'linux/amd64', context: context(), engine: 'buildah', ...inputs },
    env: { ...BUILDAH_ENV, NODE_EXTRA_CA_CERTS: lab.LAB_CA },
    netns: lab.LAB_HUB_NETNS
  })

/** Read by skopeo inside the namespace, which maps docker.io by itself. */
const inHub = (credentials: { username: string; password: string }) => ({
  creds: `${credentials.username}:${credentials.password}`,
  certDir: lab.LAB_HUB_CERTS_DIR,
  netns: lab.LAB_HUB_NETNS
})

describe('Docker Hub', () => {
  it('pushes a short name (someuser/app) to registry-1.docker.io with tokens from auth.docker.io', async () => {
    const from = logSize()
    const repository = `someuser/app-${run}`
    const result = await step({ tags: `${repository}:1`, push: 'true', ...hub })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs.digest).toBe(servedDigest(`docker.io/${repository}:1`, inHub(hub)))
    expect(result.outputs.images).toBe(`docker.io/${repository}@${result.outputs.digest ?? ''}`)
    const requests = served(from)
    // The API host answered; docker.io itself, a web site, was never asked.
    expect(requests.some(entry => entry.host === 'registry-1.docker.io')).toBe(true)
    expect(requests.filter(entry => entry.host === 'docker.io')).toEqual([])
    const tokens = requests.filter(entry => entry.host === 'token')
    expect(tokens.every(entry => entry.service === 'registry.docker.io')).toBe(true)
    expect(
      tokens.some(entry =>
        entry.access?.some(
          grant => grant.name === repository && grant.actions.join(',') === 'pull,push'
        )
      )
    ).toBe(true)
    expect(result.summary).toContain(`https://hub.docker.com/r/${repository}/tags`)
    for (const form of secretForms(hub)) expect(readableText(result)).not.toContain(form)
  })

  it('fans out and merges, reading every layer through the storage host without the registry token', async () => {
    const repository = `someuser/fan-${run}`
    const leg = await step({
      tags: `${repository}:1`,
      push: 'true',
      'push-by-digest': 'true',
      ...hub
    })
    expect(leg.errors).toEqual([])
    const from = logSize()
    const merged = await runMain({
      inputs: { mode: 'merge', platforms: 'linux/amd64', tags: `${repository}:1`, ...hub },
      env: { NODE_EXTRA_CA_CERTS: lab.LAB_CA },
      netns: lab.LAB_HUB_NETNS
    })
    expect(merged.errors).toEqual([])
    expect(merged.exitCode).toBe(0)
    expect(merged.outputs.digest).toBe(servedDigest(`docker.io/${repository}:1`, inHub(hub)))
    const storage = served(from).filter(entry => entry.host === 'storage')
    // The architecture check streamed the layer from storage, which would refuse a token.
    expect(storage.length).toBeGreaterThan(0)
    expect(storage.every(entry => entry.authorization === false)).toBe(true)
    expect(merged.stdout).toMatch(/linux\/amd64: 0 ELF files in 1 layers \(1 read\): all match/)
  })

  const merge = (inputs: Record<string, string>) =>
    runMain({
      inputs: { mode: 'merge', platforms: 'linux/amd64', ...inputs },
      env: { NODE_EXTRA_CA_CERTS: lab.LAB_CA },
      netns: lab.LAB_HUB_NETNS
    })

  it('names the token server and the user when the password is wrong, and pushes nothing', async () => {
    const repository = `someuser/refused-${run}`
    const wrong = { username: hub.username, password: 'not-the-password' }
    // buildah logs in first, for its base images, and says so in its own words.
    const built = await step({ tags: `${repository}:1`, push: 'true', ...wrong })
    expect(built.exitCode).toBe(1)
    expect(built.errors.join('\n')).toMatch(
      /login to docker.io failed: .*invalid username\/password\. Check `username` and `password`/
    )
    // Our registry client, as in merge mode, names the token server that refused.
    const merged = await merge({ tags: `${repository}:1`, ...wrong })
    expect(merged.exitCode).toBe(1)
    expect(merged.errors.join('\n')).toMatch(
      /token endpoint https:\/\/auth.docker.io\/token: refused the credentials of `someuser` \(401\)/
    )
    expect(rawManifest(`docker.io/${repository}:1`, inHub(hub))).toBeUndefined()
  })

  it('says so when a reference names docker.io itself, which serves a web site, not the API', async () => {
    const result = await merge({ tags: `docker.io:443/someuser/site-${run}:1`, ...hub })
    expect(result.exitCode).toBe(1)
    expect(result.errors.join('\n')).toMatch(
      /answered 301, a redirect to https:\/\/hub.docker.com\/: docker.io:443 does not serve the registry API/
    )
  })
})

describe('GHCR', () => {
  it('pushes ghcr.io/owner/app with a token from ghcr.io/token', async () => {
    const from = logSize()
    const repository = `owner/app-${run}`
    const result = await step({ tags: `ghcr.io/${repository}:1`, push: 'true', ...ghcr })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs.digest).toBe(servedDigest(`ghcr.io/${repository}:1`, inHub(ghcr)))
    const tokens = served(from).filter(entry => entry.host === 'token')
    expect(tokens.length).toBeGreaterThan(0)
    expect(tokens.every(entry => entry.service === 'ghcr.io' && entry.user === 'owner')).toBe(true)
    expect(result.summary).toContain(
      `https://github.com/users/owner/packages/container/package/app-${run}`
    )
    for (const form of secretForms(ghcr)) expect(readableText(result)).not.toContain(form)
  })
})
