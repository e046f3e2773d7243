import * as core from '@actions/core'
import { readFile, readdir } from 'node:fs/promises'

type CleanupStep = () => Promise<void>

const cleanups: CleanupStep[] = []
let cancelling = false

/** Register work to undo if the runner cancels the step (engine storage, temp files). */
export function onCancel(step: CleanupStep): () => void {
  cleanups.push(step)
  return () => {
    const index = cleanups.indexOf(step)
    if (index !== -1) cleanups.splice(index, 1)
  }
}

/** Process ids whose parent is `parent`, from /proc (no `ps` needed). */
async function childrenOf(parent: number): Promise<number[]> {
  const children: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      // The command name sits in parentheses and may hold blanks; fields follow the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === parent) children.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return children
}

async function terminateTree(pid: number): Promise<void> {
  for (const child of await childrenOf(pid)) {
    await terminateTree(child)
    try {
      process.kill(child, 'SIGTERM')
    } catch {
      // Already gone.
    }
  }
}

/**
 * On the runner's cancel (SIGTERM or SIGINT): stop the engine's processes, run the
 * registered cleanups, fail the step without outputs.
 */
export function handleCancellation(): void {
  const cancel = (signal: NodeJS.Signals): void => {
    if (cancelling) return
    cancelling = true
    core.error(`cancelled by ${signal}: stopping the build; nothing further is pushed`)
    void (async () => {
      await terminateTree(process.pid)
      for (const step of cleanups.reverse()) await step().catch(() => undefined)
      process.exit(1)
    })()
  }
  process.on('SIGTERM', cancel)
  process.on('SIGINT', cancel)
}
