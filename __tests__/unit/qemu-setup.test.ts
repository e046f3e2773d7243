import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parsePlatform, parsePlatforms } from '../../src/platform.js'
import { planBuild } from '../../src/plan.js'
import { qemuTargets, setupQemu } from '../../src/qemu/setup.js'

const host = parsePlatform('linux/amd64')
const plan = planBuild(parsePlatforms(['amd64', 'arm64', 's390x']), host, { arm32OnArm64: false })

/** A stand-in for /proc/sys/fs/binfmt_misc: a folder with a `register` file. */
function fakeBinfmt(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'binfmt-'))
  writeFileSync(path.join(dir, 'register'), '')
  writeFileSync(path.join(dir, 'status'), 'enabled\n')
  return dir
}

function fakeQemu(...names: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'qemu-bin-'))
  for (const name of names) {
    writeFileSync(path.join(dir, name), '#!/bin/sh\n')
    chmodSync(path.join(dir, name), 0o755)
  }
  return dir
}

describe('qemuTargets', () => {
  it.each([
    ['auto', undefined, ['arm64', 's390x']],
    ['false', undefined, []],
    ['auto', parsePlatforms(['riscv64']), ['riscv64']]
  ] as const)('qemu %s with override %o', (choice, platforms, expected) => {
    expect(
      qemuTargets(plan, { choice, platforms, allowInstall: false }).map(p => p.architecture)
    ).toEqual(expected)
  })

  it('true covers every architecture QEMU emulates except the host', () => {
    const targets = qemuTargets(plan, { choice: 'true', platforms: undefined, allowInstall: false })
    expect(new Set(targets.map(p => p.architecture))).toEqual(
      new Set([
        'arm64',
        's390x',
        '386',
        'arm',
        'ppc64le',
        'riscv64',
        'mips64le',
        'mips64',
        'loong64'
      ])
    )
  })
})

// These write into a fake binfmt folder directly, which needs no privilege only as root
// (elsewhere setupQemu goes through sudo, which a unit test must not spawn).
describe.runIf(process.getuid?.() === 0)('setupQemu on a stand-in binfmt folder', () => {
  it('fails naming every platform without an emulator, and writes nothing', async () => {
    const binfmtDir = fakeBinfmt()
    const searchDirs = [fakeQemu('qemu-s390x-static')]
    await expect(
      setupQemu(plan, {
        choice: 'auto',
        platforms: undefined,
        allowInstall: false,
        binfmtDir,
        searchDirs
      })
    ).rejects.toThrow(
      /^no QEMU emulator for linux\/arm64 \(no handler is registered\)\. Install qemu-user-static/
    )
    expect(readFileSync(path.join(binfmtDir, 'register'), 'utf8')).toBe('')
  })

  it('removes what it registered when a registration does not read back', async () => {
    const binfmtDir = fakeBinfmt()
    const searchDirs = [fakeQemu('qemu-aarch64-static', 'qemu-s390x-static')]
    await expect(
      setupQemu(plan, {
        choice: 'auto',
        platforms: undefined,
        allowInstall: false,
        binfmtDir,
        searchDirs
      })
    ).rejects.toThrow(
      /qemu-aarch64 did not read back as enabled with the F flag; none were left registered/
    )
    // The kernel would have created qemu-aarch64; the rollback writes -1 into it.
    expect(readFileSync(path.join(binfmtDir, 'qemu-aarch64'), 'utf8')).toBe('-1')
    expect(readFileSync(path.join(binfmtDir, 'register'), 'utf8')).toMatch(/^:qemu-aarch64:M:0:/)
  })

  it('reports handlers that are already usable without registering anything', async () => {
    const binfmtDir = fakeBinfmt()
    for (const [name, magic] of [
      ['qemu-aarch64', '7f454c460201010000000000000000000200b700'],
      ['qemu-s390x', '7f454c46020201000000000000000000000200' + '16']
    ] as const) {
      writeFileSync(
        path.join(binfmtDir, name),
        `enabled\ninterpreter /usr/bin/${name}-static\nflags: F\noffset 0\nmagic ${magic}\n`
      )
    }
    const reports = await setupQemu(plan, {
      choice: 'auto',
      platforms: undefined,
      allowInstall: false,
      binfmtDir,
      searchDirs: []
    })
    expect(reports.map(report => [report.platform, report.outcome.kind])).toEqual([
      ['linux/amd64', 'native'],
      ['linux/arm64', 'already'],
      ['linux/s390x', 'already']
    ])
    expect(readFileSync(path.join(binfmtDir, 'register'), 'utf8')).toBe('')
  })
})
