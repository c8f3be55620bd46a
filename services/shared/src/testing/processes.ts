// Real processes for tests: free ports on 127.0.0.1, a child started with its own environment, ready when /readyz (on its
// management port) says so.
import { type ChildProcess, spawn } from 'node:child_process'
import { freePort } from '../net/free-port.ts'

export { freePort }

export interface RunningProcess {
  url: string
  /** Where /healthz, /readyz and /metrics answer (MANAGEMENT_PORT). */
  managementUrl: string
  /** The instance as the gateway's *_UPSTREAMS name it: `url|management port`. */
  upstream: string
  child: ChildProcess
  output(): string
  /** Resolves with the output once it matches (a request's log line is written after its answer has gone out). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export async function startService(
  script: string,
  env: Record<string, string>,
  options: { readyPath?: string; timeoutMs?: number } = {},
): Promise<RunningProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const managementPort = env.MANAGEMENT_PORT ? Number(env.MANAGEMENT_PORT) : await freePort()
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, PORT: String(port), MANAGEMENT_PORT: String(managementPort) },
    // With an IPC channel the service stops when this process goes, even by SIGKILL (runService listens for 'disconnect'):
    // an interrupted test run leaves nothing running. Unref'd, the channel does not keep this process alive.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  child.channel?.unref()
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const managementUrl = `http://127.0.0.1:${managementPort}`
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  let ready = false
  while (!ready && Date.now() < deadline && child.exitCode === null) {
    try {
      ready = (await fetch(`${managementUrl}${options.readyPath ?? '/readyz'}`)).ok
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const running: RunningProcess = {
    url,
    managementUrl,
    upstream: `${url}|${managementPort}`,
    child,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(output)) {
        if (Date.now() > deadline) throw new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${output.slice(-2000)}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return output
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      child.stdout?.destroy()
      child.stderr?.destroy()
      return code
    },
  }
  if (!ready) {
    await running.stop('SIGKILL')
    throw new Error(`${script} did not become ready on ${url}:\n${output.slice(-2000)}`)
  }
  return running
}
