/** `buildah login` into a private auth file, the password on stdin. */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError, errorMessage } from '../../errors.js'
import { ExecError, exec } from '../../exec.js'
import type { BuildRequest } from '../engine.js'

/** What to do about a failed `buildah login`, from what it said: not every failure is the password. */
export function loginFix(registry: string, detail: string): string {
  if (/x509|certificate/i.test(detail)) {
    return `The runner does not trust ${registry}'s certificate: put its CA in /etc/containers/certs.d/${registry}/ca.crt`
  }
  if (/no such host|connection refused|i\/o timeout|network is unreachable/i.test(detail)) {
    return `Check that ${registry} is reachable from the runner`
  }
  return 'Check `username` and `password`'
}

/** Log in with the given credentials into a private auth file; undefined when there are none. */
export async function login(request: BuildRequest): Promise<string | undefined> {
  if (request.logins.length === 0) return undefined
  const authFile = path.join(request.tempDir, 'auth.json')
  await writeFile(authFile, '{}', { mode: 0o600 })
  for (const { registry, credentials } of request.logins) {
    try {
      await exec(
        'buildah',
        [
          'login',
          '--authfile',
          authFile,
          '--username',
          credentials.username,
          '--password-stdin',
          registry
        ],
        { input: Buffer.from(credentials.password), silent: true }
      )
    } catch (error) {
      const detail = error instanceof ExecError ? error.result.stderr.trim() : errorMessage(error)
      throw new ActionError(`login to ${registry} failed: ${detail}`, loginFix(registry, detail))
    }
  }
  return authFile
}
