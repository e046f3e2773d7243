/** The private docker config a buildx run uses, so the action's logins never touch the user's. */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import path from 'node:path'
import { DOCKER_HUB_SERVER, basicAuth } from '../../registry/credentials.js'
import { PRIVATE_DOCKER_CONFIG, builderEnv } from '../../state.js'
import type { BuildRequest } from '../engine.js'

export type Env = Readonly<Record<string, string>>

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** Where docker keeps credentials for a registry: Docker Hub has its legacy key. */
function authKey(registry: string): string {
  return registry === 'docker.io' ? DOCKER_HUB_SERVER : registry
}

/**
 * A docker config.json for this run: the user's settings plus the action's logins. A helper
 * for one of these registries, or a `credsStore` (it serves every registry), would shadow the
 * inline `auths`, so both go: registries known only to that store lose their login here.
 */
export function dockerConfigWithLogins(
  original: unknown,
  logins: BuildRequest['logins']
): Record<string, unknown> {
  const base = { ...record(original) }
  const auths = { ...record(base.auths) }
  const helpers = { ...record(base.credHelpers) }
  for (const { registry, credentials } of logins) {
    auths[authKey(registry)] = { auth: basicAuth(credentials) }
    Reflect.deleteProperty(helpers, authKey(registry))
  }
  Reflect.deleteProperty(base, 'credsStore')
  return { ...base, auths, credHelpers: helpers }
}

/**
 * With logins, buildx gets a private DOCKER_CONFIG so credentials never land in the user's
 * config.json. Plugins and contexts stay shared through links, builders through BUILDX_CONFIG.
 */
export async function privateDockerEnv(request: BuildRequest): Promise<Env> {
  if (request.logins.length === 0) return {}
  const original = process.env.DOCKER_CONFIG ?? path.join(homedir(), '.docker')
  const dir = path.join(request.tempDir, PRIVATE_DOCKER_CONFIG)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // A missing or broken config.json leaves only the action's logins, as docker would read it.
  const existing = await readFile(path.join(original, 'config.json'), 'utf8')
    .then((text): unknown => JSON.parse(text))
    .catch(() => ({}))
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify(dockerConfigWithLogins(existing, request.logins)),
    { mode: 0o600 }
  )
  for (const shared of ['cli-plugins', 'contexts']) {
    await symlink(path.join(original, shared), path.join(dir, shared)).catch(() => undefined)
  }
  return builderEnv(dir, process.env)
}
