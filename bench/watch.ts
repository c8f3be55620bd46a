// What each process behind a measurement used: peak resident memory (VmHWM after a reset, checked against VmRSS samples) and CPU time,
// from /proc/<pid>/status and /proc/<pid>/stat. CPU per request is what a neighbour's load on a shared machine changes least.
import { readFileSync, writeFileSync } from 'node:fs'

export interface WatchedProcess {
  name: string
  pid: number
}

/** USER_HZ: the unit of utime and stime in /proc/<pid>/stat, 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100

function statusKib(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match?.[1] ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** User plus system CPU time of the process so far, ms. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/** The processes a process started, e.g. Nginx's workers. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

export interface ProcessUsage {
  /** Peak RSS of each process since the watch began, MiB. */
  peakRssMiB: Record<string, number>
  /** CPU time each process spent since the watch began, ms. */
  cpuMs: Record<string, number>
}

export interface ProcessWatch {
  stop(): ProcessUsage
}

/** Resets each process's high-water mark (clear_refs 5) and notes its CPU time, then samples VmRSS every 200 ms until stopped. */
export function watchProcesses(processes: WatchedProcess[]): ProcessWatch {
  const reset = new Map<number, boolean>()
  const sampled = new Map<number, number>()
  const cpuAtStart = new Map<number, number>()
  for (const { pid } of processes) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5')
      reset.set(pid, true)
    } catch {
      reset.set(pid, false)
    }
    cpuAtStart.set(pid, cpuMs(pid))
  }
  const sample = () => {
    for (const { pid } of processes) sampled.set(pid, Math.max(sampled.get(pid) ?? 0, statusKib(pid, 'VmRSS') ?? 0))
  }
  sample()
  const timer = setInterval(sample, 200)
  return {
    stop() {
      clearInterval(timer)
      sample()
      const usage: ProcessUsage = { peakRssMiB: {}, cpuMs: {} }
      for (const { name, pid } of processes) {
        const highWater = reset.get(pid) ? (statusKib(pid, 'VmHWM') ?? 0) : 0
        usage.peakRssMiB[name] = Math.round(Math.max(highWater, sampled.get(pid) ?? 0) / 1024)
        usage.cpuMs[name] = cpuMs(pid) - (cpuAtStart.get(pid) ?? 0)
      }
      return usage
    },
  }
}
