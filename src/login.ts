import * as core from '@actions/core'
import { Input } from './constants.js'
import type { BuildRequest } from './engines/engine.js'
import { InputError } from './errors.js'
import type { Inputs } from './inputs.js'
import {
  type Credentials,
  authFilePaths,
  basicAuth,
  credentialsFromAuthFiles
} from './registry/credentials.js'

/** Credentials from inputs go to the `registry` input or else the first tag's registry. */
export function loginsFrom(inputs: Inputs): BuildRequest['logins'] {
  const { username, password } = inputs.login
  if (username === '') return []
  const registry = inputs.login.registry ?? inputs.tags[0]?.registry
  if (registry === undefined) {
    throw new InputError(Input.Registry, 'is empty and no tag names a registry', 'Set `registry`')
  }
  return [{ registry, credentials: { username, password } }]
}

/**
 * The given login for this registry, else what docker's or podman's auth files hold (inline,
 * or through a credential helper). Whatever is found is masked, in every form a log could
 * show it: the password or token itself and the base64 `user:password` of auth files.
 */
export async function credentialsFor(
  registry: string,
  logins: BuildRequest['logins']
): Promise<Credentials | undefined> {
  const given = logins.find(login => login.registry === registry)
  const found = given?.credentials ?? (await credentialsFromAuthFiles(registry, authFilePaths()))
  if (found !== undefined) maskCredentials(found)
  return found
}

export function maskCredentials(credentials: Credentials): void {
  core.setSecret(credentials.password)
  core.setSecret(basicAuth(credentials))
}
