// The bench's stack runs on the management ports: each Portcullis process is ready once its own /readyz there answers, and the
// gateways balance over instances named `url|management port`; the OpenID Connect provider is there as in pnpm start.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { bearer, createAccount } from '../accounts.ts'
import { startBenchStack } from '../stack.ts'

t.test('the bench stack starts on management ports and serves through a second gateway over two user instances', async (t) => {
  const logDir = await mkdtemp(path.join(tmpdir(), 'portcullis-bench-logs-'))
  t.teardown(() => rm(logDir, { recursive: true, force: true }))
  const stack = await startBenchStack('sqlite', { env: { LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }, logDir, name: '' })
  t.teardown(() => stack.stop())
  for (const child of [stack.auth, stack.admin, stack.oidc, stack.gateway, ...stack.users]) {
    t.not(child.managementUrl, child.url, `${child.name}: its own management port`)
    t.equal(child.upstream, `${child.url}|${new URL(child.managementUrl).port}`)
    t.equal((await fetch(`${child.managementUrl}/readyz`)).status, 200, `${child.name}: ready there`)
    t.equal((await fetch(`${child.url}/readyz`)).status, 404, `${child.name}: not on its public port`)
  }
  const discovery = await fetch(`${stack.url}/.well-known/openid-configuration`)
  t.equal(discovery.status, 200, 'the OpenID Connect provider is behind the gateway')
  t.equal(((await discovery.json()) as { issuer?: string }).issuer, stack.url.replace('127.0.0.1', 'localhost'), "the gateway's origin is its issuer")
  const second = await stack.startUserInstance()
  const gateway2 = await stack.startGateway('gateway-2', [...stack.users])
  const headers = bearer(await createAccount(stack, 'bench-check'))
  for (let i = 0; i < 4; i++) t.equal((await fetch(`${gateway2.url}/user/profile`, { headers })).status, 200, 'profile through the second gateway')
  t.equal((await fetch(`${second.managementUrl}/metrics`)).status, 200, 'the new instance serves /metrics on its management port')
})
