// SIGTERM to the whole process group (Ctrl-C, systemd's control-group kill, docker stop) reaches a service twice: from the
// group, and again from `pnpm start`'s supervisor stopping its children. The second must not cut the drain short: a request
// in flight completes, and the service exits 0 after draining.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { inheritedPath } from '@portcullis/testkit/settings'
import t from 'tap'

const fixture = fileURLToPath(new URL('./fixtures/supervised-slow-service.ts', import.meta.url))

t.test('a SIGTERM to the process group lets the in-flight request finish and the service exit 0', async (t) => {
  const stack = spawn(process.execPath, [fixture], { env: inheritedPath(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const pgid = stack.pid as number
  t.teardown(() => {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {}
  })
  let output = ''
  stack.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  stack.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | string | null>((resolve) => stack.once('exit', (code, signal) => resolve(code ?? signal)))
  const deadline = Date.now() + 30_000
  while (!/stack ready at (\S+)/.test(output)) {
    if (Date.now() > deadline || stack.exitCode !== null) throw new Error(`the stack did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = (/stack ready at (\S+)/.exec(output) as RegExpExecArray)[1]
  const slow = fetch(`${url}/slow`, { signal: AbortSignal.timeout(10_000) }).then(
    async (response) => ({ status: response.status, body: await response.json() }),
    (error: Error) => ({ status: 0, body: error.cause ?? error.message }),
  )
  await new Promise((resolve) => setTimeout(resolve, 200))
  process.kill(-pgid, 'SIGTERM')
  t.same(await slow, { status: 200, body: { done: true } }, 'the request in flight at the signal was answered')
  t.equal(await exited, 0, 'the supervisor exited 0')
  t.match(output, /slow-service exited 0/, `the service drained and exited 0:\n${output.slice(-1500)}`)
  t.equal(output.match(/"msg":"draining"/g)?.length, 1, 'it drained once')
})
