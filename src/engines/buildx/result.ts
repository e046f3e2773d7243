/** Where a buildx build leaves its image, decided from the outputs before it runs. */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { exec } from '../../exec.js'
import { parseOutputSpec } from '../../values.js'
import type { BuiltImage } from '../engine.js'

/** What the build's outputs leave for the checks and the push. */
export type OutputPlan =
  /** BuildKit pushes into the first tag's repository by digest. */
  | { readonly kind: 'push' }
  /** An OCI layout directory: the user's (`type=oci,tar=false`) or one the action asks for. */
  | { readonly kind: 'layout'; readonly dir: string; readonly temporary: boolean }
  /** An OCI tar the user asked for; the action unpacks a copy to read it. */
  | { readonly kind: 'oci-tar'; readonly file: string }
  | { readonly kind: 'unavailable'; readonly reason: string }

/**
 * Pure: push, else the user's OCI output, else a layout of the action's own when the checks
 * need one and the outputs leave room for it, else why the result cannot be read.
 */
export function planOutputs(
  outputs: readonly string[],
  load: boolean,
  push: boolean,
  keepForChecks: boolean,
  tempLayout: string
): OutputPlan {
  if (push) return { kind: 'push' }
  for (const output of outputs) {
    const fields = parseOutputSpec(output)
    const dest = fields.get('dest')
    if (fields.get('type') !== 'oci' || dest === undefined || dest === '-') continue
    return fields.get('tar') === 'false'
      ? { kind: 'layout', dir: dest, temporary: false }
      : { kind: 'oci-tar', file: dest }
  }
  if (load) return { kind: 'unavailable', reason: 'it was loaded into the docker image store' }
  if (outputs.length > 0) {
    return {
      kind: 'unavailable',
      reason: 'the `outputs` write no OCI image (only type=oci gives one the action can read)'
    }
  }
  if (keepForChecks) return { kind: 'layout', dir: tempLayout, temporary: true }
  return { kind: 'unavailable', reason: "it stays in the builder's cache" }
}

/** The built image once the build has run. */
export async function builtImage(
  plan: OutputPlan,
  pushed: { registry: string; repository: string; digest: string } | undefined,
  tempDir: string
): Promise<BuiltImage> {
  switch (plan.kind) {
    case 'push':
      if (pushed === undefined) {
        return { kind: 'unavailable', reason: 'buildx reported no digest for its push' }
      }
      return { kind: 'registry', ...pushed }
    case 'layout':
      return { kind: 'layout', dir: path.resolve(plan.dir), temporary: plan.temporary }
    case 'oci-tar': {
      // The tar stays as the user asked for it; the checks read an unpacked copy.
      const dir = path.join(tempDir, `oci-${path.basename(plan.file)}-${Date.now()}`)
      await mkdir(dir, { recursive: true })
      await exec('tar', ['-xf', path.resolve(plan.file), '-C', dir], { silent: true })
      return { kind: 'layout', dir, temporary: true }
    }
    case 'unavailable':
      return plan
  }
}
