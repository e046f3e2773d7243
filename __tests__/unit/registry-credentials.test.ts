import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  authFilePaths,
  authKeyHost,
  credentialsFromAuthFiles,
  credentialsFromAuthJson,
  credentialsFromHelperAnswer,
  helperFor
} from '../../src/registry/credentials.js'

function auth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64')
}

function config(auths: Record<string, unknown>): string {
  return JSON.stringify({ auths })
}

describe('credentialsFromAuthJson', () => {
  it.each([
    [
      'exact host key',
      config({ 'ghcr.io': { auth: auth('me', 'secret') } }),
      'ghcr.io',
      { username: 'me', password: 'secret' }
    ],
    [
      'a colon inside the password',
      config({ 'ghcr.io': { auth: auth('me', 'pa:ss:word') } }),
      'ghcr.io',
      { username: 'me', password: 'pa:ss:word' }
    ],
    [
      'an empty password',
      config({ 'ghcr.io': { auth: auth('me', '') } }),
      'ghcr.io',
      { username: 'me', password: '' }
    ],
    [
      'host with port',
      config({ '127.0.0.1:5443': { auth: auth('lab', 'pw') } }),
      '127.0.0.1:5443',
      { username: 'lab', password: 'pw' }
    ],
    [
      "docker's legacy Docker Hub key",
      config({ 'https://index.docker.io/v1/': { auth: auth('hub', 'tok') } }),
      'docker.io',
      { username: 'hub', password: 'tok' }
    ],
    [
      'Docker Hub under docker.io',
      config({ 'docker.io': { auth: auth('hub', 'tok') } }),
      'docker.io',
      { username: 'hub', password: 'tok' }
    ],
    [
      'Docker Hub under registry-1.docker.io',
      config({ 'registry-1.docker.io': { auth: auth('hub', 'tok') } }),
      'docker.io',
      { username: 'hub', password: 'tok' }
    ],
    [
      'a URL key with scheme and path',
      config({ 'https://registry.example:8443/v2/': { auth: auth('u', 'p') } }),
      'registry.example:8443',
      { username: 'u', password: 'p' }
    ],
    [
      'a host in other case',
      config({ 'Registry.Example': { auth: auth('u', 'p') } }),
      'registry.example',
      { username: 'u', password: 'p' }
    ],
    [
      'the exact key before a normalised one',
      config({
        'https://ghcr.io': { auth: auth('old', 'x') },
        'ghcr.io': { auth: auth('new', 'y') }
      }),
      'ghcr.io',
      { username: 'new', password: 'y' }
    ],
    [
      'an empty auth skipped for the next key',
      config({ 'ghcr.io': { auth: '' }, 'https://ghcr.io': { auth: auth('u', 'p') } }),
      'ghcr.io',
      { username: 'u', password: 'p' }
    ]
  ])('%s', (_name, text, registry, expected) => {
    expect(credentialsFromAuthJson(text, registry)).toEqual(expected)
  })

  it.each([
    ['another registry', config({ 'quay.io': { auth: auth('u', 'p') } }), 'ghcr.io'],
    ['a podman namespace key', config({ 'ghcr.io/org': { auth: auth('u', 'p') } }), 'ghcr.io'],
    [
      'no colon',
      config({ 'ghcr.io': { auth: Buffer.from('justuser').toString('base64') } }),
      'ghcr.io'
    ],
    ['an empty username', config({ 'ghcr.io': { auth: auth('', 'p') } }), 'ghcr.io'],
    ['a credential helper only', JSON.stringify({ credHelpers: { 'ghcr.io': 'gh' } }), 'ghcr.io'],
    ['a null entry', config({ 'ghcr.io': null }), 'ghcr.io'],
    ['no auths', '{}', 'ghcr.io'],
    [
      'Docker Hub keys for another registry',
      config({ 'https://index.docker.io/v1/': { auth: auth('u', 'p') } }),
      'ghcr.io'
    ]
  ])('nothing for %s', (_name, text, registry) => {
    expect(credentialsFromAuthJson(text, registry)).toBeUndefined()
  })
})

describe('authKeyHost', () => {
  it.each([
    ['ghcr.io', 'ghcr.io'],
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['http://localhost:5000', 'localhost:5000'],
    ['HTTPS://Quay.IO/', 'quay.io'],
    ['quay.io/org/repo', undefined]
  ])('%s -> %j', (key, expected) => {
    expect(authKeyHost(key)).toBe(expected)
  })
})

describe('authFilePaths', () => {
  it('reads REGISTRY_AUTH_FILE, then podman, then docker', () => {
    expect(
      authFilePaths({
        REGISTRY_AUTH_FILE: '/a/auth.json',
        XDG_RUNTIME_DIR: '/run/user/1000',
        DOCKER_CONFIG: '/d'
      })
    ).toEqual(['/a/auth.json', '/run/user/1000/containers/auth.json', '/d/config.json'])
  })

  it('falls back to ~/.docker/config.json', () => {
    const [only, ...rest] = authFilePaths({})
    expect(rest).toEqual([])
    expect(only).toMatch(/\/\.docker\/config\.json$/)
  })
})

