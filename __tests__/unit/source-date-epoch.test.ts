import { describe, expect, it } from 'vitest'
import { inputSource } from '../../__fixtures__/inputs.js'
import { readInputs } from '../../src/inputs.js'
import {
  MAX_EPOCH,
  epochFromGitLog,
  parseSourceDateEpoch,
  resolveSourceDateEpoch
} from '../../src/source-date-epoch.js'

describe('parseSourceDateEpoch', () => {
  it.each([
    ['', undefined, undefined],
    ['', '', undefined],
    ['1700000000', undefined, { kind: 'seconds', seconds: 1700000000, from: 'input' }],
    [' 0 ', undefined, { kind: 'seconds', seconds: 0, from: 'input' }],
    ['commit', undefined, { kind: 'commit', from: 'input' }],
    ['COMMIT', '5', { kind: 'commit', from: 'input' }],
    ['', '1700000000', { kind: 'seconds', seconds: 1700000000, from: 'environment' }],
    ['', 'commit', { kind: 'commit', from: 'environment' }],
    ['12', '99', { kind: 'seconds', seconds: 12, from: 'input' }],
    [String(MAX_EPOCH), undefined, { kind: 'seconds', seconds: MAX_EPOCH, from: 'input' }]
  ])('input %j, environment %j', (input, environment, expected) => {
    expect(parseSourceDateEpoch(input, environment)).toEqual(expected)
  })

  it.each([
    ['-1', undefined, 'input `source-date-epoch`: is `-1`. Valid: a Unix time in whole seconds'],
    ['1.5', undefined, 'is `1.5`. Valid:'],
    ['2024-01-01', undefined, 'is `2024-01-01`. Valid:'],
    ['1e9', undefined, 'is `1e9`. Valid:'],
    ['HEAD', undefined, 'or `commit` for the commit time of HEAD'],
    [String(MAX_EPOCH + 1), undefined, 'past the year 9999'],
    ['99999999999999999999', undefined, 'past the year 9999'],
    ['', 'yesterday', "is empty, and the environment's SOURCE_DATE_EPOCH is `yesterday`. Valid:"]
  ])('refuses input %j (environment %j)', (input, environment, message) => {
    expect(() => parseSourceDateEpoch(input, environment)).toThrow(message)
  })

  it('reaches the inputs: the input, else the environment', () => {
    expect(readInputs(inputSource({ 'source-date-epoch': '42' }), {}).sourceDateEpoch).toEqual({
      kind: 'seconds',
      seconds: 42,
      from: 'input'
    })
    expect(readInputs(inputSource(), { SOURCE_DATE_EPOCH: '7' }).sourceDateEpoch).toEqual({
      kind: 'seconds',
      seconds: 7,
      from: 'environment'
    })
    expect(readInputs(inputSource(), {}).sourceDateEpoch).toBeUndefined()
  })
})

describe('epochFromGitLog', () => {
  it.each([
    ['1700000000\n', 1700000000],
    ['', undefined],
    ['fatal: not a git repository', undefined]
  ])('%j', (stdout, expected) => {
    expect(epochFromGitLog(stdout)).toBe(expected)
  })
})

describe('resolveSourceDateEpoch', () => {
  const answer = (exitCode: number, stdout: string, stderr = '') => {
    const asked: string[] = []
    return {
      asked,
      askGit: (context: string) => {
        asked.push(context)
        return Promise.resolve({ exitCode, stdout, stderr })
      }
    }
  }

  it("`commit` is HEAD's commit time, asked in the build context", async () => {
    const git = answer(0, '1650000000\n')
    await expect(
      resolveSourceDateEpoch({ kind: 'commit', from: 'input' }, '/w/app', git.askGit)
    ).resolves.toBe(1650000000)
    expect(git.asked).toEqual(['/w/app'])
  })

  it('`commit` where git finds none names the input, the context and what git said', async () => {
    const git = answer(
      128,
      '',
      'fatal: not a git repository (or any of the parent directories): .git\n'
    )
    await expect(
      resolveSourceDateEpoch({ kind: 'commit', from: 'input' }, '/w/app', git.askGit)
    ).rejects.toThrow(
      'input `source-date-epoch`: is `commit`, but git found no commit for the build context /w/app (git: fatal: not a git repository'
    )
  })

  it('`commit` from the environment says so', async () => {
    const git = answer(128, '', 'fatal: your current branch has no commits yet')
    await expect(
      resolveSourceDateEpoch({ kind: 'commit', from: 'environment' }, '/w/app', git.askGit)
    ).rejects.toThrow(
      "is empty, and the environment's SOURCE_DATE_EPOCH is `commit`, but git found"
    )
  })

  it('a number is itself and asks no git; none is none', async () => {
    const git = answer(0, '1')
    await expect(
      resolveSourceDateEpoch({ kind: 'seconds', seconds: 5, from: 'environment' }, '/w', git.askGit)
    ).resolves.toBe(5)
    await expect(resolveSourceDateEpoch(undefined, '/w', git.askGit)).resolves.toBeUndefined()
    expect(git.asked).toEqual([])
  })
})
