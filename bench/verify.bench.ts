/**
 * The architecture check on a 200 MB layer: its peak memory above the idle process (target
 * under 64 MB) and its throughput, for gzip and plain tar.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, createReadStream, mkdirSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inject, it } from 'vitest'
import { scanLayer } from '../src/verify/check.js'
import { type Sample, report, summarise } from './measure.js'

const lab = inject('lab')

function makeLayers(): { gzip: string; plain: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'verify-bench-'))
  const root = path.join(dir, 'root')
  mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true })
  copyFileSync(
    path.join(lab.LAB_BUSYBOX_DIR, 'arm64', 'bin', 'busybox'),
    path.join(root, 'usr', 'bin', 'busybox')
  )
  // 200 MB that gzip cannot shrink, so the layer really is that large on the wire.
  execFileSync('sh', ['-c', `head -c 200000000 /dev/urandom > ${path.join(root, 'data.bin')}`])
  const plain = path.join(dir, 'layer.tar')
  execFileSync('tar', ['-C', root, '-cf', plain, '.'])
  execFileSync('sh', ['-c', `gzip -1 -c ${plain} > ${plain}.gz`])
  return { gzip: `${plain}.gz`, plain }
}

async function peakDuring(
  work: () => Promise<unknown>
): Promise<{ peakMB: number; seconds: number }> {
  global.gc?.()
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 5)
  const started = performance.now()
  await work()
  const seconds = (performance.now() - started) / 1000
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  return { peakMB: (peak - baseline) / 1e6, seconds }
}

it('measures the architecture check on a 200 MB layer', async () => {
  const layers = makeLayers()
  const samples: Sample[] = []
  for (const [name, file] of Object.entries(layers)) {
    const peaks: number[] = []
    const rates: number[] = []
    const size = statSync(file).size
    for (let run = 0; run < 5; run++) {
      const { peakMB, seconds } = await peakDuring(async () => {
        const scan = await scanLayer(
          createReadStream(file),
          { architecture: 'arm64' },
          { allow: [] }
        )
        if (scan.elfFiles !== 1 || scan.mismatches.length !== 0)
          throw new Error('unexpected scan result')
      })
      peaks.push(peakMB)
      rates.push(size / 1e6 / seconds)
    }
    samples.push(summarise(`peak memory above idle, 200 MB ${name} layer`, peaks, 'MB', '< 64 MB'))
    samples.push(summarise(`throughput, ${name} layer`, rates, 'MB/s'))
  }
  report('verify', samples)
})
