import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RETRY_POLICY,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  plainHttpSign,
  retryDelay
} from '../../src/registry/retry.js'

const NOW = Date.parse('2026-01-01T00:00:00Z')

function systemError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code })
}

describe('retryDelay', () => {
  it.each([
    // attempt, Retry-After, random -> ms
    [0, undefined, 0.999999, 199],
    [0, undefined, 0.5, 100],
    [1, undefined, 0.5, 200],
    [2, undefined, 0.5, 400],
    [3, undefined, 0.5, 800],
    [4, undefined, 0.5, 1600],
    [5, undefined, 0.5, 2500],
    [6, undefined, 0.999999, 4999],
    [60, undefined, 0.999999, 4999],
    [3, undefined, 0, 0],
    [0, '1', 0.5, 1000],
    [4, '0', 0.9, 0],
    [0, '120', 0.5, 60_000],
    [0, 'Thu, 01 Jan 2026 00:00:03 GMT', 0.5, 3000],
    [0, 'Wed, 31 Dec 2025 23:59:00 GMT', 0.5, 0],
    [2, 'soon', 0.5, 400],
    [2, '', 0.5, 400],
    [2, '1.5', 0.5, 400]
  ])('#%# attempt %i, Retry-After %j, random %d -> %i ms', (attempt, header, random, expected) => {
    expect(retryDelay(attempt, header, () => random, DEFAULT_RETRY_POLICY, NOW)).toBe(expected)
  })

  it('stays within [0, cap) for any jitter', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      for (const random of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const delay = retryDelay(attempt, undefined, () => random)
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThan(DEFAULT_RETRY_POLICY.capMs)
      }
    }
  })

  it('follows another policy', () => {
    const policy = { baseMs: 10, capMs: 50, maxRetryAfterMs: 2000 }
    expect(retryDelay(0, undefined, () => 0.5, policy)).toBe(5)
    expect(retryDelay(9, undefined, () => 0.5, policy)).toBe(25)
    expect(retryDelay(0, '5', () => 0.5, policy)).toBe(2000)
  })
})

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined],
    ['3', 3000],
    [' 7 ', 7000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Thursday, 01-Jan-26 00:00:10 GMT', 10_000],
    ['-1', undefined],
    ['2026', 2_026_000],
    ['2026-01-01', undefined],
    ['later', undefined]
  ])('%j -> %j', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected)
  })
})

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [599, true],
    [501, false],
    [505, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [200, false],
    [202, false]
  ])('%i -> %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected)
  })
})

describe('isRetryableError', () => {
  it.each([
    [systemError('ECONNRESET'), true],
    [systemError('ECONNREFUSED'), true],
    [systemError('ETIMEDOUT'), true],
    [systemError('EPIPE'), true],
    [systemError('EAI_AGAIN'), true],
    [new Error('socket hang up'), true],
    [new AggregateError([systemError('ECONNREFUSED')], ''), true],
    [systemError('ENOTFOUND'), false],
    [systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), false],
    [systemError('EPROTO', 'wrong version number'), false],
    [new Error('registry x: denied'), false],
    ['ECONNRESET', false]
  ])('#%# %s -> %s', (error, expected) => {
    expect(isRetryableError(error)).toBe(expected)
  })
})

describe('plainHttpSign', () => {
  it.each([
    [
      systemError(
        'EPROTO',
        'write EPROTO 80DC2A04:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'
      ),
      'wrong version number'
    ],
    [
      systemError('EPROTO', 'SSL routines:ssl3_get_record:packet length too long'),
      'packet length too long'
    ],
    [systemError('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl error'), 'WRONG_VERSION_NUMBER'],
    [systemError('ECONNREFUSED'), undefined],
    [systemError('ECONNRESET'), undefined],
    [systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), undefined],
    [systemError('EPROTO', 'tlsv1 alert protocol version'), undefined],
    ['wrong version number', undefined]
  ])('#%# %s -> %j', (error, expected) => {
    expect(plainHttpSign(error)).toBe(expected)
  })
})