describe('credentialsFromAuthFiles', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  async function files(contents: Record<string, string>): Promise<string[]> {
    const dir = await mkdtemp(path.join(tmpdir(), 'registry-credentials-'))
    dirs.push(dir)
    return Promise.all(
      Object.entries(contents).map(async ([name, text]) => {
        const file = path.join(dir, name)
        await writeFile(file, text)
        return file
      })
    )
  }

  it('takes the first file that knows the registry, skipping missing ones', async () => {
    const [podman = '', docker = ''] = await files({
      'auth.json': config({ 'quay.io': { auth: auth('q', 'q') } }),
      'config.json': config({ 'ghcr.io': { auth: auth('d', 'pw') } })
    })
    expect(
      await credentialsFromAuthFiles('ghcr.io', ['/nonexistent/auth.json', podman, docker])
    ).toEqual({
      username: 'd',
      password: 'pw'
    })
    expect(await credentialsFromAuthFiles('example.org', [podman, docker])).toBeUndefined()
  })

  it('names a broken file and the fix', async () => {
    const [broken = ''] = await files({ 'auth.json': '{ not json' })
    await expect(credentialsFromAuthFiles('ghcr.io', [broken])).rejects.toThrow(
      new RegExp(
        `^auth file ${broken} is not valid JSON .*Fix or remove it, or give \`username\`/\`password\``
      )
    )
  })
})

describe('helperFor', () => {
  it.each([
    [{ credHelpers: { 'ghcr.io': 'gh' } }, 'ghcr.io', { helper: 'gh', server: 'ghcr.io' }],
    [
      { credHelpers: { 'ghcr.io': 'gh' }, credsStore: 'desktop' },
      'quay.io',
      { helper: 'desktop', server: 'quay.io' }
    ],
    [
      { credHelpers: { 'https://index.docker.io/v1/': 'hub' } },
      'docker.io',
      { helper: 'hub', server: 'https://index.docker.io/v1/' }
    ],
    [
      { credsStore: 'pass' },
      'docker.io',
      { helper: 'pass', server: 'https://index.docker.io/v1/' }
    ],
    [
      { credHelpers: { '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' } },
      '123.dkr.ecr.us-east-1.amazonaws.com',
      { helper: 'ecr-login', server: '123.dkr.ecr.us-east-1.amazonaws.com' }
    ],
    [{ credHelpers: { 'ghcr.io': 'gh' } }, 'quay.io', undefined],
    [{ credsStore: '' }, 'quay.io', undefined],
    [{}, 'ghcr.io', undefined]
  ])('%j for %s -> %j', (config, registry, expected) => {
    expect(helperFor(config, registry)).toEqual(expected)
  })
})

describe('credentialsFromHelperAnswer', () => {
  it('reads the Username and Secret of a get answer', () => {
    expect(
      credentialsFromHelperAnswer(
        '{"ServerURL":"ghcr.io","Username":"bot","Secret":"ghp_x"}',
        'gh',
        'ghcr.io'
      )
    ).toEqual({ username: 'bot', password: 'ghp_x' })
  })

  it('has nothing for an empty secret', () => {
    expect(credentialsFromHelperAnswer('{"Username":"","Secret":""}', 'gh', 'ghcr.io')).toBe(
      undefined
    )
  })

  it('refuses an identity token, saying what to give instead', () => {
    expect(() =>
      credentialsFromHelperAnswer(
        '{"Username":"<token>","Secret":"refresh"}',
        'acr',
        'x.azurecr.io'
      )
    ).toThrow(/identity token for x.azurecr.io.*Give `username` and `password`/)
  })

  it('names the helper whose answer is not JSON', () => {
    expect(() => credentialsFromHelperAnswer('oops', 'gh', 'ghcr.io')).toThrow(
      /docker-credential-gh answered for ghcr.io with something that is not JSON/
    )
  })
})

describe('credentialsFromAuthFiles with helpers', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  async function file(content: unknown): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'helpers-'))
    dirs.push(dir)
    const name = path.join(dir, 'config.json')
    await writeFile(name, JSON.stringify(content))
    return name
  }

  it('asks the helper before the inline auths, and falls back to them when it has nothing', async () => {
    const asked: string[] = []
    const runner = (helper: string, server: string) => {
      asked.push(`${helper} ${server}`)
      return Promise.resolve(
        server === 'ghcr.io' ? '{"Username":"helper-user","Secret":"from-helper"}' : undefined
      )
    }
    const name = await file({
      credsStore: 'store',
      auths: { 'ghcr.io': {}, 'quay.io': { auth: auth('inline', 'pw') } }
    })
    expect(await credentialsFromAuthFiles('ghcr.io', [name], runner)).toEqual({
      username: 'helper-user',
      password: 'from-helper'
    })
    expect(await credentialsFromAuthFiles('quay.io', [name], runner)).toEqual({
      username: 'inline',
      password: 'pw'
    })
    expect(asked).toEqual(['store ghcr.io', 'store quay.io'])
  })
})
