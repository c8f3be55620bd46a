// The one way Portcullis' processes are run outside production: by `pnpm start`'s supervisor, by the tests and by the bench.
// A Node script gets an IPC channel (it stops when whoever started it goes, even by SIGKILL), free PORT and MANAGEMENT_PORT
// unless its environment names them, and counts as ready when /readyz on its management port answers 2xx and /healthz
// there reports its own pid (another process answering on that port is not it). Any other program says itself when it is
// ready. Output is kept in memory (tests), passed through (the supervisor) or written to a file (the bench).
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { freePort } from '@portcullis/shared/net/free-port'
import { inheritedEnvironment, inheritedPath } from './settings.ts'

export { freePort }

export type OutputMode = 'capture' | 'inherit' | { file: string }

export interface ProcessSpec {
  /** For messages, logs and reports: auth, user-1, nginx… */
  name: string
  /** A Node script, run with this Node; or `command` with `args`. */
  script?: string
  command?: string
  args?: string[]
  cwd?: string
  /** Its environment, over PATH and HOST=127.0.0.1 (`inheritEnv` adds this process's own first). */
  env: Record<string, string | undefined>
  inheritEnv?: boolean
  output?: OutputMode
  /**
   * A Portcullis service or gateway (the default for a script): free ports are chosen for it and readiness is asked on its
   * management port. For another program, `isReady` (or `readyUrl` answering 2xx).
   */
  portcullis?: boolean
  isReady?: (launched: RunningProcess) => Promise<boolean>
  readyUrl?: string
  /** Where it serves and where its management port answers, when the caller chose them (else from PORT and MANAGEMENT_PORT). */
  url?: string
  managementUrl?: string
  /** How long it may take to become ready (60 s by default). */
  timeoutMs?: number
}

export interface RunningProcess {
  name: string
  child: ChildProcess
  pid: number | undefined
  /** Where it serves; for a program without PORT, its readyUrl. */
  url: string
  /** Its /healthz, /readyz and /metrics (the url itself for a program that is not ours). */
  managementUrl: string
  /** The instance as the gateway's *_UPSTREAMS name it: `url|management port`. */
  upstream: string
  /** What it printed, when its output is captured (the last part of its log file when written to one). */
  output(): string
  /** Resolves with the output once it matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>
  alive(): boolean
  /** The exit code, or the signal, once it has exited. */
  exited: Promise<number | NodeJS.Signals | null>
  /** Sends the signal (SIGTERM by default), then SIGKILL after `graceMs` (10 s); resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>
}

/** A process that exited or did not become ready in time; `exitCode` 2 means a configuration error. */
export class ChildStartFailed extends Error {
  override name = 'ChildStartFailed'
  readonly exitCode: number | null
  constructor(message: string, exitCode: number | null) {
    super(message)
    this.exitCode = exitCode
  }
}

async function getJson(url: string): Promise<{ ok: boolean; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
  const text = await res.text()
  try {
    return { ok: res.ok, body: JSON.parse(text) }
  } catch {
    return { ok: res.ok, body: undefined }
  }
}

/** Whether this very process serves: /readyz on its management port is 2xx and /healthz there reports `pid`. */
export async function serviceIsReady(managementUrl: string, pid: number | undefined): Promise<boolean> {
  try {
    const [health, ready] = await Promise.all([getJson(`${managementUrl}/healthz`), getJson(`${managementUrl}/readyz`)])
    return ready.ok && health.ok && pid !== undefined && (health.body as { pid?: unknown } | undefined)?.pid === pid
  } catch {
    return false // not listening yet
  }
}

/** Whether a URL answers 2xx (a program's own readiness page, or a stack whose gateway serves /readyz). */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await res.body?.cancel()
    return res.ok
  } catch {
    return false
  }
}

const running = new Set<ChildProcess>()

/** SIGKILLs every process this one started that is still running: the last resort on the way out. */
export function killAllProcesses(): void {
  for (const child of running) child.kill('SIGKILL')
}

/** The ports a spec's process will listen on: those its environment names, else free ones. */
async function portsFor(spec: ProcessSpec): Promise<{ port: number | undefined; managementPort: number | undefined }> {
  const ours = spec.portcullis ?? spec.script !== undefined
  if (!ours) return { port: spec.env.PORT ? Number(spec.env.PORT) : undefined, managementPort: undefined }
  const port = spec.env.PORT ? Number(spec.env.PORT) : await freePort()
  const managementPort = spec.env.MANAGEMENT_PORT ? Number(spec.env.MANAGEMENT_PORT) : await freePort()
  return { port, managementPort }
}

