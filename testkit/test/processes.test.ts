// Processes started by tests: a service started with startService goes when the test process goes, even by SIGKILL.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const testProcess = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/test-process.ts')

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('a test process killed with SIGKILL leaves no service running', async (t) => {
  const parent = spawn(process.execPath, [testProcess], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => parent.kill('SIGKILL'))
  const pid = await new Promise<number>((resolve, reject) => {
    let out = ''
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const found = /service pid (\d+)/.exec(out)
      if (found) resolve(Number(found[1]))
    })
    parent.once('exit', (code) => reject(new Error(`the test process exited (${code}) before starting its service: ${out}`)))
  })
  t.teardown(() => {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL')
  })
  t.ok(isRunning(pid), 'the service is up')
  parent.kill('SIGKILL')
  const started = Date.now()
  while (isRunning(pid) && Date.now() - started < 15_000) await new Promise((resolve) => setTimeout(resolve, 100))
  const running = isRunning(pid)
  t.notOk(running, running ? 'the service is still running 15 s after its test process was killed' : `the service stopped within ${Date.now() - started} ms`)
})
