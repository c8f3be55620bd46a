// The processes under load: started like the test stack's (gateway/test/helpers/stack.ts), but logging to a file as in production, and all
// stoppable at exit. Scripts are given relative to their working directory: on the shared machine this was measured on, something
// SIGTERMed every process whose command line began `node /work/main/`, and a stack that dies mid-run measures nothing.
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { serviceIsReady } from '../scripts/stack/supervisor.ts'
import { freePort } from '../services/shared/src/net/free-port.ts'

export { freePort }

export interface BenchProcess {
  /** Name in the report: gateway, user-1, auth, better-auth, nginx… */
  name: string
  pid: number
  url: string
  /** A Portcullis process's /healthz, /readyz and /metrics (MANAGEMENT_PORT); for another program, its own url. */
  managementUrl: string
  /** The instance as the gateway's *_UPSTREAMS name it: `url|management port`. */
  upstream: string
  logFile: string
  /** False once it has exited, for whatever reason. */
  alive(): boolean
  stop(): Promise<void>
}

export interface StartOptions {
  name: string
  /** A Node script, run with this Node, or any program with `args`. */
  script?: string
  /** Its working directory, which a relative `script` is found from; this process's by default. */
  cwd?: string
  command?: string
  args?: string[]
  env: Record<string, string>
  /** Where the process's stdout and stderr go. */
  logDir: string
  /**
   * A Portcullis service or gateway: it gets a free MANAGEMENT_PORT (unless env names one) and is ready once /readyz there
   * answers 2xx and /healthz there gives its own pid. Otherwise (a peer, Nginx) `readyUrl` or `isReady` say when it is ready.
   */
  portcullis?: boolean
  /** The URL probed until it answers 2xx; by default http://127.0.0.1:PORT/readyz. */
  readyUrl?: string
  isReady?: () => Promise<boolean>
  timeoutMs?: number
}

const running = new Set<ChildProcess>()

/** SIGKILLs whatever is still running: the last resort on the way out. */
export function killAllProcesses(): void {
  for (const child of running) child.kill('SIGKILL')
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-3000)
  } catch {
    return ''
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok
  } catch {
    return false
  }
}

export async function startProcess(options: StartOptions): Promise<BenchProcess> {
  const port = options.env.PORT ? Number(options.env.PORT) : await freePort()
  const url = `http://127.0.0.1:${port}`
  const managementPort = options.portcullis ? (options.env.MANAGEMENT_PORT ? Number(options.env.MANAGEMENT_PORT) : await freePort()) : undefined
  const managementUrl = managementPort === undefined ? url : `http://127.0.0.1:${managementPort}`
  const logFile = path.join(options.logDir, `${options.name}.log`)
  const log = openSync(logFile, 'a')
  const command = options.command ?? process.execPath
  const args = options.args ?? (options.script ? [options.script] : [])
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      ...options.env,
      PORT: String(port),
      ...(managementPort === undefined ? {} : { MANAGEMENT_PORT: String(managementPort) }),
    },
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  running.add(child)
  let stopping = false
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      // On a shared machine something else may stop it (a neighbour's clean-up): say so, the measurement is void.
      if (!stopping) console.error(`bench: ${options.name} (pid ${child.pid}) exited on its own, ${signal ? `by ${signal}` : `with code ${code}`}`)
      resolve()
    })
    child.once('error', () => {
      running.delete(child)
      resolve()
    })
  })
  const alive = () => child.exitCode === null && child.signalCode === null
  const stop = async () => {
    stopping = true
    if (!alive()) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  const isReady = options.isReady ?? (options.portcullis ? () => serviceIsReady(managementUrl, child.pid) : () => answers(options.readyUrl ?? `${url}/readyz`))
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  let ready = false
  while (!ready && Date.now() < deadline && alive()) {
    ready = await isReady()
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (!ready || child.pid === undefined) {
    await stop()
    throw new Error(`${options.name} did not become ready on ${url}:\n${tail(logFile)}`)
  }
  const upstream = managementPort === undefined ? url : `${url}|${managementPort}`
  return { name: options.name, pid: child.pid, url, managementUrl, upstream, logFile, alive, stop }
}
