// Measurements: autocannon against URLs on 127.0.0.1 for a bounded time, counted after a warm-up, with the peak RSS of the processes behind each.
// Targets compared with each other are measured in alternating rounds, so a neighbour's load on a shared machine falls on both alike.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import autocannon from 'autocannon'
import { type WatchedProcess, watchProcesses } from './watch.ts'
import type { BenchSettings } from './settings.ts'

export interface Target {
  /** What was measured, as the report's row says it. */
  name: string
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Per-request set-up, for requests that cannot repeat (a refresh token is good once). */
  setupRequest?: (request: autocannon.Request) => autocannon.Request
  onResponse?: (status: number, body: string) => void
  /** The processes serving it, whose peak RSS is reported. */
  processes: WatchedProcess[]
}

export interface Measurement {
  name: string
  url: string
  requestsPerSecond: number
  latencyP50Ms: number
  latencyP99Ms: number
  requests: number
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
  seconds: number
  connections: number
  /** Peak RSS of each process during the runs (warm-up included), MiB. */
  peakRssMiB: Record<string, number>
  /** CPU time each process spent per response, ms (warm-up included on both sides). */
  cpuMsPerRequest: Record<string, number>
  /** Mean 1-minute load average as the measured rounds started: the machine is shared. */
  load1: number
}

/** A process behind a measurement was gone by its end: the numbers are void, the scenario may be run again on a fresh stack. */
export class ProcessGone extends Error {
  override name = 'ProcessGone'
}

export type MeasureSettings = Pick<BenchSettings, 'connections' | 'seconds' | 'warmupSeconds' | 'rounds'>

interface Window {
  latencies: number[]
  /** Every response, warm-up included: what the CPU time is divided by. */
  allResponses: number
  responses: number
  non2xx: number
  errors: number
  seconds: number
}

/**
 * One autocannon run of settle + measured seconds on fresh connections, counting only what answers after the settling: the
 * connections are full and the previous target's leftover work is done, so a slow endpoint is not undercounted by its own latency.
 */
function run(target: Target, connections: number, settleSeconds: number, seconds: number): Promise<Window> {
  const request: autocannon.Request = {}
  if (target.setupRequest) request.setupRequest = target.setupRequest
  if (target.onResponse) {
    const onResponse = target.onResponse
    request.onResponse = (status, body) => onResponse(status, body)
  }
  const options: autocannon.Options = {
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers ?? {},
    ...(target.body === undefined ? {} : { body: target.body }),
    requests: [request],
    connections,
    pipelining: 1,
    duration: settleSeconds + seconds,
    timeout: 10,
  }
  const window: Window = { latencies: [], allResponses: 0, responses: 0, non2xx: 0, errors: 0, seconds: 0 }
  const opensAt = performance.now() + settleSeconds * 1000
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown) => {
      if (error) return reject(error)
      window.seconds = Math.max(0, (performance.now() - opensAt) / 1000)
      resolve(window)
    })
    instance.on('response', (_client, status, _bytes, responseTime) => {
      window.allResponses++
      if (performance.now() < opensAt) return
      window.responses++
      if (status < 200 || status > 299) window.non2xx++
      window.latencies.push(responseTime)
    })
    instance.on('reqError', () => {
      if (performance.now() >= opensAt) window.errors++
    })
  })
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
  return Math.round(value * 10) / 10
}

interface Tally extends Window {
  loads: number[]
  peaks: Record<string, number>
  cpuMs: Record<string, number>
}

/**
 * Measures the targets in `rounds` alternating rounds (A B, B A, A B…) of warm-up seconds then seconds ÷ rounds measured: their
 * ratios come from the same minutes, whatever else the shared machine was doing.
 */
