// `pnpm start` (or start:tls) as a test runs it: a child with its own environment, its output kept, waited on until it says
// it is ready or exits. The child watches its parent (scripts/stack/launcher-watch.ts), so a test that dies leaves nothing.
import { type ChildProcess, spawn } from 'node:child_process'
import { inheritedPath } from './settings.ts'

export interface StackRun {
  child: ChildProcess
  output(): string
  /** The exit code (or signal) once it has exited. */
  exited: Promise<number | NodeJS.Signals | null>
  /** Resolves with the output once it matches; rejects if the process exits first or the time is up. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>
}

export const LIGHT_SETTINGS = { LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }

export function runStack(script: string, env: Record<string, string>): StackRun {
  const child = spawn(process.execPath, [script], { env: { ...inheritedPath(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
  let done = false
  void exited.then(() => (done = true))
  return {
    child,
    output: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 150_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(output)) {
        if (done) throw new Error(`exited (${await exited}) before printing ${pattern}:\n${output.slice(-3000)}`)
        if (Date.now() > deadline) throw new Error(`nothing matching ${pattern} within ${timeoutMs} ms:\n${output.slice(-3000)}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return output
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      const result = await exited
      clearTimeout(timer)
      return result
    },
  }
}
