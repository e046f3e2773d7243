/** Timing and reporting shared by the benchmarks: medians and ranges, never single runs. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import path from 'node:path'

export interface Sample {
  readonly name: string
  readonly unit: 'ms' | 's' | 'MB' | 'MB/s' | 'ratio'
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: number
  readonly target?: string
}

export function summarise(
  name: string,
  values: readonly number[],
  unit: Sample['unit'],
  target?: string
): Sample {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
  return {
    name,
    unit,
    median,
    min: sorted[0] ?? 0,
    max: sorted.at(-1) ?? 0,
    runs: values.length,
    ...(target === undefined ? {} : { target })
  }
}

/** Per-round ratios of two series measured side by side (round i of each). */
export function ratios(
  name: string,
  numerators: readonly number[],
  denominators: readonly number[],
  target?: string
): Sample {
  return summarise(
    name,
    numerators.map((value, index) => value / (denominators[index] ?? value)),
    'ratio',
    target
  )
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

export function machine(): Record<string, unknown> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString()
  }
}

const round = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)

/** Write bench/results/<suite>.json and .md and print the table. */
export function report(suite: string, samples: readonly Sample[]): string {
  const dir = path.join(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  const facts = machine()
  writeFileSync(
    path.join(dir, `${suite}.json`),
    `${JSON.stringify({ suite, machine: facts, samples }, null, 2)}\n`
  )
  const table = [
    `### ${suite}`,
    '',
    `${String(facts.date).slice(0, 10)}, ${String(facts.cores)} cores, ${String(facts.memoryGiB)} GiB, Node ${String(facts.node)}`,
    '',
    '| What | Median | Min - max | Runs | Target |',
    '| --- | --- | --- | --- | --- |',
    ...samples.map(
      sample =>
        `| ${sample.name} | ${round(sample.median)} ${sample.unit} | ${round(sample.min)} - ${round(sample.max)} | ${sample.runs} | ${sample.target ?? ''} |`
    ),
    ''
  ].join('\n')
  writeFileSync(path.join(dir, `${suite}.md`), table)
  console.log(table)
  return table
}
