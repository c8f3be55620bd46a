// Runs the stack's processes: starts each, waits until it is ready (its own /readyz, on its management port), reports and
// restarts a crashed one, and stops them all together.
import { type ChildProcess, spawn } from 'node:child_process'

interface ProcessBase {
  name: string
  env: Record<string, string | undefined>
  /** Where it serves, for the messages. */
  url: string
}

/** A Node service of the stack: ready when /readyz on its management port answers 2xx and /healthz there gives its own pid. */
export interface ServiceSpec extends ProcessBase {
  script: string
  managementUrl: string
}

/** Another program (Nginx) with its arguments, and its own readiness test. */
export interface ProgramSpec extends ProcessBase {
  command: string
  args: string[]
  isReady: () => Promise<boolean>
}

export type ProcessSpec = ServiceSpec | ProgramSpec

/** A child that exited before it was ready; its exit code 2 (a configuration error) makes the whole command exit 2. */
export class ChildStartFailed extends Error {
  override name = 'ChildStartFailed'
  readonly exitCode: number | null
  constructor(message: string, exitCode: number | null) {
    super(message)
    this.exitCode = exitCode
  }
}

const RESTARTS_ALLOWED = 5
const RESTART_WINDOW_MS = 60_000

export interface SupervisorOptions {
  /** How long a process may take to become ready; 60 s by default (the first start builds nothing, but argon2 and SQLite take a while on a slow disk). */
  readyTimeoutMs?: number
  /** How often readiness is asked while starting. */
  probeEveryMs?: number
}

export interface Supervisor {
  start(spec: ProcessSpec): Promise<void>
  stopAll(signal?: NodeJS.Signals): Promise<void>
}

async function getJson(url: string): Promise<{ ok: boolean; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { ok: res.ok, body }
}

/**
 * Whether this very child serves: another process answering on the same port (a stack already running, a stale process) is
 * not it, so the pid /healthz reports must be the child's.
 */
export async function serviceIsReady(managementUrl: string, pid: number | undefined): Promise<boolean> {
  try {
    const [health, ready] = await Promise.all([getJson(`${managementUrl}/healthz`), getJson(`${managementUrl}/readyz`)])
    return ready.ok && health.ok && pid !== undefined && (health.body as { pid?: unknown } | undefined)?.pid === pid
  } catch {
    return false // not listening yet
  }
}

export function createSupervisor(onGiveUp: (name: string) => void, options: SupervisorOptions = {}): Supervisor {
  const running = new Map<string, ChildProcess>()
  const restarts = new Map<string, number[]>()
  let stopping = false

  function launch(spec: ProcessSpec, ready: () => boolean): ChildProcess {
    // The IPC channel lets a Node child notice when this supervisor dies, even by SIGKILL, and stop too.
    const child =
      'script' in spec
        ? spawn(process.execPath, [spec.script], { env: spec.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
        : spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'inherit', 'inherit'] })
    running.set(spec.name, child)
    child.on('error', (error) => console.error(`portcullis: ${spec.name} could not be run: ${error.message}`))
    child.on('exit', (code, signal) => {
      if (running.get(spec.name) === child) running.delete(spec.name)
      // One that never became ready is reported by start(), which fails the whole start.
      if (stopping || !ready()) return
      const now = Date.now()
      const recent = (restarts.get(spec.name) ?? []).filter((at) => now - at < RESTART_WINDOW_MS)
      if (recent.length >= RESTARTS_ALLOWED) {
        console.error(`portcullis: ${spec.name} exited (${signal ?? code}) ${recent.length + 1} times within a minute; giving up`)
        onGiveUp(spec.name)
        return
      }
      restarts.set(spec.name, [...recent, now])
      console.error(`portcullis: ${spec.name} exited (${signal ?? code}); restarting`)
      setTimeout(() => {
        if (!stopping) launch(spec, ready)
      }, 500)
    })
    return child
  }

  return {
    async start(spec) {
      let ready = false
      const child = launch(spec, () => ready)
      let spawnError: Error | undefined
      child.once('error', (error) => {
        spawnError = error
      })
      const isReady = 'script' in spec ? () => serviceIsReady(spec.managementUrl, child.pid) : spec.isReady
      const timeoutMs = options.readyTimeoutMs ?? 60_000
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        if (spawnError) throw new ChildStartFailed(`${spec.name} could not be run: ${spawnError.message}`, null)
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new ChildStartFailed(`${spec.name} exited during start-up (${child.signalCode ?? `code ${child.exitCode}`})`, child.exitCode)
        }
        if (await isReady()) {
          ready = true
          const management = 'script' in spec ? `; health and metrics on ${spec.managementUrl}` : ''
          console.log(`portcullis: ${spec.name} ready (pid ${child.pid}) on ${spec.url}${management}`)
          return
        }
        await new Promise((resolve) => setTimeout(resolve, options.probeEveryMs ?? 150))
      }
      throw new ChildStartFailed(`${spec.name} did not become ready at ${spec.url} within ${Math.round(timeoutMs / 1000)} s`, null)
    },
    async stopAll(signal = 'SIGTERM') {
      stopping = true
      const exits = [...running.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
            child.once('exit', () => {
              clearTimeout(timer)
              resolve()
            })
            child.kill(signal)
          }),
      )
      await Promise.all(exits)
    },
  }
}
