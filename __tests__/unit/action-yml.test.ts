import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, actionYaml } from '../../harness/runner.mjs'
import { inputsTable, outputsTable } from '../../scripts/readme-tables.mjs'
import { Input, Output } from '../../src/constants.js'

const action = actionYaml()
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

function between(start: string, end: string): string {
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from === -1 || to === -1) throw new Error(`README has no ${start} ... ${end} block`)
  return readme.slice(readme.indexOf('\n', from) + 1, to).trim()
}

describe('action.yml', () => {
  it('declares exactly the inputs and outputs the code reads and writes', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort())
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort())
  })

  it('gives every input a description and a default, every output a description', () => {
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(spec.description, name).not.toBe('')
      expect(spec.default, name).toBeTypeOf('string')
    }
    for (const [name, spec] of Object.entries(action.outputs)) {
      expect(spec.description, name).not.toBe('')
    }
  })

  it('runs on node24 with a main and a post step that exist', () => {
    expect(action.runs.using).toBe('node24')
    expect(readFileSync(path.join(ROOT, action.runs.main), 'utf8')).not.toBe('')
    expect(readFileSync(path.join(ROOT, action.runs.post ?? ''), 'utf8')).not.toBe('')
  })

  it('matches the README tables', () => {
    expect(between('<!-- inputs', '<!-- /inputs -->')).toBe(inputsTable(action))
    expect(between('<!-- outputs', '<!-- /outputs -->')).toBe(outputsTable(action))
  })
})
