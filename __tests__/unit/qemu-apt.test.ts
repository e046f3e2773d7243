import { describe, expect, it } from 'vitest'
import {
  type AptEvent,
  type AptStep,
  DPKG_LOCK_TIMEOUT_SECONDS,
  type ListState,
  aptCommand,
  aptGetArgs,
  classifyAptFailure,
  listState,
  nextAptStep
} from '../../src/qemu/apt.js'
import { parseQemuVersion } from '../../src/qemu/setup.js'

const HOUR = 3_600_000
const NOW = Date.UTC(2026, 0, 10)
const missing: ListState = { kind: 'missing' }
const stale: ListState = { kind: 'stale', ageHours: 200 }
const fresh: ListState = { kind: 'fresh', ageHours: 2 }

describe('listState', () => {
  it.each([
    [[], 'missing'],
    [[NOW - 2 * HOUR], 'fresh'],
    [[NOW - 200 * HOUR], 'stale'],
    // The newest list counts: one refreshed architecture is enough to call them fresh.
    [[NOW - 200 * HOUR, NOW - HOUR], 'fresh']
  ])('%o -> %s', (mtimes, kind) => {
    expect(listState(mtimes, NOW).kind).toBe(kind)
  })
})

describe('classifyAptFailure', () => {
  it.each([
    ['E: Unable to locate package qemu-user-static', 'stale-lists'],
    ["E: Package 'qemu-user-static' has no installation candidate", 'stale-lists'],
    [
      'E: Failed to fetch http://archive.ubuntu.com/ubuntu/pool/main/q/qemu/qemu-user-static_8.2.2_amd64.deb  404  Not Found [IP: 1.2.3.4 80]\nE: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?',
      'stale-lists'
    ],
    [
      'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)',
      'lock'
    ],
    ['E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend)', 'lock'],
    ['sudo: a password is required', 'privilege'],
    ['E: Sub-process /usr/bin/dpkg returned an error code (1)', 'other']
  ] as const)('%s -> %s', (output, failure) => {
    expect(classifyAptFailure(output)).toBe(failure)
  })
})

describe('nextAptStep', () => {
  const update = (ok = true): AptEvent => ({ command: 'update', ok })
  const failed = (failure: 'stale-lists' | 'lock' | 'privilege' | 'other'): AptEvent => ({
    command: 'install',
    failure
  })
  it.each<[string, ListState, AptEvent[], AptStep['kind']]>([
    ['fresh lists: install at once', fresh, [], 'install'],
    ['missing lists: refresh first', missing, [], 'update'],
    ['old lists: refresh first', stale, [], 'update'],
    ['after a refresh: install', missing, [update()], 'install'],
    ['after a partly failed refresh: install all the same', stale, [update(false)], 'install'],
    ['a 404 on fresh-looking lists: refresh', fresh, [failed('stale-lists')], 'update'],
    ['after the retry refresh: install again', fresh, [failed('stale-lists'), update()], 'install'],
    [
      'still not found after a refresh: stop',
      fresh,
      [failed('stale-lists'), update(), failed('stale-lists')],
      'stop'
    ],
    ['not found after the first refresh: stop', missing, [update(), failed('stale-lists')], 'stop'],
    ['lock held past the timeout: stop', fresh, [failed('lock')], 'stop'],
    ['sudo wants a password: stop', fresh, [failed('privilege')], 'stop'],
    ['anything else: stop', fresh, [failed('other')], 'stop']
  ])('%s', (_name, lists, history, kind) => {
    expect(nextAptStep(lists, history).kind).toBe(kind)
  })

  it('says why it refreshes and why it stops', () => {
    expect(nextAptStep(missing, [])).toEqual({
      kind: 'update',
      why: 'the package lists are missing'
    })
    expect(nextAptStep(stale, [])).toEqual({
      kind: 'update',
      why: 'the package lists are 200 hours old'
    })
    expect(nextAptStep(fresh, [failed('lock')])).toMatchObject({
      kind: 'stop',
      why: `another apt or dpkg held the dpkg lock for over ${DPKG_LOCK_TIMEOUT_SECONDS} s`
    })
  })
})

describe('aptCommand', () => {
  it('waits on the dpkg lock in every command', () => {
    for (const kind of ['update', 'install'] as const) {
      expect(aptGetArgs(kind).slice(0, 2)).toEqual([
        '-o',
        `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}`
      ])
    }
    expect(aptGetArgs('install').slice(-2)).toEqual(['install', 'qemu-user-static'])
  })

  it('runs as root directly, else through sudo -n, carrying APT_CONFIG across', () => {
    expect(aptCommand('update', true, undefined)).toEqual({
      program: 'env',
      args: ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...aptGetArgs('update')]
    })
    expect(aptCommand('install', false, '/tmp/apt.conf')).toEqual({
      program: 'sudo',
      args: [
        '-n',
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'APT_CONFIG=/tmp/apt.conf',
        'apt-get',
        ...aptGetArgs('install')
      ]
    })
  })
})

describe('parseQemuVersion', () => {
  it.each([
    [
      'qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022',
      '7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)'
    ],
    ['qemu-s390x version 9.1.0\nCopyright', '9.1.0'],
    ['no version here', undefined]
  ])('%s', (output, version) => {
    expect(parseQemuVersion(output)).toBe(version)
  })
})
