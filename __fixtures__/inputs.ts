import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { InputSource } from '../src/inputs.js'

const actionYml = parse(
  readFileSync(path.join(import.meta.dirname, '..', 'action.yml'), 'utf8')
) as { inputs: Record<string, { default?: string }> }

/**
 * An input source with action.yml's defaults plus overrides, with the same boolean
 * rules as @actions/core (YAML 1.2 core schema words only).
 */
export function inputSource(overrides: Record<string, string> = {}): InputSource {
  for (const name of Object.keys(overrides)) {
    if (!(name in actionYml.inputs)) throw new Error(`action.yml has no input ${name}`)
  }
  const getInput = (name: string): string =>
    (overrides[name] ?? actionYml.inputs[name]?.default ?? '').trim()
  return {
    getInput,
    getBooleanInput(name: string): boolean {
      const value = getInput(name)
      if (['true', 'True', 'TRUE'].includes(value)) return true
      if (['false', 'False', 'FALSE'].includes(value)) return false
      throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`)
    }
  }
}
