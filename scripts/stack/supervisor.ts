// Runs the stack's processes: starts each, waits until it is ready (/readyz), reports and restarts a crashed one, and stops them all together.
import { type ChildProcess, spawn } from 'node:child_process'

interface ProcessBase {
  name: string
  env: Record<string, string | undefined>
  url: string
  /** Whether the process serves yet; by default, whether `${url}/readyz` answers 2xx. */
  isReady?: () => Promise<boolean>
}

/** A Node script of the stack, or another program (Nginx) with its arguments. */
export type ProcessSpec = ProcessBase & ({ script: string } | { command: string; args: string[] })

const RESTARTS_ALLOWED = 5
const RESTART_WINDOW_MS = 60_000

export interface Supervisor {
  start(spec: ProcessSpec): Promise<void>
  stopAll(signal?: NodeJS.Signals): Promise<void>
}

async function answersReadyz(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false // not listening yet
  }
}

export function createSupervisor(onGiveUp: (name: string) => void): Supervisor {
  const running = new Map<string, ChildProcess>()
  const restarts = new Map<string, number[]>()
  let stopping = false

  function launch(spec: ProcessSpec): ChildProcess {
    // The IPC channel lets a Node child notice when this supervisor dies, even by SIGKILL, and stop too.
    const child =
      'script' in spec
        ? spawn(process.execPath, [spec.script], { env: spec.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
        : spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'inherit', 'inherit'] })
    running.set(spec.name, child)
    child.on('error', (error) => console.error(`portcullis: ${spec.name} could not be run: ${error.message}`))
    child.on('exit', (code, signal) => {
      running.delete(spec.name)
      if (stopping) return
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
        if (!stopping) launch(spec)
      }, 500)
    })
    return child
  }

  return {
    async start(spec) {
      const child = launch(spec)
      let spawnError: Error | undefined
      child.once('error', (error) => {
        spawnError = error
      })
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        if (spawnError) throw new Error(`${spec.name} could not be run: ${spawnError.message}`)
        if (child.exitCode !== null) throw new Error(`${spec.name} exited during start-up (code ${child.exitCode})`)
        if (await (spec.isReady ?? (() => answersReadyz(spec.url)))()) return
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
      throw new Error(`${spec.name} did not become ready at ${spec.url} within 60 s`)
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
