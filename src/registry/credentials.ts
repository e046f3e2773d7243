import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import path from 'node:path'
import { ActionError } from '../errors.js'

export interface Credentials {
  readonly username: string
  readonly password: string
}

/** Auth files as docker and podman/buildah write them, in the order those tools read them. */
export function authFilePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = []
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE)
  if (env.XDG_RUNTIME_DIR) files.push(path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'))
  files.push(path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'config.json'))
  return files
}

const DOCKER_HUB_KEYS = ['docker.io', 'index.docker.io', 'registry-1.docker.io']

/** The key Docker Hub's credentials live under in auth files, helpers and stores: the v1 index URL. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/'

/** `base64(user:password)`: an auth file's `auth` field, and Basic authentication's value. */
export function basicAuth(credentials: Credentials): string {
  return Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
}

/**
 * The registry host an `auths` key stands for: docker writes URLs such as
 * `https://index.docker.io/v1/`, podman bare hosts; podman's `host/namespace` keys cover
 * one repository subtree, not the registry, so they stand for none.
 */
export function authKeyHost(key: string): string | undefined {
  const schemeless = key.replace(/^https?:\/\//i, '')
  const slash = schemeless.indexOf('/')
  if (slash === -1) return schemeless.toLowerCase()
  if (schemeless === key) return undefined
  return schemeless.slice(0, slash).toLowerCase()
}

/** `auths[registry].auth` is base64 of `user:password`; Docker Hub has its legacy keys. */
export function credentialsFromAuthJson(text: string, registry: string): Credentials | undefined {
  const parsed = JSON.parse(text) as { auths?: Record<string, { auth?: unknown } | null> }
  const wanted = registry === 'docker.io' ? DOCKER_HUB_KEYS : [registry.toLowerCase()]
  const entries = Object.entries(parsed.auths ?? {})
  // An exact key wins over a normalised one, as docker looks the exact key up first.
  const ordered = [
    ...entries.filter(([key]) => wanted.includes(key)),
    ...entries.filter(([key]) => {
      const host = authKeyHost(key)
      return host !== undefined && wanted.includes(host) && !wanted.includes(key)
    })
  ]
  for (const [, entry] of ordered) {
    const encoded = entry?.auth
    if (typeof encoded !== 'string' || encoded === '') continue
    const decoded = Buffer.from(encoded, 'base64').toString('utf8')
    // Only the first colon separates: passwords and tokens may contain more.
    const colon = decoded.indexOf(':')
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  return undefined
}

/** Runs `docker-credential-<name> get` with the server on stdin; answers its stdout, or undefined when it has nothing. */
export type HelperRunner = (helper: string, server: string) => Promise<string | undefined>

/**
 * Which credential helper a config names for a registry, and the server name to ask it for:
 * `credHelpers` for that registry first, then `credsStore` for every registry, as docker does.
 */
export function helperFor(
  config: { credHelpers?: unknown; credsStore?: unknown },
  registry: string
): { helper: string; server: string } | undefined {
  const hub = registry === 'docker.io'
  const helpers =
    typeof config.credHelpers === 'object' && config.credHelpers !== null
      ? (config.credHelpers as Record<string, unknown>)
      : {}
  for (const key of hub ? [DOCKER_HUB_SERVER, ...DOCKER_HUB_KEYS] : [registry.toLowerCase()]) {
    const helper = helpers[key]
    if (typeof helper === 'string' && helper !== '') return { helper, server: key }
  }
  if (typeof config.credsStore === 'string' && config.credsStore !== '') {
    return { helper: config.credsStore, server: hub ? DOCKER_HUB_SERVER : registry }
  }
  return undefined
}

/** Read a helper's `get` answer: `{"ServerURL", "Username", "Secret"}`. */
export function credentialsFromHelperAnswer(
  text: string,
  helper: string,
  server: string
): Credentials | undefined {
  let answer: { Username?: unknown; Secret?: unknown }
  try {
    answer = JSON.parse(text) as { Username?: unknown; Secret?: unknown }
  } catch {
    throw new ActionError(
      `credential helper docker-credential-${helper} answered for ${server} with something that is not JSON`
    )
  }
  const username = typeof answer.Username === 'string' ? answer.Username : ''
  const secret = typeof answer.Secret === 'string' ? answer.Secret : ''
  if (secret === '') return undefined
  if (username === '<token>') {
    throw new ActionError(
      `credential helper docker-credential-${helper} holds an identity token for ${server}, which this action cannot exchange yet`,
      'Give `username` and `password` (a token the registry takes as a password)'
    )
  }
  return { username, password: secret }
}

/** The real helper: a program on PATH, given 30 s. "Not found" answers exit non-zero. */
export const runHelper: HelperRunner = (helper, server) =>
  new Promise((resolve, reject) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper)) {
      reject(new ActionError(`credential helper name \`${helper}\` is not a program name`))
      return
    }
    const child = execFile(
      `docker-credential-${helper}`,
      ['get'],
      { timeout: 30_000, maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        const code = (error as NodeJS.ErrnoException | null)?.code
        if (code === 'ENOENT') {
          reject(
            new ActionError(
              `the docker config names credential helper \`${helper}\`, but docker-credential-${helper} is not on PATH`,
              'Install it before this step, or give `username`/`password`'
            )
          )
          return
        }
        // Helpers exit 1 with "credentials not found" when they hold nothing for the server.
        resolve(error === null ? stdout : undefined)
      }
    )
    child.stdin?.end(server)
  })

export async function credentialsFromAuthFiles(
  registry: string,
  files: readonly string[],
  helpers: HelperRunner = runHelper
): Promise<Credentials | undefined> {
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      continue
    }
    let config: { credHelpers?: unknown; credsStore?: unknown }
    let found: Credentials | undefined
    try {
      config = JSON.parse(text) as { credHelpers?: unknown; credsStore?: unknown }
      found = credentialsFromAuthJson(text, registry)
    } catch (error) {
      throw new ActionError(
        `auth file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        'Fix or remove it, or give `username`/`password`'
      )
    }
    // A helper for this registry (or a store for all) holds the secret; `auths` only a placeholder.
    const named = helperFor(config, registry)
    if (named !== undefined) {
      const answer = await helpers(named.helper, named.server)
      const fromHelper =
        answer === undefined
          ? undefined
          : credentialsFromHelperAnswer(answer, named.helper, named.server)
      if (fromHelper !== undefined) return fromHelper
    }
    if (found !== undefined) return found
  }
  return undefined
}
