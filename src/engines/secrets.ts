/** Build secrets as files in the run's private folder: how both engines hand them over. */
import { randomBytes } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ActionError } from '../errors.js'
import type { BuildSecret } from '../values.js'

/** One secret written for one build: `--secret id=...,src=...` points at it. */
export interface SecretFile {
  readonly id: string
  readonly file: string
}

/**
 * Write each secret to a file of mode 0600 in `dir`. Should one write fail, every file
 * written so far is removed before the error says which secret and why.
 */
export async function writeSecretFiles(
  secrets: readonly BuildSecret[],
  dir: string
): Promise<SecretFile[]> {
  const files: SecretFile[] = []
  for (const secret of secrets) {
    const file = path.join(dir, `secret-${randomBytes(6).toString('hex')}`)
    try {
      await writeFile(file, secret.value, { mode: 0o600 })
    } catch (error) {
      await removeSecretFiles([...files, { id: secret.id, file }])
      const code = (error as NodeJS.ErrnoException).code ?? 'error'
      throw new ActionError(
        `cannot write build secret \`${secret.id}\` into ${dir} (${code})`,
        code === 'ENOSPC' ? 'Free space in RUNNER_TEMP' : 'Check that RUNNER_TEMP is writable'
      )
    }
    files.push({ id: secret.id, file })
  }
  return files
}

export async function removeSecretFiles(files: readonly SecretFile[]): Promise<void> {
  await Promise.all(files.map(secret => rm(secret.file, { force: true })))
}
