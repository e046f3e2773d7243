import { describe, expect, it } from 'vitest'
import { ARM32_PROBE_BASE64 } from '../../src/qemu/arm32-probe-binary.js'
import { judgeProbe } from '../../src/qemu/arm32-probe.js'
import { elfPlatform, readElfIdentity } from '../../src/verify/elf.js'

const probe = '/runner/temp/multiarch-x/arm32-probe'

describe('judgeProbe', () => {
  it.each([
    [{ exe: probe, exitCode: 0 }, true, 'the CPU ran it'],
    [
      { exe: '/usr/libexec/qemu-binfmt/arm-binfmt-P', exitCode: 0 },
      false,
      'it ran under /usr/libexec/qemu-binfmt/arm-binfmt-P, not on the CPU'
    ],
    [
      { spawnError: 'ENOEXEC' },
      false,
      'the kernel cannot run it (ENOEXEC) and no QEMU handler is registered for it'
    ],
    [{ exitCode: 0 }, false, 'what ran it could not be seen'],
    [{ exe: probe, exitCode: 139 }, false, 'it ran natively but exited 139']
  ])('%j -> native %s', (run, native, detail) => {
    expect(judgeProbe(run, probe)).toEqual({ native, detail })
  })
})

describe('the probe binary', () => {
  it('is a small static 32-bit Arm executable', () => {
    const bytes = Buffer.from(ARM32_PROBE_BASE64, 'base64')
    expect(bytes.length).toBeLessThan(1024)
    const identity = readElfIdentity(bytes)
    expect(identity).toBeDefined()
    expect(identity === undefined ? undefined : elfPlatform(identity)).toEqual({
      architecture: 'arm'
    })
    // ET_EXEC, and no program interpreter: it needs no dynamic loader of any architecture.
    expect(bytes.readUInt16LE(16)).toBe(2)
    expect(bytes.includes(Buffer.from('ld-linux'))).toBe(false)
  })
})
