import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import path from 'node:path'

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

/** `auths[registry].auth` is base64 of `user:password`; Docker Hub has its legacy key. */
export function credentialsFromAuthJson(text: string, registry: string): Credentials | undefined {
  const parsed = JSON.parse(text) as { auths?: Record<string, { auth?: string }> }
  const keys =
    registry === 'docker.io'
      ? ['docker.io', 'https://index.docker.io/v1/', 'registry-1.docker.io']
      : [registry, `https://${registry}`]
  for (const key of keys) {
    const encoded = parsed.auths?.[key]?.auth
    if (encoded === undefined) continue
    const decoded = Buffer.from(encoded, 'base64').toString('utf8')
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
    const found = credentialsFromAuthJson(text, registry)
    if (found !== undefined) return found
  }
  return undefined
}
