/**
 * The harness reads a step's stdout as the GitHub runner does (actions/runner:
 * ActionCommand.TryParseV2 / TryParse, ActionCommandManager's stop-commands and add-mask).
 * These cases pin the rules the end-to-end suites rely on when they assert that no
 * command came from a build.
 */
import { describe, expect, it } from 'vitest'
import { createLogReader, readLog } from '../../harness/log.mjs'

const commandsOf = (stdout: string) =>
  readLog(stdout).commands.map(({ command, properties, value, line }) => ({
    command,
    properties,
    value,
    line
  }))

describe('workflow commands in a step log', () => {
  it.each([
    ['at the start', '::set-output name=digest::sha256:1', 'set-output'],
    ['after leading spaces', '   ::set-output name=digest::sha256:1', 'set-output'],
    ['after a tab', '\t::set-output name=digest::sha256:1', 'set-output'],
    ['in upper case', '::SET-OUTPUT name=digest::sha256:1', 'set-output'],
    ['legacy at the start', '##[set-output name=digest;]sha256:1', 'set-output'],
    [
      'legacy mid-line, after a build prefix',
      '#6 0.08 ##[set-output name=digest;]sha256:1',
      'set-output'
    ]
  ])('processes a command %s', (_, line, command) => {
    expect(commandsOf(`text\n${line}\nmore\n`)).toEqual([
      { command, properties: { name: 'digest' }, value: 'sha256:1', line: 2 }
    ])
  })

  it.each([
    ['`::` mid-line', '#6 0.08 ::set-output name=digest::sha256:1'],
    ['an unknown name', '::frobnicate::x'],
    ['no closing `::`', '::error file=a'],
    ['no closing `]`', '##[error file=a'],
    ['a single colon', ':error::x']
  ])('leaves %s as text', (_, line) => {
    const read = readLog(`${line}\n`)
    expect(read.commands).toEqual([])
    expect(read.lines).toEqual([line])
  })

  it('reads properties and undoes the escapes of each form', () => {
    expect(
      commandsOf(
        '::error file=a%2Cb.ts,line=3,title=x%3Ay::two%0Alines 100%25\n' +
          '##[warning file=c%3Bd;col=2]a%5Db%0Ac\n' +
          '::notice title=,=v,ok=1::n\n'
      )
    ).toEqual([
      {
        command: 'error',
        properties: { file: 'a,b.ts', line: '3', title: 'x:y' },
        value: 'two\nlines 100%',
        line: 1
      },
      { command: 'warning', properties: { file: 'c;d', col: '2' }, value: 'a]b\nc', line: 2 },
      // A pair with an empty name or value is dropped, as the runner drops it.
      { command: 'notice', properties: { ok: '1' }, value: 'n', line: 3 }
    ])
  })

  it('records group, endgroup, debug, save-state, add-path, set-env with their line numbers', () => {
    const stdout = [
      '::group::Build',
      '::debug::why',
      '::save-state name=builder::multiarch-1',
      '::add-path::/opt/bin',
      '::set-env name=A::b',
      '::endgroup::'
    ].join('\n')
    expect(readLog(stdout).commands.map(entry => [entry.command, entry.line])).toEqual([
      ['group', 1],
      ['debug', 2],
      ['save-state', 3],
      ['add-path', 4],
      ['set-env', 5],
      ['endgroup', 6]
    ])
  })
})

describe('stop-commands', () => {
  it('turns every command into text until the token, which resumes', () => {
    const stdout = [
      '::stop-commands::f3a9c1d2e4b5',
      '::set-output name=digest::forged',
      '  ##[save-state name=removeArgs;]["run"]',
      '::error::from the build',
      '::f3a9c1d2e4b5::',
      '::error::after the block'
    ].join('\n')
    const read = readLog(stdout)
    expect(read.commands.map(entry => [entry.command, entry.line, entry.resumes ?? false])).toEqual(
      [
        ['stop-commands', 1, false],
        ['f3a9c1d2e4b5', 5, true],
        ['error', 6, false]
      ]
    )
    // The runner prints the fenced lines as they came, and not the fence's own two lines.
    expect(read.lines).toEqual([...stdout.split('\n').slice(1, 4), '::error::after the block'])
  })

  it('is not ended by a guessed token inside the block, nor by a nested stop-commands', () => {
    const stdout = [
      '::stop-commands::7c1e0b9a55d2',
      '```',
      '::stop-commands::guess',
      '::guess::',
      '::endtoken::',
      '::set-output name=digest::forged',
      '```',
      '::7c1e0b9a55d2::',
      '::set-output name=digest::real'
    ].join('\n')
    const processed = readLog(stdout).commands.filter(entry => entry.resumes !== true)
    expect(processed.map(entry => [entry.command, entry.value, entry.line])).toEqual([
      ['stop-commands', '7c1e0b9a55d2', 1],
      ['set-output', 'real', 9]
    ])
  })

  it('resumes on the legacy form of the token too, in any letter case', () => {
    const read = readLog('::stop-commands::AbC\n::error::x\nbuild ##[abc]\n::error::y\n')
    expect(read.commands.map(entry => entry.command)).toEqual(['stop-commands', 'abc', 'error'])
    expect(read.commands.at(-1)?.line).toBe(4)
  })

  it('never resumes after an empty token', () => {
    const read = readLog('::stop-commands::\n::::\n::error::x\n')
    expect(read.commands.map(entry => entry.command)).toEqual(['stop-commands'])
  })
})

describe('add-mask', () => {
  it('hides the value in every later line and does not print the command', () => {
    const read = readLog(
      [
        'before: hunter2',
        '  ::add-mask::hunter2',
        'after: hunter2 and aHVudGVyMg==',
        '::add-mask::aHVudGVyMg==',
        'both: hunter2 aHVudGVyMg==',
        '::error::login with hunter2 failed'
      ].join('\n')
    )
    expect(read.lines).toEqual([
      'before: hunter2',
      'after: *** and aHVudGVyMg==',
      'both: *** ***',
      '::error::login with *** failed'
    ])
    expect(read.commands.filter(entry => entry.command === 'add-mask')).toMatchObject([
      { value: 'hunter2', line: 2, text: '::add-mask::***' },
      { value: 'aHVudGVyMg==', line: 4, text: '::add-mask::***' }
    ])
    expect(read.commands.at(-1)?.text).toBe('::error::login with *** failed')
  })

  it('hides a secret that contains another one whole', () => {
    const read = readLog('::add-mask::pass\n::add-mask::password1\nuse password1 or pass\n')
    expect(read.lines).toEqual(['use *** or ***'])
  })

  it('is text inside a stop-commands block', () => {
    const read = readLog('::stop-commands::t0k\n::add-mask::visible\n::t0k::\nvisible\n')
    expect(read.masks).toEqual([])
    expect(read.lines).toContain('visible')
  })

  it('keeps masks from before the step (the runner masks for the whole job)', () => {
    const reader = createLogReader(['s3cret'])
    expect(reader.write('post: s3cret\n')).toEqual(['post: ***'])
  })
})

describe('the reader fed in chunks', () => {
  it('joins lines split across chunks and flushes a last line without a newline', () => {
    const reader = createLogReader()
    expect(reader.write('::add-ma')).toEqual([])
    expect(reader.write('sk::abc\r\nx abc')).toEqual([])
    expect(reader.write(' y\n  ::err')).toEqual(['x *** y'])
    expect(reader.end()).toEqual(['  ::err'])
    expect(reader.end()).toEqual([])
    expect(reader.commands.map(entry => entry.command)).toEqual(['add-mask'])
  })
})
