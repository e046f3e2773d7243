/** Where a buildx build leaves its image, decided from the outputs before it runs. */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { exec } from '../../exec.js'
import { parseOutputSpec } from '../../values.js'
import type { BuiltImage } from '../engine.js'
import { buildxAtLeast } from './install.js'

/** What the build's outputs leave for the checks and the push. */
export type OutputPlan =
  /**
   * BuildKit pushes into the first tag's repository by digest; with `besideLayout`, the same
   * build also writes an OCI layout there, from which the checks read the layers.
   */
  | { readonly kind: 'push'; readonly besideLayout?: string }
  /** An OCI layout directory: the user's (`type=oci,tar=false`) or one the action asks for. */
  | { readonly kind: 'layout'; readonly dir: string; readonly temporary: boolean }
  /** An OCI tar the user asked for; the action unpacks a copy to read it. */
  | { readonly kind: 'oci-tar'; readonly file: string }
  | { readonly kind: 'unavailable'; readonly reason: string }

/** Whether one build may write an OCI layout beside its push, and why, for the debug log. */
export interface BesidePush {
  readonly layout: boolean
  readonly reason: string
}

/**
 * Pure: a second output needs buildx 0.13 and BuildKit 0.13 on every node (older buildx
 * refuses more than one `--output`; newer asks the daemon). A node whose version `inspect`
 * does not show is tried: buildx refuses before building, and the build runs again without.
 */
export function layoutBesidePush(
  buildxVersion: string,
  driver: string,
  buildkitVersions: readonly (string | undefined)[],
  registry: string
): BesidePush {
  // Measured: on one machine, reading a warm 4-platform image back from a registry there
  // costs less than BuildKit sending the whole image to the client a second time.
  if (onThisMachine(registry)) {
    return { layout: false, reason: `${registry} is on this machine: reading it back costs less` }
  }
  // Built from source without a version stamped in, both call themselves 0.0.0: unknown.
  const stamped = (version: string | undefined) =>
    version === undefined || /^0\.0\.0(?:[+-]|$)/.test(version) ? undefined : version
  const nodes = buildkitVersions.map(stamped)
  if (stamped(buildxVersion) !== undefined && !buildxAtLeast(buildxVersion, '0.13.0')) {
    return {
      layout: false,
      reason: `buildx ${buildxVersion} takes one output only (0.13 takes more)`
    }
  }
  if (driver === 'docker') {
    return {
      layout: false,
      reason: 'the docker driver exports OCI only with the containerd image store; not tried'
    }
  }
  const old = nodes.filter(
    (version): version is string => version !== undefined && !buildxAtLeast(version, '0.13.0')
  )
  if (old.length > 0) {
    return {
      layout: false,
      reason: `BuildKit ${old.join(', ')} runs one exporter per build (0.13 runs more)`
    }
  }
  const known = nodes.filter(version => version !== undefined)
  return {
    layout: true,
    reason:
      known.length === nodes.length && known.length > 0
        ? `buildx ${buildxVersion} and BuildKit ${[...new Set(known)].join(', ')} run several exporters`
        : `buildx ${buildxVersion}; BuildKit's version is not shown, so it is tried`
  }
}

/**
 * Pure: push, else the user's OCI output, else a layout of the action's own when the checks
 * need one and the outputs leave room for it, else why the result cannot be read. A push
 * the checks will read gets a layout beside it when `besidePush` allows one.
 */
export function planOutputs(
  outputs: readonly string[],
  load: boolean,
  push: boolean,
  keepForChecks: boolean,
  tempLayout: string,
  besidePush = false
): OutputPlan {
  if (push) {
    return keepForChecks && besidePush
      ? { kind: 'push', besideLayout: tempLayout }
      : { kind: 'push' }
  }
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
      return plan.besideLayout === undefined
        ? { kind: 'registry', ...pushed }
        : { kind: 'registry', ...pushed, localCopy: path.resolve(plan.besideLayout) }
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

/** `localhost`, `127.0.0.1`, `[::1]`, with or without a port. */
export function onThisMachine(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '')
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]'
}
