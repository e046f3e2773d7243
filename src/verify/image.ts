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
 * The layer scans of one run, each started once per layer and architecture, whoever asks
 * first: an engine that writes a platform's image before the whole result is ready lets the
 * check start on it there, and the check proper then takes the scans already under way.
 * A layer is named by its digest, so a scan holds for every image that lists that layer.
 */
export class LayerScans {
  private readonly scans = new Map<
    string,
    { readonly platform: string; readonly scan: Promise<LayerScan> }
  >()
  // Layers are read side by side (gunzip runs on Node's thread pool), a few at a time.
  private readonly gate = limiter(Math.max(2, availableParallelism()))

  constructor(private readonly allow: readonly string[]) {}

  /**
   * Each layer's scan for `image`, in its order, started where no one started it yet; and
   * how many of them were started for this platform (the rest were read for another
   * platform of the same architecture).
   */
  start(image: PlatformImage): {
    readonly layerScans: Promise<LayerScan>[]
    readonly scanned: number
  } {
    const expected = parsePlatform(image.platform)
    const layerScans = image.layers.map(layer => {
      const key = `${layer.digest} ${expected.architecture}`
      const known = this.scans.get(key)
      if (known !== undefined) return known
      const scan = this.gate(async () =>
        scanLayer(
          await image.open(layer.digest),
          {
            architecture: expected.architecture,
            ...(expected.variant ? { variant: expected.variant } : {})
          },
          { allow: this.allow, mediaType: layer.mediaType }
        )
      )
      // Awaited by the check, in order; until then a failure must not count as unhandled.
      scan.catch(() => undefined)
      const started = { platform: image.platform, scan }
      this.scans.set(key, started)
      return started
    })
    return {
      layerScans: layerScans.map(entry => entry.scan),
      scanned: new Set(
        layerScans.filter(entry => entry.platform === image.platform).map(entry => entry.scan)
      ).size
    }
  }
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
  afterTagsMoved = false,
  /** Scans already started on the same layers (with the same `allow`). */
  scans: LayerScans = new LayerScans(allow)
): Promise<PlatformVerification[]> {
  // Every platform's scans start now (those not started earlier); the results are then
  // taken in order, platform by platform.
  const planned = images.map(image =>
    policy === 'off' ? { image, layerScans: [], scanned: 0 } : { image, ...scans.start(image) }
  )
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
