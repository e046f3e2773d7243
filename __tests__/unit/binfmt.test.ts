import { describe, expect, it } from 'vitest'
import {
  handlerMatches,
  judgeHandlers,
  parseHandler,
  registrationLine
} from '../../src/qemu/binfmt.js'
import { BINFMT_TABLE, binfmtMagic, binfmtMask, binfmtRow } from '../../src/qemu/binfmt-table.js'

function row(architecture: string) {
  const found = binfmtRow(architecture)
  if (found === undefined) throw new Error(`no row for ${architecture}`)
  return found
}

// A handler file as the kernel shows it (this one as Debian's binfmt-support registers it).
const DEBIAN_AARCH64 = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: PF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`

describe('parseHandler', () => {
  it('reads a magic handler', () => {
    expect(parseHandler('qemu-aarch64', DEBIAN_AARCH64)).toEqual({
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'PF',
      offset: 0,
      magic: Buffer.from('7f454c460201010000000000000000000200b700', 'hex'),
      mask: Buffer.from('ffffffffffffff00fffffffffffffffffeffffff', 'hex')
    })
  })

  it('reads a disabled handler without flags', () => {
    const handler = parseHandler(
      'x',
      DEBIAN_AARCH64.replace('enabled', 'disabled').replace('flags: PF', 'flags: ')
    )
    expect(handler?.enabled).toBe(false)
    expect(handler?.flags).toBe('')
  })

  it('ignores extension handlers', () => {
    expect(
      parseHandler('jar', 'enabled\ninterpreter /usr/bin/jexec\nflags: \nextension .jar\n')
    ).toBeUndefined()
  })
})

describe('handlerMatches', () => {
  const debian = parseHandler('qemu-aarch64', DEBIAN_AARCH64)
  it('matches the architecture it serves and no other', () => {
    if (debian === undefined) throw new Error('unparsed')
    expect(
      BINFMT_TABLE.filter(candidate => handlerMatches(debian, candidate)).map(r => r.architecture)
    ).toEqual(['arm64'])
  })

  it.each(BINFMT_TABLE.map(r => [r.architecture, r] as const))(
    'our %s registration matches its own header and no other row',
    (_, own) => {
      const handler = {
        name: 'x',
        enabled: true,
        interpreter: '/x',
        flags: 'F',
        offset: 0,
        magic: binfmtMagic(own),
        mask: binfmtMask(own)
      }
      expect(BINFMT_TABLE.filter(candidate => handlerMatches(handler, candidate))).toEqual([own])
    }
  )
})

describe('judgeHandlers', () => {
  const base = parseHandler('qemu-aarch64', DEBIAN_AARCH64)
  if (base === undefined) throw new Error('unparsed')
  it.each([
    [[base], true, ''],
    [
      [{ ...base, flags: 'P' }],
      false,
      'handler qemu-aarch64 lacks the F flag, so it cannot run inside containers'
    ],
    [[{ ...base, enabled: false }], false, 'handler qemu-aarch64 is disabled'],
    [[], false, 'no handler is registered'],
    [
      [
        { ...base, flags: 'P' },
        { ...base, name: 'qemu-aarch64-fixed' }
      ],
      true,
      ''
    ]
  ])('%#: usable %s', (handlers, usable, reason) => {
    const verdict = judgeHandlers(handlers, row('arm64'))
    expect(verdict.usable).toBe(usable)
    if (!verdict.usable) expect(verdict.reason).toBe(reason)
  })
})

describe('registrationLine', () => {
  it('writes escaped magic and mask, F, and P for a -binfmt-P interpreter', () => {
    expect(registrationLine('qemu-s390x', row('s390x'), '/usr/bin/qemu-s390x-static')).toBe(
      ':qemu-s390x:M:0:' +
        '\\x7f\\x45\\x4c\\x46\\x02\\x02\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x16:' +
        '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff:' +
        '/usr/bin/qemu-s390x-static:F'
    )
    expect(
      registrationLine('qemu-aarch64', row('arm64'), '/usr/libexec/qemu-binfmt/aarch64-binfmt-P')
    ).toMatch(/:FP$/)
  })

  it('refuses an interpreter path that would break the line', () => {
    expect(() => registrationLine('qemu-arm', row('arm'), '/opt/my qemu/qemu-arm')).toThrow(
      /colon or blank/
    )
    expect(() => registrationLine('qemu-arm', row('arm'), '/opt/a:b/qemu-arm')).toThrow(
      /colon or blank/
    )
  })
})
