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

/**
 * Run each cleanup step in turn, every one of them whatever the others do; a step that fails
 * is said as a warning, so it neither skips the rest nor takes the place of the error that
 * failed the step.
 */
export async function cleanUp(
  steps: readonly (readonly [label: string, step: () => Promise<void> | void])[]
): Promise<void> {
  for (const [label, step] of steps) {
    try {
      await step()
    } catch (error) {
      core.warning(`cleanup: ${label}: ${error instanceof Error ? error.message : String(error)}`)
    }
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

/** SIGTERM to every descendant of `pid`, deepest first; the ids that were signalled. */
async function terminateTree(pid: number): Promise<number[]> {
  const signalled: number[] = []
  for (const child of await childrenOf(pid)) {
    signalled.push(...(await terminateTree(child)))
    try {
      process.kill(child, 'SIGTERM')
      signalled.push(child)
    } catch {
      // Already gone.
    }
  }
  return signalled
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** How long a stopped build may take to clean up (buildah removes its containers). */
const STOP_GRACE_MS = 5_000

/** Until every signalled process has exited; what still runs after the grace gets SIGKILL. */
async function awaitExit(pids: readonly number[]): Promise<void> {
  const deadline = Date.now() + STOP_GRACE_MS
  while (pids.some(alive) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // It ended just now.
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
      await awaitExit(await terminateTree(process.pid))
      for (const step of cleanups.reverse()) await step().catch(() => undefined)
      process.exit(1)
    })()
  }
  process.on('SIGTERM', cancel)
  process.on('SIGINT', cancel)
}
