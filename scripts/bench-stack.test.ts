// The bench's stack (bench/stack.ts) and the reliability suite's probes run on the management ports: each Portcullis process
// is ready once its own /readyz there answers, the gateways balance over instances named `url|management port`, and the
// figures read /metrics and /readyz where they are served.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

// The bench, the reliability suite and the gateway's test stack are projects of their own (the bench builds on this one), so
// they are loaded by path, as their own entry points load them, with the little of their types used here.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const load = (relative: string) => import(path.join(root, relative))

interface Instance {
  name: string
  url: string
  managementUrl: string
  upstream: string
}
interface Running {
  url: string
  managementUrl: string
}
const { startBenchStack } = (await load('bench/stack.ts')) as {
  startBenchStack(
    kind: 'sqlite',
    options: { env: Record<string, string>; logDir: string; name: string },
  ): Promise<{
    auth: Instance
    admin: Instance
    gateway: Instance
    users: Instance[]
    startUserInstance(): Promise<Instance>
    startGateway(name: string, users: Instance[]): Promise<Instance>
    stop(): Promise<void>
  }>
}
const { bearer, createAccount } = (await load('bench/accounts.ts')) as {
  bearer(tokens: unknown): Record<string, string>
  createAccount(stack: unknown, username: string): Promise<unknown>
}
const { startTestStack } = (await load('gateway/test/helpers/stack.ts')) as {
  startTestStack(
    t: unknown,
    kind: 'sqlite',
    options: { gatewayInstances: number },
  ): Promise<{ gateway: Running; auth: Running; admin: Running; users: Running[]; gateways: Running[] }>
}
const { createBalancer } = (await load('reliability/harness/balancer.ts')) as {
  createBalancer(
    instances: Running[],
    probeEveryMs: number,
  ): { healthy(): string[]; send(method: string, path: string): Promise<{ status: number }>; stop(): Promise<void> }
}
const { readyStatus } = (await load('reliability/harness/processes.ts')) as { readyStatus(instance: Running): Promise<number | string> }

t.test('the bench stack starts on management ports and serves through a second gateway over two user instances', async (t) => {
  const logDir = await mkdtemp(path.join(tmpdir(), 'portcullis-bench-logs-'))
  t.teardown(() => rm(logDir, { recursive: true, force: true }))
  const stack = await startBenchStack('sqlite', { env: { LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }, logDir, name: '' })
  t.teardown(() => stack.stop())
  for (const child of [stack.auth, stack.admin, stack.gateway, ...stack.users]) {
    t.not(child.managementUrl, child.url, `${child.name}: its own management port`)
    t.equal(child.upstream, `${child.url}|${new URL(child.managementUrl).port}`)
    t.equal((await fetch(`${child.managementUrl}/readyz`)).status, 200, `${child.name}: ready there`)
    t.equal((await fetch(`${child.url}/readyz`)).status, 404, `${child.name}: not on its public port`)
  }
  const second = await stack.startUserInstance()
  const gateway2 = await stack.startGateway('gateway-2', [...stack.users])
  const headers = bearer(await createAccount(stack, 'bench-check'))
  for (let i = 0; i < 4; i++) t.equal((await fetch(`${gateway2.url}/user/profile`, { headers })).status, 200, 'profile through the second gateway')
  t.equal((await fetch(`${second.managementUrl}/metrics`)).status, 200, 'the new instance serves /metrics on its management port')
})

t.test('the reliability harness probes each process on its management port', async (t) => {
  const stack = await startTestStack(t, 'sqlite', { gatewayInstances: 2 })
  for (const child of [stack.gateway, stack.auth, stack.admin, ...stack.users]) t.equal(await readyStatus(child), 200, `${child.url} is ready`)
  const balancer = createBalancer(stack.gateways, 50)
  t.teardown(() => balancer.stop())
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(balancer.healthy().sort(), stack.gateways.map((g) => g.url).sort(), 'the balancer finds both gateways ready')
  t.equal((await balancer.send('GET', '/auth/.well-known/jwks.json')).status, 200)
})
