/** Where a registry's API lives, and what a host's own setup says about reaching it. */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'

/**
 * Docker Hub's names (`docker.io`, `index.docker.io`) serve a web site, not the API: every
 * docker client maps them to `registry-1.docker.io`. Other registries serve it themselves.
 */
export function apiHost(registry: string): string {
  const name = registry.toLowerCase()
  return name === 'docker.io' || name === 'index.docker.io' ? 'registry-1.docker.io' : registry
}

export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return name === 'localhost' || name === '::1' || /^127\./.test(name)
}

/** CA certificates the containers tools trust for these hosts (so buildah and we agree). */
export async function containersCa(hosts: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const host of new Set(hosts)) {
    const dir = path.join('/etc/containers/certs.d', host)
    try {
      const files = (await readdir(dir)).filter(file => file.endsWith('.crt'))
      found.push(...(await Promise.all(files.map(file => readFile(path.join(dir, file), 'utf8')))))
    } catch {
      // No folder for this host: the system's roots alone.
    }
  }
  return found
}
