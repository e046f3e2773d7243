import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseCommandFile } from '../../harness/runner.mjs'
import * as runner from '../../src/runner.js'

function stdoutOf(work: () => void): string {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  try {
    work()
  } finally {
    spy.mockRestore()
  }
  return written.join('')
}

afterEach(() => {
  vi.unstubAllEnvs()
  process.exitCode = undefined
})

describe("the runner's protocol", () => {
  it('reads inputs the way the runner passes them, trimmed', () => {
    vi.stubEnv('INPUT_BUILD-ARGS', '  A=1\n')
    vi.stubEnv('INPUT_NO_CACHE', 'True')
    expect(runner.getInput('build-args')).toBe('A=1')
    expect(runner.getInput('missing')).toBe('')
    expect(runner.getBooleanInput('no cache')).toBe(true)
    vi.stubEnv('INPUT_PUSH', 'yes')
    expect(() => runner.getBooleanInput('push')).toThrow(/not a boolean/)
  })

  it('keeps every command on one line and its properties unambiguous', () => {
    expect(
      stdoutOf(() => {
        runner.warning('50% done\nnext line', { title: 'a: b, c' })
        runner.setSecret('s3cr%t')
        runner.startGroup('Build linux/arm64')
        runner.endGroup()
      })
    ).toBe(
      [
        '::warning title=a%3A b%2C c::50%25 done%0Anext line',
        '::add-mask::s3cr%25t',
        '::group::Build linux/arm64',
        '::endgroup::',
        ''
      ].join('\n')
    )
  })

  it('fails the step with exit code 1 and one error line', () => {
    expect(
      stdoutOf(() => {
        runner.setFailed('input `mode`: is `x`')
      })
    ).toBe('::error::input `mode`: is `x`\n')
    expect(process.exitCode).toBe(1)
  })

  it('writes outputs and state as records the runner reads back, multi-line values included', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'runner-'))
    const outputs = path.join(dir, 'output')
    const state = path.join(dir, 'state')
    writeFileSync(outputs, '')
    writeFileSync(state, '')
    vi.stubEnv('GITHUB_OUTPUT', outputs)
    vi.stubEnv('GITHUB_STATE', state)
    runner.setOutput('digest', 'sha256:abc')
    runner.setOutput('manifest', '{\n  "a": 1\n}')
    runner.saveState('builder', 'b1')
    expect(parseCommandFile(readFileSync(outputs, 'utf8'))).toEqual({
      digest: 'sha256:abc',
      manifest: '{\n  "a": 1\n}'
    })
    expect(parseCommandFile(readFileSync(state, 'utf8'))).toEqual({ builder: 'b1' })
    vi.stubEnv('STATE_builder', 'b1')
    expect(runner.getState('builder')).toBe('b1')
    vi.stubEnv('GITHUB_OUTPUT', '')
    expect(() => {
      runner.setOutput('digest', 'x')
    }).toThrow(/GITHUB_OUTPUT is not set/)
  })

  it('appends to the job summary, a block at a time', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'runner-')), 'summary')
    writeFileSync(file, '')
    vi.stubEnv('GITHUB_STEP_SUMMARY', file)
    await runner.appendSummary('### one\n')
    await runner.appendSummary('### two')
    expect(readFileSync(file, 'utf8')).toBe('### one\n\n### two\n')
    vi.stubEnv('GITHUB_STEP_SUMMARY', '')
    await runner.appendSummary('nowhere')
    expect(readFileSync(file, 'utf8')).toBe('### one\n\n### two\n')
  })
})
