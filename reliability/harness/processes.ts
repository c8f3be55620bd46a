// What the suite watches in the stack's processes: resident memory from /proc, and readiness (on each one's management port).
import { readFileSync } from 'node:fs'
import type { RunningProcess } from '@portcullis/testkit/processes'

/** VmRSS of a live process in MiB, or undefined once it is gone. */
export function residentMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** A process of the stack as the suite reaches it: requests on `url`, /readyz and /metrics on `managementUrl`. */
export interface Instance {
  url: string
  managementUrl: string
}

export async function readyStatus(instance: Instance, timeoutMs = 3000): Promise<number | string> {
  try {
    const res = await fetch(`${instance.managementUrl}/readyz`, { signal: AbortSignal.timeout(timeoutMs) })
    await res.body?.cancel()
    return res.status
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return cause?.code ?? (error as Error).name
  }
}

export function isAlive(running: RunningProcess): boolean {
  return running.child.exitCode === null && running.child.signalCode === null
}

/** Resolves with the exit code once the process has exited, or rejects after `ms`. */
export function exited(running: RunningProcess, ms: number): Promise<number | null> {
  if (!isAlive(running)) return Promise.resolve(running.child.exitCode)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${running.child.pid} still running after ${ms} ms`)), ms)
    running.child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}
