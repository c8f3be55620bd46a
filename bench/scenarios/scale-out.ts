// 6. Scale-out: GET /user/profile through a gateway in front of one user instance, then of two, on the same database.
import { availableParallelism } from 'node:os'
import { bearer, createAccount } from '../accounts.ts'
import { ratio } from '../measure.ts'
import type { Scenario } from '../scenario.ts'

export const scaleOutScenario: Scenario = {
  id: 'scale-out',
  number: 6,
  title: 'Scale-out: one vs two user instances behind the gateway',
  async run(context) {
    const stack = await context.sqliteStack()
    const [first] = stack.users
    if (!first) throw new Error('the stack has no user instance')
    const headers = bearer(await createAccount(stack, 'bench-scale'))
    const second = await stack.startUserInstance()
    const gateway2 = await stack.startGateway('gateway-2', [first, second])
    const [one, two] = await context.measure(
      { name: 'profile: gateway → 1 user instance', url: `${stack.url}/user/profile`, headers, processes: [stack.gateway, first] },
      { name: 'profile: gateway → 2 user instances', url: `${gateway2.url}/user/profile`, headers, processes: [gateway2, first, second] },
    )
    if (!one || !two) throw new Error('a measurement is missing')
    await gateway2.stop()
    await second.stop()
    stack.users.splice(stack.users.indexOf(second), 1)
    const cores = availableParallelism()
    return {
      rows: [one, two],
      derived: [
        {
          label: 'req/s two instances ÷ one',
          value: ratio(two.requestsPerSecond, one.requestsPerSecond),
          meaning: 'above 1 when the user service was the bottleneck',
        },
      ],
      notes: [
        `${cores} cores run the load generator, one gateway and the user instances: a second instance can only help while a core is idle.`,
        'Both gateways are identical but for USER_UPSTREAMS; the gateway balances round-robin over the instances it finds ready.',
      ],
    }
  },
}
