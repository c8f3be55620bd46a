// 1. GET /user/profile through the gateway, straight to the user service, and through a bare Fastify proxy with no token check.
import { bearer, createAccount } from '../accounts.ts'
import { ratio } from '../measure.ts'
import { type BenchProcess, startProcess } from '../processes.ts'
import type { BenchContext, Scenario } from '../scenario.ts'
import { ROOT } from '../settings.ts'

/** The bare proxy of bench/peers/bare-proxy.ts in front of one user instance, stopped with the run. */
export async function startBareProxy(context: BenchContext, upstream: BenchProcess): Promise<BenchProcess> {
  const proxy = await startProcess({
    name: 'bare-proxy',
    script: 'bench/peers/bare-proxy.ts',
    cwd: ROOT,
    env: { UPSTREAM: upstream.url },
    logDir: context.logDir,
  })
  context.onCleanup(proxy.stop)
  return proxy
}

export const profileScenario: Scenario = {
  id: 'profile',
  number: 1,
  title: 'GET /user/profile: gateway vs user service direct vs bare Fastify proxy',
  async run(context) {
    const stack = await context.sqliteStack()
    const [user] = stack.users
    if (!user) throw new Error('the stack has no user instance')
    const headers = bearer(await createAccount(stack, 'bench-profile'))
    const bare = await startBareProxy(context, user)
    const [direct, proxied, gateway] = await context.measure(
      { name: 'profile: user service direct', url: `${user.url}/user/profile`, headers, processes: [user] },
      { name: 'profile: bare proxy → user', url: `${bare.url}/user/profile`, headers, processes: [bare, user] },
      { name: 'profile: gateway → user', url: `${stack.url}/user/profile`, headers, processes: [stack.gateway, user] },
    )
    if (!direct || !proxied || !gateway) throw new Error('a measurement is missing')
    await bare.stop()
    return {
      rows: [direct, proxied, gateway],
      derived: [
        {
          label: 'req/s gateway ÷ direct',
          value: ratio(gateway.requestsPerSecond, direct.requestsPerSecond),
          meaning: 'the whole cost of the gateway hop (proxy, token check, revocation list, rate-limit plugin, helmet, logging)',
        },
        { label: 'req/s bare proxy ÷ direct', value: ratio(proxied.requestsPerSecond, direct.requestsPerSecond), meaning: 'the cost of any Fastify proxy hop' },
        {
          label: 'req/s gateway ÷ bare proxy',
          value: ratio(gateway.requestsPerSecond, proxied.requestsPerSecond),
          meaning: 'what the gateway adds to a bare hop: its token verification and its other plugins',
        },
        { label: 'p50 ms gateway − direct', value: gateway.latencyP50Ms - direct.latencyP50Ms },
      ],
      notes: [
        'Every path ends in the same user instance, which verifies the token itself and reads the user and session rows.',
        'The bare proxy has the gateway’s undici settings (128 connections, keep-alive) and no logging; the gateway logs at the stack’s LOG_LEVEL.',
      ],
    }
  },
}
