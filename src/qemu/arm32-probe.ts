/**
 * Does this runner execute 32-bit Arm natively? Some arm64 CPUs do (AArch32 at EL0), many
 * do not, and GitHub's arm64 runners have been reported both ways. The answer comes from
 * running a tiny static arm/v7 binary and looking at what the kernel ran: a binfmt_misc
 * handler for 32-bit Arm takes precedence over native execution, so "it exited 0" would be
 * fooled by QEMU; /proc/PID/exe is the probe itself only when the CPU ran it.
 */
import { spawn } from 'node:child_process'
import { readlink, realpath, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ARM32_PROBE_BASE64 } from './arm32-probe-binary.js'

export type Arm32Verdict =
  | { readonly native: true; readonly detail: string }
  | { readonly native: false; readonly detail: string }

/** What one run of the probe showed. */
export interface ProbeRun {
  /** The spawn error's code (ENOEXEC: the kernel cannot run it and no handler took it). */
  readonly spawnError?: string
  /** What /proc/PID/exe named while it ran. */
  readonly exe?: string
  readonly exitCode?: number | null
}

/** Native only when the process was the probe itself and it ended well. Pure. */
export function judgeProbe(run: ProbeRun, probe: string): Arm32Verdict {
  if (run.spawnError !== undefined) {
    return {
      native: false,
      detail: `the kernel cannot run it (${run.spawnError}) and no QEMU handler is registered for it`
    }
  }
  if (run.exe === undefined) {
    return { native: false, detail: 'what ran it could not be seen' }
  }
  if (run.exe !== probe) {
    return { native: false, detail: `it ran under ${run.exe}, not on the CPU` }
  }
  if (run.exitCode !== 0) {
    return { native: false, detail: `it ran natively but exited ${String(run.exitCode)}` }
  }
  return { native: true, detail: 'the CPU ran it' }
}

/** Run the probe once from `dir` (the run's private folder) and judge it. */
export async function probeArm32(dir: string): Promise<Arm32Verdict> {
  const file = path.join(dir, 'arm32-probe')
  await writeFile(file, Buffer.from(ARM32_PROBE_BASE64, 'base64'), { mode: 0o755 })
  try {
    const probe = await realpath(file)
    const run = await new Promise<ProbeRun>(resolve => {
      const child = spawn(probe, [], { stdio: 'ignore' })
      let exe: string | undefined
      child.once('spawn', () => {
        // The probe sleeps 300 ms: long enough to see what the kernel started.
        readlink(`/proc/${String(child.pid)}/exe`).then(
          found => (exe = found),
          () => undefined
        )
      })
      child.once('error', error => {
        resolve({ spawnError: (error as NodeJS.ErrnoException).code ?? error.message })
      })
      child.once('exit', code => {
        resolve({ ...(exe === undefined ? {} : { exe }), exitCode: code })
      })
    })
    return judgeProbe(run, probe)
  } finally {
    await rm(file, { force: true })
  }
}
