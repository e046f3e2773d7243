import * as core from '@actions/core'
import { untrusted } from '../untrusted.js'
import { availableParallelism } from 'node:os'
import { limiter } from '../bounded.js'
import { ActionError } from '../errors.js'
import { parsePlatform } from '../platform.js'
import type { AllowedForeignFile, ArchitectureMismatch, LayerScan } from './check.js'
import { formatMismatch, scanLayer } from './check.js'

export type VerifyPolicy = 'error' | 'warn' | 'off'

/** One platform manifest to check: where its layers come from is the caller's business. */
export interface PlatformImage {
  readonly platform: string
  readonly layers: readonly {
    readonly digest: string
    readonly size: number
    readonly mediaType: string
  }[]
  readonly open: (digest: string) => Promise<AsyncIterable<unknown>>
}

export interface PlatformVerification {
  readonly platform: string
  readonly layers: number
  readonly bytes: number
  /** Layers read now; the rest were read for an earlier platform of the same architecture. */
  readonly scanned: number
  readonly elfFiles: number
  readonly mismatches: readonly ArchitectureMismatch[]
  readonly allowed: readonly AllowedForeignFile[]
  readonly status: 'passed' | 'failed' | 'warned' | 'skipped'
}

/**
 * Check every layer of every platform for ELF files of another architecture. A layer is read
 * once per architecture however many platforms share it. Under `error`, a mismatch throws
 * (naming file, found and expected) before any tag moves; under `warn` it is annotated.
 */
export async function verifyPlatforms(
  images: readonly PlatformImage[],
  policy: VerifyPolicy,
  allow: readonly string[],
  /** Filled as platforms are checked, so a caller sees the results even when this throws. */
  results: PlatformVerification[] = [],
  /** The engine pushed to the tags itself, so the check comes too late to keep them. */
  afterTagsMoved = false
): Promise<PlatformVerification[]> {
  // Every layer of every platform is read side by side (gunzip runs on Node's thread pool),
  // a few at a time; the results are then taken in order, platform by platform.
  const scans = new Map<string, Promise<LayerScan>>()
  const gate = limiter(Math.max(2, availableParallelism()))
  const planned = images.map(image => {
    if (policy === 'off') return { image, layerScans: [], scanned: 0 }
    const expected = parsePlatform(image.platform)
    let scanned = 0
    const layerScans = image.layers.map(layer => {
      const key = `${layer.digest} ${expected.architecture}`
      let scan = scans.get(key)
      if (scan === undefined) {
        scanned++
        scan = gate(async () =>
          scanLayer(
            await image.open(layer.digest),
            {
              architecture: expected.architecture,
              ...(expected.variant ? { variant: expected.variant } : {})
            },
            { allow, mediaType: layer.mediaType }
          )
        )
        // Awaited below, in order; until then a failure must not count as unhandled.
        scan.catch(() => undefined)
        scans.set(key, scan)
      }
      return scan
    })
    return { image, layerScans, scanned }
  })
  for (const { image, layerScans, scanned } of planned) {
    const layers = image.layers.length
    const bytes = image.layers.reduce((total, layer) => total + layer.size, 0)
    if (policy === 'off') {
      results.push({ ...empty(image.platform, layers, bytes), status: 'skipped' })
      continue
    }
    let elfFiles = 0
    const mismatches: ArchitectureMismatch[] = []
    const allowed: AllowedForeignFile[] = []
    for (const scan of layerScans) {
      const result = await scan
      elfFiles += result.elfFiles
      mismatches.push(
        ...result.mismatches.map(mismatch => ({ ...mismatch, expected: image.platform }))
      )
      allowed.push(...result.allowed)
    }
    const status = mismatches.length === 0 ? 'passed' : policy === 'warn' ? 'warned' : 'failed'
    results.push({
      platform: image.platform,
      layers,
      bytes,
      scanned,
      elfFiles,
      mismatches,
      allowed,
      status
    })
    core.info(
      `${image.platform}: ${elfFiles} ELF files in ${layers} layers (${scanned} read): ${
        mismatches.length === 0 ? 'all match' : `${mismatches.length} of another architecture`
      }${allowed.length > 0 ? `, ${allowed.length} foreign but allowed` : ''}`
    )
    // File names come out of the image: fenced in the log; an annotation carries them escaped.
    untrusted(allowed.map(file => `  allowed: ${file.path} is ${file.found}`).join('\n'))
    if (policy === 'warn') {
      for (const mismatch of mismatches) {
        core.warning(formatMismatch(mismatch), { title: `architecture check (${image.platform})` })
      }
    } else {
      untrusted(mismatches.map(mismatch => `  ${formatMismatch(mismatch)}`).join('\n'))
    }
  }
  const failed = results.filter(result => result.status === 'failed')
  if (failed.length > 0) {
    const lines = failed.flatMap(result => result.mismatches.slice(0, 5).map(formatMismatch))
    const more =
      failed.reduce((total, result) => total + result.mismatches.length, 0) - lines.length
    throw new ActionError(
      `architecture check failed: ${lines.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
      `Build those files for the target platform (a base image or toolchain of that architecture), list legitimately foreign paths in verify-arch-allow, or set verify-arch: warn. ${
        afterTagsMoved
          ? 'This engine pushed to the tags before the check could run: they name the faulty image'
          : 'No tag was moved'
      }`
    )
  }
  return results
}

function empty(
  platform: string,
  layers: number,
  bytes: number
): Omit<PlatformVerification, 'status'> {
  return { platform, layers, bytes, scanned: 0, elfFiles: 0, mismatches: [], allowed: [] }
}
