// Runs the stack's processes: starts each, waits for /readyz, reports and restarts a crashed one, and stops them all together.
import { type ChildProcess, spawn } from 'node:child_process'

export interface ProcessSpec {
  name: string
  script: string
  env: Record<string, string | undefined>
  url: string
}

const RESTARTS_ALLOWED = 5
const RESTART_WINDOW_MS = 60_000

export interface Supervisor {
  start(spec: ProcessSpec): Promise<void>
  stopAll(signal?: NodeJS.Signals): Promise<void>
}

export function createSupervisor(onGiveUp: (name: string) => void): Supervisor {
  const running = new Map<string, ChildProcess>()
  const restarts = new Map<string, number[]>()
  let stopping = false

  function launch(spec: ProcessSpec): ChildProcess {
    // The IPC channel lets a child notice when this supervisor dies, even by SIGKILL, and stop too.
    const child = spawn(process.execPath, [spec.script], { env: spec.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    running.set(spec.name, child)
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
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`${spec.name} exited during start-up (code ${child.exitCode})`)
        try {
          const res = await fetch(`${spec.url}/readyz`, { signal: AbortSignal.timeout(1000) })
          if (res.ok) return
        } catch {
          // not listening yet
        }
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
