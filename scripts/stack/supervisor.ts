// Runs the stack's processes with the one process runner (@portcullis/testkit/processes): starts each, waits until it is
// ready (its own /readyz, on its management port), reports and restarts a crashed one, and stops them all together.
import { ChildStartFailed, launchProcess, type ProcessSpec as RunnerSpec, type RunningProcess, waitUntilReady } from '@portcullis/testkit/processes'

export { ChildStartFailed }

/** A process of the stack: a Node service (its ports in `env`, `url` and `managementUrl` for the messages) or another program. */
export type ProcessSpec = RunnerSpec & { url: string }

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

export function createSupervisor(onGiveUp: (name: string) => void, options: SupervisorOptions = {}): Supervisor {
  const running = new Map<string, RunningProcess>()
  const restarts = new Map<string, number[]>()
  let stopping = false

  /** The runner's spec for it: output on this terminal, its environment as given, the supervisor's timeout. */
  const runnerSpec = (spec: ProcessSpec): RunnerSpec => ({ ...spec, output: 'inherit', timeoutMs: options.readyTimeoutMs ?? spec.timeoutMs ?? 60_000 })

  async function launch(spec: ProcessSpec, ready: () => boolean): Promise<RunningProcess> {
    const launched = await launchProcess(runnerSpec(spec))
    running.set(spec.name, launched)
    launched.child.on('error', (error) => console.error(`portcullis: ${spec.name} could not be run: ${error.message}`))
    launched.child.on('exit', (code, signal) => {
      if (running.get(spec.name) === launched) running.delete(spec.name)
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
        if (!stopping) void launch(spec, ready)
      }, 500)
    })
    return launched
  }

  return {
    async start(spec) {
      let ready = false
      const launched = await launch(spec, () => ready)
      await waitUntilReady(launched, runnerSpec(spec), options.probeEveryMs ?? 150)
      ready = true
      const management = spec.script !== undefined ? `; health and metrics on ${launched.managementUrl}` : ''
      console.log(`portcullis: ${spec.name} ready (pid ${launched.pid}) on ${spec.url}${management}`)
    },
    async stopAll(signal = 'SIGTERM') {
      stopping = true
      await Promise.all([...running.values()].map((launched) => launched.stop(signal)))
    },
  }
}
