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

export async function credentialsFromAuthFiles(
  registry: string,
  files: readonly string[]
): Promise<Credentials | undefined> {
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      continue
    }
    let found: Credentials | undefined
    try {
      found = credentialsFromAuthJson(text, registry)
    } catch (error) {
      throw new ActionError(
        `auth file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        'Fix or remove it, or give `username`/`password`'
      )
    }
    if (found !== undefined) return found
  }
  return undefined
}
