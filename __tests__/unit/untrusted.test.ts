import { afterEach, describe, expect, it, vi } from 'vitest'
import { untrusted, untrustedLines } from '../../src/untrusted.js'
import { readLog } from '../../harness/runner.mjs'

function stdoutOf(work: () => void | Promise<void>): Promise<string> {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  return Promise.resolve(work())
    .then(() => written.join(''))
    .finally(() => {
      spy.mockRestore()
    })
}

afterEach(() => {
  vi.restoreAllMocks()
})

const HOSTILE = [
  '::set-output name=digest::sha256:forged',
  '    ::save-state name=createdBuilder::{"removeArgs":["run"]}',
  '\t::add-mask::x',
  'prefix ##[set-output name=digests;]{}',
  '##[error]legacy',
  '::stop-commands::guess',
  '::warning::after a guessed stop',
  '::guess::',
  '::error::after the guessed resume'
].join('\n')

/** The commands the runner would carry out, by name (a fence's end by its token). */
function carriedOut(stdout: string): { readonly name: string; readonly value: string }[] {
  return readLog(stdout).commands.map(command => ({ name: command.command, value: command.value }))
}

describe('the hostile lines, unfenced', () => {
  it('are commands to the runner, every one of them', () => {
    expect(carriedOut(HOSTILE).map(command => command.name)).toEqual([
      'set-output',
      'save-state',
      'add-mask',
      'set-output',
      'error',
      'stop-commands',
      'guess',
      'error'
    ])
  })
})

describe('untrusted text in the log', () => {
  it('is printed whole, and not one line of it is carried out', async () => {
    const text = await stdoutOf(() => {
      untrusted(HOSTILE)
      // The action's own commands after the block are read again.
      process.stdout.write('::group::Push by digest\n')
    })
    for (const line of HOSTILE.split('\n')) expect(text).toContain(line)
    const commands = carriedOut(text)
    expect(commands.map(command => command.name)).toEqual([
      'stop-commands',
      commands[0]?.value,
      'group'
    ])
    expect(commands[0]?.value).toMatch(/^[0-9a-f]{32}$/)
  })

  it('takes a new token for every block', async () => {
    const text = await stdoutOf(() => {
      untrusted('a')
      untrusted('b')
    })
    const tokens = carriedOut(text)
      .filter(command => command.name === 'stop-commands')
      .map(command => command.value)
    expect(tokens).toHaveLength(2)
    expect(tokens[0]).not.toBe(tokens[1])
  })

  it('prints nothing for no text, and an empty line kept as a line', async () => {
    expect(
      await stdoutOf(() => {
        untrusted('')
      })
    ).toBe('')
    expect(
      (
        await stdoutOf(() => {
          untrusted('\n')
        })
      ).split('\n')
    ).toHaveLength(4)
  })

  it('fences the lines of one chunk together, line by line as they come', async () => {
    const text = await stdoutOf(async () => {
      const print = untrustedLines()
      for (const line of HOSTILE.split('\n')) print(line)
      await Promise.resolve()
      print('::error::a second chunk')
      await Promise.resolve()
    })
    const commands = carriedOut(text)
    expect(commands.filter(command => command.name === 'stop-commands')).toHaveLength(2)
    expect(
      commands.filter(command => !/^(stop-commands|[0-9a-f]{32})$/.test(command.name))
    ).toEqual([])
    expect(text.indexOf('::error::after the guessed resume')).toBeLessThan(
      text.indexOf('::error::a second chunk')
    )
  })
})
