import { parse } from 'csv-parse/sync'

export interface ListOptions {
  /**
   * Split on commas too (CSV, with "quoted, values"). Off for inputs whose values
   * may hold commas themselves (build-args, labels, secrets): one item per line.
   */
  readonly commas: boolean
}

/**
 * Read a list input the way docker/build-push-action does: one item per line, and, where
 * `commas` is on, comma-separated items with CSV quoting. Blank items are dropped.
 * Throws a plain Error on a CSV quoting mistake; the caller names the input.
 */
export function parseList(value: string, options: ListOptions): string[] {
  if (!options.commas) {
    return value
      .split(/\r?\n/)
      .map(line => line.trim())
      .filter(line => line !== '')
  }
  const records: string[][] = parse(value, {
    columns: false,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true
  })
  return records.flat().filter(item => item !== '')
}
