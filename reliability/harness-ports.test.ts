// The reliability suite's probes run on the management ports: each process is ready once its own /readyz there answers, and
// the balancer in front of several gateways finds them ready there.
import t from 'tap'
import { startTestStack } from '@portcullis/testkit/stack'
import { createBalancer } from './harness/balancer.ts'
import { readyStatus } from './harness/processes.ts'

t.test('the reliability harness probes each process on its management port', async (t) => {
  const stack = await startTestStack(t, 'sqlite', { gatewayInstances: 2 })
  for (const child of [stack.gateway, stack.auth, stack.admin, ...stack.users]) t.equal(await readyStatus(child), 200, `${child.url} is ready`)
  const balancer = createBalancer(stack.gateways, 50)
  t.teardown(() => balancer.stop())
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(balancer.healthy().sort(), stack.gateways.map((g) => g.url).sort(), 'the balancer finds both gateways ready')
  t.equal((await balancer.send('GET', '/auth/.well-known/jwks.json')).status, 200)
})
