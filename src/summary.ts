import * as core from '@actions/core'
import type { Matrix } from './plan.js'

/** The job summary exists only on a runner (or a harness) that names the file. */
function summaryAvailable(): boolean {
  return (process.env.GITHUB_STEP_SUMMARY ?? '') !== ''
}

export async function writeMatrixSummary(matrix: Matrix): Promise<void> {
  if (!summaryAvailable()) return
  await core.summary
    .addHeading('Multi-arch build matrix', 3)
    .addTable([
      [
        { data: 'Platform', header: true },
        { data: 'Runner', header: true },
        { data: 'Runs', header: true }
      ],
      ...matrix.include.map(leg => [
        `<code>${leg.platform}</code>`,
        `<code>${leg.runner}</code>`,
        leg.emulated ? 'emulated (QEMU)' : 'native'
      ])
    ])
    .write()
}

export interface BuildSummaryRow {
  readonly platform: string
  readonly digest: string
  readonly emulated: boolean
}

export async function writeBuildSummary(
  title: string,
  rows: readonly BuildSummaryRow[],
  indexDigest: string | undefined
): Promise<void> {
  if (!summaryAvailable()) return
  const summary = core.summary.addHeading(title, 3)
  if (indexDigest !== undefined) summary.addRaw(`Index: <code>${indexDigest}</code>`, true)
  await summary
    .addTable([
      [
        { data: 'Platform', header: true },
        { data: 'Digest', header: true },
        { data: 'Runs', header: true }
      ],
      ...rows.map(row => [
        `<code>${row.platform}</code>`,
        `<code>${row.digest}</code>`,
        row.emulated ? 'emulated (QEMU)' : 'native'
      ])
    ])
    .write()
}