export async function measureTogether(targets: Target[], settings: MeasureSettings): Promise<Measurement[]> {
  const tallies: Tally[] = targets.map(() => ({
    latencies: [],
    allResponses: 0,
    responses: 0,
    non2xx: 0,
    errors: 0,
    seconds: 0,
    loads: [],
    peaks: {},
    cpuMs: {},
  }))
  const slice = settings.seconds / settings.rounds
  const order = [...targets.keys()]
  for (let round = 0; round < settings.rounds; round++) {
    // A B, B A, A B…: whichever goes second in a round is not always the same one.
    for (const i of round % 2 === 0 ? order : [...order].reverse()) {
      const target = targets[i] as Target
      const tally = tallies[i] as Tally
      tally.loads.push(loadavg()[0] ?? 0)
      const watch = watchProcesses(target.processes)
      const window = await run(target, settings.connections, settings.warmupSeconds, slice)
      const usage = watch.stop()
      for (const [name, mib] of Object.entries(usage.peakRssMiB)) tally.peaks[name] = Math.max(tally.peaks[name] ?? 0, mib)
      for (const [name, ms] of Object.entries(usage.cpuMs)) tally.cpuMs[name] = (tally.cpuMs[name] ?? 0) + ms
      const gone = target.processes.filter(({ pid }) => !existsSync(`/proc/${pid}`))
      if (gone.length > 0) throw new ProcessGone(`${gone.map(({ name }) => name).join(', ')} exited while "${target.name}" was measured`)
      tally.allResponses += window.allResponses
      for (const latency of window.latencies) tally.latencies.push(latency)
      tally.responses += window.responses
      tally.non2xx += window.non2xx
      tally.errors += window.errors
      tally.seconds += window.seconds
    }
  }
  return targets.map((target, i) => {
    const tally = tallies[i] as Tally
    const sorted = tally.latencies.sort((a, b) => a - b)
    const measurement: Measurement = {
      name: target.name,
      url: target.url,
      requestsPerSecond: tally.seconds > 0 ? tally.responses / tally.seconds : 0,
      latencyP50Ms: percentile(sorted, 50),
      latencyP99Ms: percentile(sorted, 99),
      requests: tally.responses,
      non2xx: tally.non2xx,
      errors: tally.errors,
      seconds: Math.round(tally.seconds * 100) / 100,
      connections: settings.connections,
      peakRssMiB: tally.peaks,
      cpuMsPerRequest: Object.fromEntries(
        Object.entries(tally.cpuMs).map(([name, ms]) => [name, tally.allResponses > 0 ? Math.round((ms / tally.allResponses) * 1000) / 1000 : 0]),
      ),
      load1: Math.round((tally.loads.reduce((sum, load) => sum + load, 0) / Math.max(1, tally.loads.length)) * 100) / 100,
    }
    const failures = measurement.non2xx + measurement.errors
    console.log(
      `bench:   ${target.name}: ${measurement.requestsPerSecond.toFixed(0)} req/s, p50 ${measurement.latencyP50Ms} ms, p99 ${measurement.latencyP99Ms} ms` +
        `, CPU ${cpuPerRequest(measurement).toFixed(2)} ms/req` +
        (failures > 0 ? `, ${measurement.non2xx} non-2xx, ${measurement.errors} errors` : ''),
    )
    return measurement
  })
}

/** CPU ms per response, summed over the processes that served it. */
export function cpuPerRequest(measurement: Measurement): number {
  return Object.values(measurement.cpuMsPerRequest).reduce((sum, ms) => sum + ms, 0)
}

/** a ÷ b, rounded for the report; undefined when either side is missing or b is zero. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined
  return Math.round((a / b) * 1000) / 1000
}

/** One process of a tree and its proportional set size (shared pages divided among their sharers), MiB. */
export interface ProcessPss {
  pid: number
  /** The script's folder for a service (auth, user, admin, oidc, gateway), `supervisor` for the root. */
  name: string
  pssMiB: number
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** Pss of one process from /proc/<pid>/smaps_rollup, MiB; undefined once it is gone. */
export function pssMiB(pid: number): number | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
    const kib = /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1]
    return kib === undefined ? undefined : Number(kib) / 1024
  } catch {
    return undefined
  }
}

/** The name a process of the stack goes by in the report: the folder of its script (services/auth/src/server.ts → auth). */
function stackName(pid: number, root: number): string {
  if (pid === root) return 'supervisor'
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const script = args.find((arg) => arg.endsWith('.ts')) ?? args[0] ?? ''
    const match = /(?:services\/)?([a-z-]+)\/src\/server\.ts$/.exec(script)
    return match?.[1] ?? script.split('/').slice(-2).join('/')
  } catch {
    return String(pid)
  }
}

/** The Pss of `root` and every process below it (Linux; empty where there is no /proc). */
export function treePss(root: number): ProcessPss[] {
  let pids: number[]
  try {
    pids = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
  } catch {
    return []
  }
  const parents = new Map(pids.map((pid) => [pid, parentPid(pid)]))
  const tree = [root]
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid)
  return tree.flatMap((pid) => {
    const pss = pssMiB(pid)
    return pss === undefined ? [] : [{ pid, name: stackName(pid, root), pssMiB: pss }]
  })
}
