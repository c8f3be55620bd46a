// Notices when whatever launched the stack is gone, so the stack never outlives it: pnpm runs a script as pnpm → sh -c →
// node, and a SIGTERM to pnpm alone ends pnpm (and its shell) without a word to node, which is re-parented and would run on.
import { readFileSync } from 'node:fs'

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox'])

interface ProcessInfo {
  name: string
  parent: number
}

/** The command name and parent of a process, from /proc (Linux); undefined when it is gone or there is no /proc. */
function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return { name, parent }
  } catch {
    return undefined
  }
}

export interface LauncherWatch {
  /** The processes watched, nearest first: the parent, and the shell's parent when the parent is a shell. */
  watched: number[]
  stop(): void
}

/**
 * Calls `onGone` once when this process's parent changes (it exited and this process was re-parented) or, when the parent is
 * a shell, when the shell's own parent (pnpm, say) exits. Started by init itself, there is nothing to watch.
 */
export function watchLauncher(onGone: (why: string) => void, everyMs = 500): LauncherWatch {
  const parent = process.ppid
  if (parent <= 1) return { watched: [], stop: () => {} }
  const parentInfo = processInfo(parent)
  const grandparent = parentInfo && SHELLS.has(parentInfo.name) && parentInfo.parent > 1 ? parentInfo.parent : undefined
  const check = (): string | undefined => {
    if (process.ppid !== parent) return `its launcher (pid ${parent}) is gone`
    if (grandparent === undefined) return undefined
    const shell = processInfo(parent)
    if (shell && shell.parent !== grandparent) return `the launcher of its shell (pid ${grandparent}) is gone`
    return undefined
  }
  const timer = setInterval(() => {
    const why = check()
    if (why === undefined) return
    clearInterval(timer)
    onGone(why)
  }, everyMs)
  timer.unref()
  return { watched: grandparent === undefined ? [parent] : [parent, grandparent], stop: () => clearInterval(timer) }
}
