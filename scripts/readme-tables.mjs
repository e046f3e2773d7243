#!/usr/bin/env node
/**
 * Print the README's inputs and outputs tables from action.yml, so the README never
 * drifts from it: `node scripts/readme-tables.mjs` and paste; a test compares them.
 */
import { actionYaml } from '../harness/runner.mjs'

/** One table cell: a single line, with pipes escaped so they do not split the row. */
const cell = text =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')

export function inputsTable(action = actionYaml()) {
  const rows = Object.entries(action.inputs).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default === '' || spec.default === undefined ? '' : `\`${spec.default}\``} | ${cell(spec.description)} |`
  )
  return ['| Input | Default | Description |', '| --- | --- | --- |', ...rows].join('\n')
}

export function outputsTable(action = actionYaml()) {
  const rows = Object.entries(action.outputs).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
  )
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`${inputsTable()}\n\n${outputsTable()}`)
}
