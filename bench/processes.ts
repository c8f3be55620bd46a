// The processes under load, run with the one process runner (@portcullis/testkit/processes): started like the test stack's,
// but logging to a file as in production, and all stoppable at exit. Scripts are given relative to their working directory:
// on the shared machine this was measured on, something SIGTERMed every process whose command line began `node /work/main/`,
// and a stack that dies mid-run measures nothing.
import path from 'node:path'
import {
  freePort,
  killAllProcesses,
  type ProcessSpec as RunnerSpec,
  type RunningProcess,
  startProcess as startRunnerProcess,
} from '@portcullis/testkit/processes'

export { freePort, killAllProcesses }

export interface BenchProcess extends Pick<RunningProcess, 'name' | 'url' | 'managementUrl' | 'upstream' | 'alive'> {
  pid: number
  logFile: string
  stop(): Promise<void>
}

export interface StartOptions {
  /** Name in the report: gateway, user-1, auth, better-auth, nginx… */
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
  /** A Portcullis service or gateway: free ports, and ready once its own pid answers /readyz on its management port. */
  portcullis?: boolean
  /** Otherwise (a peer, Nginx): the URL probed until it answers 2xx, or a test of its own. */
  readyUrl?: string
  isReady?: RunnerSpec['isReady']
  timeoutMs?: number
}

export async function startProcess(options: StartOptions): Promise<BenchProcess> {
  const logFile = path.join(options.logDir, `${options.name}.log`)
  const { portcullis, ...rest } = options
  // Every process gets a PORT, peers too (Better Auth listens on it; Nginx ignores it).
  const env = options.env.PORT ? options.env : { ...options.env, PORT: String(await freePort()) }
  const started = await startRunnerProcess({ ...rest, env, output: { file: logFile }, portcullis: portcullis ?? false })
  let stopping = false
  // On a shared machine something else may stop it (a neighbour's clean-up): say so, the measurement is void.
  void started.exited.then((code) => {
    if (!stopping)
      console.error(`bench: ${options.name} (pid ${started.pid}) exited on its own, ${typeof code === 'string' ? `by ${code}` : `with code ${code}`}`)
  })
  return {
    name: started.name,
    pid: started.pid ?? 0,
    url: started.url,
    managementUrl: started.managementUrl,
    upstream: started.upstream,
    logFile,
    alive: started.alive,
    async stop() {
      stopping = true
      await started.stop('SIGTERM', 5000)
    },
  }
}
