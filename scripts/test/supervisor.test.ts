// The supervisor calls a child ready only when the child itself answers: /readyz on its management port, and /healthz there
// with the child's own pid, so a stack already running on the same port is never taken for it.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { inheritedPath } from '@portcullis/testkit/settings'
import t from 'tap'
import { freePort } from '@portcullis/testkit/processes'
import { createSupervisor } from '../stack/supervisor.ts'

const fake = fileURLToPath(import.meta.resolve('@portcullis/testkit/fake-service'))

t.test('another process answering on the management port is not the child', async (t) => {
  // Ready and healthy, but with some other process's pid: what an older stack on that port would answer.
  const impostor = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify(request.url === '/healthz' ? { status: 'ok', service: 'auth', pid: 1 } : { status: 'ready' }))
  })
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
  t.teardown(() => impostor.close())
  const managementUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`
  const supervisor = createSupervisor(() => {}, { readyTimeoutMs: 2000 })
  t.teardown(() => supervisor.stopAll('SIGKILL'))
  // The child listens elsewhere (its own MANAGEMENT_PORT), so only the impostor answers at managementUrl.
  const env = { ...inheritedPath(), MANAGEMENT_PORT: String(await freePort()) }
  await t.rejects(supervisor.start({ name: 'auth', script: fake, env, url: 'http://127.0.0.1:1', managementUrl }), /auth did not become ready/)
})

t.test('the child answering with its own pid is ready', async (t) => {
  const port = await freePort()
  const supervisor = createSupervisor(() => {}, { readyTimeoutMs: 20_000 })
  t.teardown(() => supervisor.stopAll('SIGKILL'))
  const env = { ...inheritedPath(), MANAGEMENT_PORT: String(port) }
  await t.resolves(supervisor.start({ name: 'auth', script: fake, env, url: 'http://127.0.0.1:1', managementUrl: `http://127.0.0.1:${port}` }))
})

t.test('a child that exits with a configuration error fails the start with its exit code', async (t) => {
  const supervisor = createSupervisor(() => {}, { readyTimeoutMs: 20_000 })
  t.teardown(() => supervisor.stopAll('SIGKILL'))
  const env = { ...inheritedPath(), FAKE_EXIT_CODE: '2' }
  await t.rejects(supervisor.start({ name: 'gateway', script: fake, env, url: 'http://127.0.0.1:1', managementUrl: 'http://127.0.0.1:1' }), {
    name: 'ChildStartFailed',
    exitCode: 2,
    message: /gateway exited during start-up \(code 2\)/,
  })
})