/** Starts the process and returns at once; `waitUntilReady` says when it serves. */
export async function launchProcess(spec: ProcessSpec): Promise<RunningProcess> {
  const { port, managementPort } = await portsFor(spec)
  const url = spec.url ?? (port === undefined ? (spec.readyUrl ?? '') : `http://127.0.0.1:${port}`)
  const managementUrl = spec.managementUrl ?? (managementPort === undefined ? url : `http://127.0.0.1:${managementPort}`)
  const mode = spec.output ?? 'capture'
  const log = typeof mode === 'object' ? openSync(mode.file, 'a') : undefined
  const stdio: Array<'ignore' | 'pipe' | 'inherit' | 'ipc' | number> = [
    'ignore',
    log ?? (mode === 'inherit' ? 'inherit' : 'pipe'),
    log ?? (mode === 'inherit' ? 'inherit' : 'pipe'),
  ]
  if (spec.script !== undefined) stdio.push('ipc')
  const env = {
    ...(spec.inheritEnv ? inheritedEnvironment() : { ...inheritedPath(), HOST: '127.0.0.1' }),
    ...spec.env,
    ...(port === undefined ? {} : { PORT: String(port) }),
    ...(managementPort === undefined ? {} : { MANAGEMENT_PORT: String(managementPort) }),
  }
  const child =
    spec.script !== undefined
      ? spawn(process.execPath, [spec.script, ...(spec.args ?? [])], { env, stdio, ...(spec.cwd ? { cwd: spec.cwd } : {}) })
      : spawn(spec.command ?? '', spec.args ?? [], { env, stdio, ...(spec.cwd ? { cwd: spec.cwd } : {}) })
  if (log !== undefined) closeSync(log)
  // Unref'd, the IPC channel does not keep this process alive; it still tells the child when this one is gone.
  child.channel?.unref()
  running.add(child)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve(code ?? signal)
    })
    child.once('error', () => {
      running.delete(child)
      resolve(null)
    })
  })
  const alive = () => child.exitCode === null && child.signalCode === null
  const readOutput = () => {
    if (typeof mode !== 'object') return output
    try {
      return readFileSync(mode.file, 'utf8')
    } catch {
      return ''
    }
  }
  return {
    name: spec.name,
    child,
    pid: child.pid,
    url,
    managementUrl,
    upstream: managementPort === undefined ? url : `${url}|${managementPort}`,
    output: readOutput,
    async waitForOutput(pattern, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(readOutput())) {
        if (Date.now() > deadline) throw new Error(`${spec.name}: no output matching ${pattern} within ${timeoutMs} ms:\n${readOutput().slice(-2000)}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return readOutput()
    },
    alive,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (alive()) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
      child.stdout?.destroy()
      child.stderr?.destroy()
      return child.exitCode
    },
  }
}

/** The end of what a process printed, for an error message; nothing when its output went to the terminal. */
function tail(launched: RunningProcess): string {
  const output = launched.output()
  return output === '' ? '' : `:\n${output.slice(-2000)}`
}

/** Waits until the process serves; throws ChildStartFailed when it exits first or the time is up (it is left running). */
export async function waitUntilReady(launched: RunningProcess, spec: ProcessSpec, probeEveryMs = 100): Promise<void> {
  const ours = spec.portcullis ?? spec.script !== undefined
  const isReady = spec.isReady
    ? () => (spec.isReady as (l: RunningProcess) => Promise<boolean>)(launched)
    : ours
      ? () => serviceIsReady(launched.managementUrl, launched.pid)
      : () => answers(spec.readyUrl ?? `${launched.url}/readyz`)
  let spawnError: Error | undefined
  launched.child.once('error', (error) => {
    spawnError = error
  })
  const timeoutMs = spec.timeoutMs ?? 60_000
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (spawnError) throw new ChildStartFailed(`${spec.name} could not be run: ${spawnError.message}`, null)
    if (!launched.alive()) {
      const { exitCode, signalCode } = launched.child
      throw new ChildStartFailed(`${spec.name} exited during start-up (${signalCode ?? `code ${exitCode}`})${tail(launched)}`, exitCode)
    }
    if (await isReady()) return
    await new Promise((resolve) => setTimeout(resolve, probeEveryMs))
  }
  throw new ChildStartFailed(`${spec.name} did not become ready at ${launched.url} within ${Math.round(timeoutMs / 1000)} s${tail(launched)}`, null)
}

/** Launches the process and waits until it serves; one that does not is killed and its output is in the error. */
export async function startProcess(spec: ProcessSpec): Promise<RunningProcess> {
  const launched = await launchProcess(spec)
  try {
    await waitUntilReady(launched, spec)
  } catch (error) {
    await launched.stop('SIGKILL')
    throw error
  }
  return launched
}

export interface ServiceOptions {
  timeoutMs?: number
  name?: string
  /** A whole stack (`pnpm start`): its gateway, not the process itself, answers on the management port, so no pid is asked. */
  stack?: boolean
}

/** A test's shorthand: a Node service of ours (or a whole stack), its output kept. */
export function startService(script: string, env: Record<string, string>, options: ServiceOptions = {}): Promise<RunningProcess> {
  return startProcess({
    name: options.name ?? script.split('/').slice(-3).join('/'),
    script,
    env,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.stack ? { isReady: (launched: RunningProcess) => answers(`${launched.managementUrl}/readyz`) } : {}),
  })
}
